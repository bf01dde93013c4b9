import type { DrillReport } from '../../../../shared/api/drill-report';
import { Checks } from './Checks';
import { Card } from '../../../components/Card';

/** Errors and warnings of the run, and the cleanup with each check that proves it really happened. */
export function Outcomes({ r }: { r: DrillReport }) {
  return (
    <div className="report-two">
      <Card title="Errors and warnings" testId="report-problems">
        {r.errors.length === 0 && r.warnings.length === 0 && <p className="muted small">None.</p>}
        {r.errors.length > 0 && (
          <ul className="problem-list errors">
            {r.errors.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        )}
        {r.warnings.length > 0 && (
          <ul className="problem-list warnings">
            {r.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        )}
      </Card>
      <Card
        title="Cleanup"
        testId="report-cleanup"
        data-ok={r.cleanup.ok}
        aside={<span className={`pill level-${r.cleanup.ok ? 'green' : 'red'}`}>{r.cleanup.ok ? 'verified' : 'failed'}</span>}
      >
        <Checks checks={r.cleanup.checks} testId="cleanup-checks" />
      </Card>
    </div>
  );
}
