import { useState } from 'react';
import type { FaultInput, SandboxControlView } from '../../../shared/api/monitor';
import { useDeskApi } from '../../app/desk-context';
import type { PageDefinition } from '../../app/pages';
import { useDeskQuery } from '../../app/use-desk-query';
import { toDeskError } from '../../desk-client/bridge-client';
import './faults.css';
import { RowTable } from '../../components/DataTable';

/** Replication delay the "Lag" button injects: long enough to cross the lag thresholds of the sandbox. */
const LAG_MS = 15_000;

type Member = SandboxControlView['members'][number];

function FaultButton({ label, fault, onDone, danger, testId }: { label: string; fault: FaultInput; onDone: (ok: boolean, text: string) => void; danger?: boolean; testId: string }) {
  const api = useDeskApi();
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className={danger ? 'danger' : undefined}
      disabled={busy}
      data-testid={testId}
      onClick={() => {
        setBusy(true);
        api.injectFault(fault).then(
          (r) => onDone(true, r.message),
          (err: unknown) => {
            const e = toDeskError(err);
            onDone(false, `${e.code}: ${e.message}`);
          },
        ).finally(() => setBusy(false));
      }}
    >
      {label}
    </button>
  );
}

function MemberRow({ m, other, onDone }: { m: Member; other: string | null; onDone: (ok: boolean, text: string) => void }) {
  const level = !m.alive ? 'red' : m.partitioned || m.clientsBlocked || m.lagInjectedMs > 0 ? 'yellow' : 'green';
  return (
    <tr data-testid={`fault-member-${m.name}`} data-alive={String(m.alive)} data-state={m.stateStr}>
      <td className="mono">{m.name}</td>
      <td>
        <span className={`pill level-${level}`}>{m.alive ? m.stateStr : 'killed'}</span>
        {m.partitioned && <span className="muted small"> · partitioned</span>}
        {m.clientsBlocked && <span className="muted small"> · cut off from the desk</span>}
        {m.lagInjectedMs > 0 && <span className="muted small"> · lag {m.lagInjectedMs / 1000} s</span>}
      </td>
      <td className="actions">
        {m.alive ? (
          <FaultButton label="Kill" danger fault={{ action: 'kill', target: m.name }} onDone={onDone} testId={`fault-kill-${m.name}`} />
        ) : (
          <FaultButton label="Revive" fault={{ action: 'revive', target: m.name }} onDone={onDone} testId={`fault-revive-${m.name}`} />
        )}
        {m.partitioned || m.clientsBlocked ? (
          <FaultButton label="Heal" fault={{ action: 'heal', target: m.name }} onDone={onDone} testId={`fault-heal-${m.name}`} />
        ) : (
          other && <FaultButton label={`Cut from ${other}`} fault={{ action: 'partition', target: m.name, from: other }} onDone={onDone} testId={`fault-partition-${m.name}`} />
        )}
        {m.stateStr === 'ARBITER' ? null : m.lagInjectedMs > 0 ? (
          <FaultButton label="No lag" fault={{ action: 'lag', target: m.name, ms: 0 }} onDone={onDone} testId={`fault-unlag-${m.name}`} />
        ) : (
          <FaultButton label={`Lag ${LAG_MS / 1000} s`} fault={{ action: 'lag', target: m.name, ms: LAG_MS }} onDone={onDone} testId={`fault-lag-${m.name}`} />
        )}
      </td>
    </tr>
  );
}

function FaultsPage() {
  // Re-read on every poll: the members' states change with the faults and the elections they cause.
  const q = useDeskQuery((api) => api.getSandboxControl(), 'sandbox', ['overview'], { settleMs: 300 });
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const onDone = (ok: boolean, text: string) => {
    setOutcome({ ok, text });
    q.reload();
  };
  if (q.error) return <div className="banner banner-red">The sandbox could not be read ({q.error.code}): {q.error.message}</div>;
  if (q.data === undefined) return <div className="empty">Loading…</div>;
  const sb = q.data;
  if (sb === null)
    return (
      <div className="faults">
        <header className="page-header">
          <h1>Faults</h1>
        </header>
        <div className="card empty" data-testid="faults-not-sandbox">
          Faults are injected only on the built-in sandbox. This desk watches real sites: nothing here can kill or cut them.
        </div>
      </div>
    );
  return (
    <div className="faults">
      <header className="page-header">
        <h1>Faults</h1>
        <p className="muted">Each button sends one fault to the sandbox; the Overview shows what it does within a poll.</p>
      </header>
      <section className="card faults-control">
        <strong>Sandbox control URL</strong>{' '}
        <code data-testid="sandbox-control-url">{sb.control}</code>
        <div className="muted small">
          The same endpoint from a terminal: <code>curl -X POST {sb.control}/fault -d {`'{"action":"kill","target":"dc-1"}'`}</code>
        </div>
      </section>
      <p className={`fault-outcome outcome ${outcome?.ok === false ? 'error' : 'ok'}`} role="status" data-testid="fault-outcome">
        {outcome?.text ?? ''}
      </p>
      <div className="faults-sites">
        {sb.sites.map((s) => {
          const other = sb.sites.find((o) => o.name !== s.name)?.name ?? null;
          const members = sb.members.filter((m) => m.site === s.name);
          return (
            <section key={s.name} className="card faults-site" data-testid={`faults-site-${s.name}`}>
              <div className="card-header">
                <strong>{s.name}</strong>
                <span className="muted small" data-testid={`fault-app-${s.name}`} data-running={String(s.appRunning)}>
                  application {s.appRunning ? (s.appHealthy ? 'running' : 'running, not healthy') : 'stopped'}
                </span>
              </div>
              <RowTable rows={members} row={(m) => <MemberRow key={m.name} m={m} other={other} onDone={onDone} />} />
              <div className="site-actions">
                <FaultButton label={`Kill all of ${s.name}`} danger fault={{ action: 'kill', target: s.name }} onDone={onDone} testId={`fault-kill-${s.name}`} />
                <FaultButton label={`Revive ${s.name}`} fault={{ action: 'revive', target: s.name }} onDone={onDone} testId={`fault-revive-${s.name}`} />
                {other && <FaultButton label={`Partition ${s.name} from ${other}`} fault={{ action: 'partition', target: s.name, from: other }} onDone={onDone} testId={`fault-partition-${s.name}`} />}
                <FaultButton label="Cut off from the desk" fault={{ action: 'partition', target: s.name, from: 'clients' }} onDone={onDone} testId={`fault-cut-desk-${s.name}`} />
                <FaultButton label="Heal" fault={{ action: 'heal', target: s.name }} onDone={onDone} testId={`fault-heal-${s.name}`} />
                <FaultButton
                  label={s.appRunning ? 'Stop application' : 'Start application'}
                  fault={{ action: 'app', target: s.name, running: !s.appRunning }}
                  onDone={onDone}
                  testId={`fault-app-toggle-${s.name}`}
                />
              </div>
            </section>
          );
        })}
      </div>
    </div>
  );
}

export const page: PageDefinition = { id: 'faults', title: 'Faults', group: 'Monitor', order: 9, Component: FaultsPage };
