import type { BackupProgress, BackupStatus, CycleRecord } from '../../../shared/api/backup';
import { useDeskApi } from '../../app/desk-context';
import { PHASE_LABEL } from './backup-format';
import { useAction, type ActionState } from '../../app/use-action';

export interface CycleActions {
  state: ActionState<CycleRecord>;
  /** The cycle the last action started, as the status records it now (running, ok or failed). */
  started: CycleRecord | null;
  /** Why each button is disabled, or null when it can be used. */
  whyNotRun: string | null;
  whyNotBaseline: string | null;
  runNow: () => void;
  startBaseline: () => void;
  dismiss: () => void;
}

export function isConfigured(status: BackupStatus): boolean {
  return status.landing !== null;
}

/** "Run now" and "Start baseline": started without waiting; the outcome is read from the status as it changes. */
export function useCycleActions(status: BackupStatus, running: BackupProgress | null): CycleActions {
  const api = useDeskApi();
  const [state, run, dismiss] = useAction<CycleRecord>();
  let common: string | null = null;
  if (!isConfigured(status)) common = 'Cross-site backup is not configured for this topology.';
  else if (running) common = `A ${running.kind === 'baseline' ? 'baseline' : 'cycle'} is running (${PHASE_LABEL[running.phase].toLowerCase()}): wait for it to finish.`;
  else if (state.kind === 'busy') common = `${state.label}…`;
  const broken = status.chain?.state === 'broken';
  const whyNotRun =
    common ?? (status.needsBaseline ? (broken ? 'The chain is broken: start a new baseline first.' : 'There is no baseline yet: start one first.') : null);
  const startedId = state.kind === 'done' ? state.value.id : null;
  const started = startedId === null ? null : (status.recentCycles.find((c) => c.id === startedId) ?? (state.kind === 'done' ? state.value : null));
  return {
    state,
    started,
    whyNotRun,
    whyNotBaseline: common,
    runNow: () => void run('Starting a cycle', () => api.runBackupNow({ wait: false })),
    startBaseline: () => void run('Starting a baseline', () => api.startBaseline({ wait: false })),
    dismiss,
  };
}
