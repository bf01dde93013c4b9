import { useEffect, useState } from 'react';
import type { DrillProgress } from '../../../shared/api/runbooks';
import { useDeskApi, useNow } from '../../app/desk-context';
import { formatDuration } from '../../format/time';
import { hrefOf } from '../../app/hash-route';

const PHASES: Array<{ phase: DrillProgress['phase']; label: string }> = [
  { phase: 'setup', label: 'Sandbox' },
  { phase: 'approvals', label: 'Approvals' },
  { phase: 'fault', label: 'Fault' },
  { phase: 'execution', label: 'Runbook' },
  { phase: 'measure', label: 'Measure' },
  { phase: 'cleanup', label: 'Cleanup' },
  { phase: 'report', label: 'Report' },
];

/** A drill under way: its phases, each message as it arrives, and the report once it has finished. */
export function DrillLive({ drillId, scenario, startedAt }: { drillId: string; scenario: string; startedAt: number }) {
  const api = useDeskApi();
  const now = useNow(1000);
  const [log, setLog] = useState<DrillProgress[]>([]);
  useEffect(() => api.subscribe('drillProgress', (p) => p.drillId === drillId && setLog((l) => [...l, p])), [api, drillId]);
  const last = log.at(-1);
  const at = last ? PHASES.findIndex((p) => p.phase === last.phase) : -1;
  const ended = last?.phase === 'done' || last?.phase === 'failed';
  const failed = last?.phase === 'failed';
  return (
    <section className={`card drill-live${failed ? ' failed' : ''}`} data-testid="drill-live" data-drill-id={drillId} data-phase={last?.phase ?? 'starting'}>
      <header className="card-header">
        <h2>
          Drill {scenario} {ended ? (failed ? 'failed' : 'finished') : 'running'}
        </h2>
        <span className="muted small">
          {drillId} · {ended && last ? `took ${formatDuration(Date.parse(last.at) - startedAt)}` : `started ${formatDuration(now - startedAt)} ago`}
        </span>
      </header>
      <ol className="drill-phases" aria-label="Phases">
        {PHASES.map((p, i) => (
          <li key={p.phase} className={ended && !failed ? 'phase done' : i < at ? 'phase done' : i === at ? 'phase current' : 'phase'} aria-current={i === at ? 'step' : undefined}>
            {p.label}
          </li>
        ))}
      </ol>
      {!ended && (
        <div className="drill-track" role="progressbar" aria-label="Drill running">
          <div className="drill-fill" />
        </div>
      )}
      <ol className="drill-log small" data-testid="drill-log">
        {log.map((p, i) => (
          <li key={`${i}-${p.at}`} className={p.phase === 'failed' ? 'step-error' : undefined}>
            <span className="mono muted">+{((Date.parse(p.at) - startedAt) / 1000).toFixed(1)} s</span> <span className="kind-word">{p.phase}</span> {p.message}
          </li>
        ))}
        {log.length === 0 && <li className="muted">Waiting for the first progress report…</li>}
      </ol>
      {ended && (
        <p>
          <a href={hrefOf('drills', drillId)} data-testid="drill-report-link">
            Open the drill report →
          </a>
        </p>
      )}
    </section>
  );
}
