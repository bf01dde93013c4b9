import type { DrillReport } from '../../../../shared/api/drill-report';
import { Checks } from './Checks';

/** Errors and warnings of the run, and the cleanup with each check that proves it really happened. */
export function Outcomes({ r }: { r: DrillReport }) {
  return (
    <div className="report-two">
      <section className="card" data-testid="report-problems">
        <header className="card-header">
          <h2>Errors and warnings</h2>
        </header>
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
      </section>
      <section className="card" data-testid="report-cleanup" data-ok={r.cleanup.ok}>
        <header className="card-header">
          <h2>Cleanup</h2>
          <span className={`pill level-${r.cleanup.ok ? 'green' : 'red'}`}>{r.cleanup.ok ? 'verified' : 'failed'}</span>
        </header>
        <Checks checks={r.cleanup.checks} testId="cleanup-checks" />
      </section>
    </div>
  );
}
