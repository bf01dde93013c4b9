import { useEffect, useState } from 'react';
import type { BackupControlView, BackupMode as Mode, BackupModeChange, BackupModeView } from '../../../shared/api/backup';
import { useDeskQuery } from '../../app/use-desk-query';
import { useAction, type ActionState } from '../../app/use-action';
import { useDeskApi } from '../../app/desk-context';
import { errorText } from './backup-format';
import { Card } from '../../components/Card';

/** Another workstation's lease can end at any moment (its heartbeat stops): read again this often. */
const LEASE_POLL_MS = 10_000;

const LABEL: Record<Mode, string> = { interval: 'Interval', continuous: 'Continuous' };

export function modeExplanation(mode: Mode, view: BackupModeView, intervalMinutes: number): string {
  return mode === 'interval' ? `Cycles on the schedule, every ${intervalMinutes} min: RPO up to the interval.` : `DC's oplog tailed: a slice every ${view.sliceSeconds} s, RPO in seconds.`;
}

/** What the switch does, shown before the operator confirms it. */
export function confirmText(to: Mode, intervalMinutes: number): string {
  return to === 'continuous'
    ? 'The schedule stops (a cycle in progress finishes first) and the tailer starts on DC\'s oplog; cycles by hand are refused while it runs.'
    : `The tailer stops at its next safe point (its open slice is read again later, nothing is lost) and cycles run every ${intervalMinutes} min.`;
}

/** Why the mode cannot be switched from here now, or null. */
export function whyModeLocked(view: BackupModeView, control: BackupControlView | undefined, configured: boolean): string | null {
  if (!configured) return 'Cross-site backup is not configured for this topology.';
  if (view.source === 'agent') return "Fixed by the agent's --continuous flag: the agent's flag decides. Restart the agent without it to choose here.";
  if (control?.holder && !control.mine && !control.expired)
    return `Backups are run by ${control.holder.identity} on ${control.holder.hostname} now: switch the mode there, or take the backups over first.`;
  if (view.switching) return `Switching: waiting for ${view.switching}.`;
  return null;
}

/** The asked-for switch is done: the status runs the new mode and waits for nothing any more. */
function switched(change: BackupModeChange, view: BackupModeView): boolean {
  return change.changed && view.current === change.mode && view.switching === null;
}

interface ViewProps {
  view: BackupModeView;
  intervalMinutes: number;
  locked: string | null;
  /** The other mode, picked and waiting for the confirmation; null when nothing is picked. */
  picked: Mode | null;
  action: ActionState<BackupModeChange>;
  onPick: (mode: Mode | null) => void;
  onConfirm: (mode: Mode) => void;
}

/** The two options, the confirm step and the outcome: what the card shows, without its DeskApi calls. */
export function ModeChoice({ view, intervalMinutes, locked, picked, action, onPick, onConfirm }: ViewProps) {
  const busy = action.kind === 'busy';
  return (
    <Card
      title="Mode"
      className="mode-card"
      label="Backup mode"
      testId="backup-mode"
      data-mode={view.current}
      data-source={view.source}
      aside={<span className={`pill ${view.current === 'continuous' ? 'level-green' : 'level-unknown'}`}>{view.current}</span>}
    >
      <fieldset className="mode-options" disabled={locked !== null || busy}>
        <legend>How the backups run</legend>
        {(['interval', 'continuous'] as const).map((m) => (
          <label key={m} className="mode-option" data-option={m} data-current={String(view.current === m)}>
            <input type="radio" name="backup-mode" value={m} checked={(picked ?? view.current) === m} onChange={() => onPick(m === view.current ? null : m)} />
            <span>
              <strong>{LABEL[m]}</strong>
              {view.current === m && <span className="muted small"> (now)</span>}
              <span className="mode-explain muted small">{modeExplanation(m, view, intervalMinutes)}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {locked && (
        <p className="mode-locked small" data-testid="mode-locked">
          {locked}
        </p>
      )}
      {picked && !locked && (
        <div className="mode-confirm" role="group" aria-label="Confirm the switch" data-testid="mode-confirm">
          <p className="small">{confirmText(picked, intervalMinutes)}</p>
          <div className="mode-buttons">
            <button type="button" className="primary" disabled={busy} onClick={() => onConfirm(picked)}>
              Switch to {picked}
            </button>
            <button type="button" disabled={busy} onClick={() => onPick(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      <div className="small" data-testid="mode-outcome" aria-live="polite">
        {busy && <span className="muted">Switching…</span>}
        {action.kind === 'done' && <span className="outcome ok">{switched(action.value, view) ? `Now in ${action.value.mode} mode.` : action.value.message}</span>}
        {action.kind === 'failed' && <span className="outcome error">{errorText(action)}</span>}
      </div>
    </Card>
  );
}

/**
 * Interval or continuous, chosen from the Backups page (setBackupMode): disabled with the reason while the
 * agent's flag decides, another workstation holds the lease, or a switch is still under way.
 */
export function BackupMode({ view, intervalMinutes, configured, lastCycleId }: { view: BackupModeView; intervalMinutes: number; configured: boolean; lastCycleId: number }) {
  const api = useDeskApi();
  const control = useDeskQuery((a) => a.getBackupControl(), `${lastCycleId}`, []);
  const [picked, setPicked] = useState<Mode | null>(null);
  const [action, run, dismiss] = useAction<BackupModeChange>();
  const { reload } = control;
  useEffect(() => {
    if (!configured) return;
    const t = setInterval(reload, LEASE_POLL_MS);
    return () => clearInterval(t);
  }, [reload, configured]);
  const locked = whyModeLocked(view, configured ? control.data : undefined, configured);
  const pick = (m: Mode | null) => {
    dismiss();
    setPicked(m);
  };
  const confirm = (m: Mode) => void run(`Switch to ${m}`, () => api.setBackupMode({ mode: m })).then((r) => r && setPicked(null));
  return <ModeChoice view={view} intervalMinutes={intervalMinutes} locked={locked} picked={picked} action={action} onPick={pick} onConfirm={confirm} />;
}
