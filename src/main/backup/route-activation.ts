import { DeskError } from '../../shared/errors';
import type { BackupRoute } from '../connectors/mongo-endpoints';
import type { BackupLog } from './backup-log';
import type { BackupStore } from './backup-store';

/**
 * A route stopped by a DR activation: once the target takes the writes, no cycle or baseline may overwrite
 * it until a failback hands the data back. The record (kept in the store's settings) also says where a
 * route back can start without a baseline (anchor.ts).
 */
const SETTING = 'activation';

/** The target site was activated (DR activation): it took over the writes at the positions below. */
export interface ActivationRecord {
  at: string;
  /** What activated it ("execution ex-… (DR activation: DC → DR)"). */
  label: string;
  chainId: string | null;
  /** The source's position of the last slice applied on the target before it took over. */
  sourceTs: string | null;
  /** The target's own oplog position right after that apply: where a route back can start (anchor.ts). */
  targetTs: string | null;
}

export function readActivation(store: BackupStore): ActivationRecord | null {
  const raw = store.setting(SETTING);
  return raw ? (JSON.parse(raw) as ActivationRecord) : null;
}

export function recordActivation(store: BackupStore, log: BackupLog, label: string): void {
  const chain = store.currentChain();
  const rec: ActivationRecord = { at: new Date().toISOString(), label, chainId: chain?.chainId ?? null, sourceTs: chain?.appliedTs ?? null, targetTs: chain?.targetTs ?? null };
  store.setSetting(SETTING, JSON.stringify(rec));
  log.write({ event: 'activated', ...rec });
}

/** Clears the record; false when the route was not stopped. */
export function endActivation(store: BackupStore, log: BackupLog, why: string): boolean {
  const a = readActivation(store);
  if (!a) return false;
  store.setSetting(SETTING, null);
  log.write({ event: 'activation-ended', why, activatedAt: a.at });
  return true;
}

export function routeActivatedError(a: ActivationRecord, kind: string, route: BackupRoute): DeskError {
  return new DeskError(
    'BACKUP_ROUTE_ACTIVATED',
    `${route.to.name} was activated at ${a.at} (${a.label}) and takes the writes now: a ${kind} ${route.subject} would overwrite them. Run failback first; it resumes this route.`,
  );
}
