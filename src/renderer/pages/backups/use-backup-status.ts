import { useEffect, useRef, useState } from 'react';
import type { BackupProgress, BackupStatus } from '../../../shared/api/backup';
import { useConnection, useDeskApi } from '../../app/desk-context';
import { toDeskError } from '../../desk-client/bridge-client';
import { errorText } from './backup-format';

export interface BackupState {
  status: BackupStatus | null;
  /** The running cycle's latest progress (the pushed event, or the one the status carries). */
  running: BackupProgress | null;
  error: string | null;
  refresh: () => void;
}

/** Pushes can be missed (a reconnect, a busy socket): the status is asked for again at least this often. */
const POLL_MS = 10_000;

/**
 * The backup status, live: the first value from getBackupStatus, then every `backupStatus` push. Slice
 * states change as a cycle moves from phase to phase, and only the cycle's start and end are pushed as a
 * status, so a phase change in `backupProgress` also asks for the status again.
 */
export function useBackupStatus(): BackupState {
  const api = useDeskApi();
  const connection = useConnection();
  const [status, setStatus] = useState<BackupStatus | null>(null);
  const [progress, setProgress] = useState<BackupProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useRef<() => void>(() => undefined);
  const lastPhase = useRef<string | null>(null);

  useEffect(() => {
    let live = true;
    let newest = 0;
    const accept = (s: BackupStatus) => {
      const at = Date.parse(s.updatedAt);
      if (at < newest) return;
      newest = at;
      setStatus(s);
      setError(null);
    };
    const load = () =>
      api.getBackupStatus().then(
        (s) => live && accept(s),
        (err: unknown) => live && setError(errorText(toDeskError(err))),
      );
    reload.current = load;
    const offStatus = api.subscribe('backupStatus', accept);
    const offProgress = api.subscribe('backupProgress', (p) => {
      setProgress(p);
      const key = `${p.cycleId}/${p.phase}/${p.slice?.seq ?? ''}`;
      if (key !== lastPhase.current) {
        lastPhase.current = key;
        load();
      }
    });
    load();
    const timer = setInterval(load, POLL_MS);
    return () => {
      live = false;
      offStatus();
      offProgress();
      clearInterval(timer);
    };
  }, [api]);

  useEffect(() => {
    if (connection.kind === 'open') reload.current();
  }, [connection.kind]);

  const fromStatus = status?.running ?? null;
  const running = fromStatus && progress?.cycleId === fromStatus.cycleId && progress.phase !== 'done' ? progress : fromStatus;
  return { status, running, error, refresh: () => reload.current() };
}
