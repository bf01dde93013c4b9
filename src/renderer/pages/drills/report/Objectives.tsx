import type { DrillReport } from '../../../../shared/api/drill-report';
import { Checks } from './Checks';
import { metLevel, seconds, utc } from './report-format';
import { Card } from '../../../components/Card';

function Objective({ name, target, value, sub, met, how }: { name: string; target: number; value: number | null; sub?: string; met: boolean | null; how: string }) {
  const m = metLevel(met);
  return (
    <div className={`objective level-${m.level}`} data-testid={`objective-${name.toLowerCase()}`} data-met={met === null ? 'unknown' : String(met)}>
      <div className="objective-head">
        <span className="objective-name">{name}</span>
        <span className="pill">{m.word}</span>
      </div>
      <div className="objective-value">{seconds(value)}</div>
      {sub && <div className="objective-sub">{sub}</div>}
      <div className="objective-target">
        target ≤ <strong>{seconds(target, 0)}</strong>
      </div>
      <div className="muted small">{how}</div>
    </div>
  );
}

/** RTO and RPO measured against the targets: the first thing anyone reading a drill report looks for. */
export function Objectives({ r }: { r: DrillReport }) {
  const m = r.measured;
  const writes = m.rpoWrites === null ? undefined : `${m.rpoWrites} of ${m.acknowledgedWrites} acknowledged write${m.acknowledgedWrites === 1 ? '' : 's'} missing`;
  return (
    <Card title="Recovery objectives" testId="objectives" aside={<span className="muted small">targets from the topology</span>}>
      <div className="objectives">
        <Objective name="RTO" target={r.targets.rtoSeconds} value={m.rtoSeconds} met={m.rtoMet} how={`from ${m.rtoFrom} to ${m.rtoTo}`} />
        <Objective name="RPO" target={r.targets.rpoSeconds} value={m.rpoSeconds} sub={writes} met={m.rpoMet} how={m.rpoHow ?? (m.rpoSeconds === null && m.rpoWrites === null ? 'not measured: no workload ledger to compare with (see the warnings)' : 'acknowledged DC writes absent on the target, from the workload ledger')} />
      </div>
      <p className="small recovered-to">
        <strong>Data point recovered to:</strong> {utc(m.recoveredTo)} <span className="muted">(DC wall time of the newest acknowledged write present on the target)</span>
      </p>
      {r.expectations.length > 0 && (
        <>
          <h3 className="subhead">Scenario expectations</h3>
          <Checks checks={r.expectations} testId="expectations" />
        </>
      )}
    </Card>
  );
}
