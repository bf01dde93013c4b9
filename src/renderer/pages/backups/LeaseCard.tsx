import { useCallback, useEffect, useState } from 'react';
import type { BackupControlView, CycleRecord } from '../../../shared/api/backup';
import { useDeskApi } from '../../app/desk-context';
import { toDeskError } from '../../desk-client/bridge-client';

import { errorText, leaseLook } from './backup-format';
import { useAction } from '../../app/use-action';
import { Clock } from '../../format/Clock';
import { Card } from '../../components/Card';

/** The lease is read from DR this often: a heartbeat is renewed every third of its time to live. */
const POLL_MS = 5_000;

/**
 * Who runs the backups, as DR's control collections say (the same on every workstation): the lease holder
 * and its last heartbeat, counted on from the last read so the age keeps moving between reads; a take-over
 * button once the heartbeat is older than the lease's time to live and the holder is someone else.
 */
export function LeaseCard({ now, lastCycleId }: { now: number; lastCycleId: number }) {
  const api = useDeskApi();
  const [view, setView] = useState<{ v: BackupControlView; at: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [take, run] = useAction<CycleRecord>();
  const load = useCallback(
    () =>
      api.getBackupControl().then(
        (v) => {
          setView({ v, at: Date.now() });
          setError(null);
        },
        (err: unknown) => setError(errorText(toDeskError(err))),
      ),
    [api],
  );
  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(t);
  }, [load, lastCycleId]);
  const v = view?.v ?? null;
  const look = v && view ? leaseLook(v, view.at, now) : null;
  return (
    <Card
      title="Who runs the backups"
      className="lease-card"
      label="Lease"
      testId="backup-lease"
      data-stopped={look ? String(look.pill?.label === 'heartbeat stopped') : undefined}
      aside={look?.pill && <span className={`pill level-${look.pill.level}`}>{look.pill.label}</span>}
    >
      {error && (
        <div className="banner banner-yellow" role="alert">
          The lease on the DR replica set could not be read ({error}).
        </div>
      )}
      {!v && !error && <div className="empty">Reading the lease from the DR replica set…</div>}
      {v && (
        <>
          <p data-field="Lease">{look?.sentence}</p>
          {v.holder && (
            <p className="muted small">
              {v.holder.workstation} (pid {v.holder.pid}), term {v.term}
            </p>
          )}
          {v.chain && (
            <p className="muted small" data-field="DR chain">
              DR follows chain {v.chain.chainId}, applied up to slice #{v.chain.appliedSeq ?? '–'}, written by {v.chain.by} at <Clock iso={v.chain.updatedAt} now={now} />.
            </p>
          )}
          {look?.canTakeOver && (
            <button type="button" className="button" disabled={take.kind === 'busy'} onClick={() => void run('Took over the backups', () => api.takeOverBackups()).then(() => load())}>
              Take over the backups
            </button>
          )}
          {take.kind === 'failed' && (
            <div className="banner banner-red" role="alert">
              {take.code}: {take.message}
            </div>
          )}
          {take.kind === 'done' && <p className="small">Cycle #{take.value.id}: {take.value.state === 'ok' ? 'ok' : `${take.value.state}${take.value.error ? ` — ${take.value.error.code}` : ''}`}</p>}
        </>
      )}
    </Card>
  );
}
