import { join } from 'node:path';
import type { DeskError } from '../../shared/errors';
import { chainBrokenError } from './apply-stage';
import type { BackupLog } from './backup-log';
import type { BackupStore, ChainRow, SliceRow } from './backup-store';
import type { Landing, ShipResult } from './landing';
import type { Manifest } from './manifest';
import type { RunContext } from './pipeline';
import { checkAborted } from './scheduler';

/**
 * The ship stage: every slice DR does not have verified yet goes to the landing, in order. Small slices
 * waiting together (a continuous run that fell behind, a link that came back) go as one batch — uploads
 * overlapped, one remote sha256 command, the manifests written together — so a backlog of 5-second slices
 * costs a few round trips, not a dozen per slice. A baseline in parts ships alone, part by part.
 */
export interface ShipStageDeps {
  store: BackupStore;
  log: BackupLog;
  outbox: string;
  /** The receiving site, for messages. */
  target: string;
}

/** A batch stays small enough that one failed upload repeats little. */
const BATCH_SLICES = 32;
const BATCH_BYTES = 16 * 1024 * 1024;

/** Every byte a slice ships: its archive and, for a baseline in parts, the parts. */
export function sliceBytes(m: Manifest): number {
  return m.bytes + (m.parts ?? []).reduce((n, p) => n + p.bytes, 0);
}

/** The next run of slices from `i` that may go as one batch (at least one slice). */
function nextBatch(pending: SliceRow[], i: number): SliceRow[] {
  const out: SliceRow[] = [];
  let bytes = 0;
  for (let j = i; j < pending.length && out.length < BATCH_SLICES; j++) {
    const m = pending[j].manifest;
    if (m.parts?.length || (out.length && bytes + m.bytes > BATCH_BYTES)) break;
    out.push(pending[j]);
    bytes += m.bytes;
  }
  return out.length ? out : [pending[i]];
}

export class ShipStage {
  /** Parts this process already saw intact at the landing (shipped while the copy ran): not read there again here. */
  private readonly landed = new Set<string>();

  constructor(private readonly d: ShipStageDeps) {}

  /** A part checked at the landing by the copy's shipper; the apply stage still checks every part before DR is touched. */
  partLanded(name: string, sha256: string): void {
    this.landed.add(`${name} ${sha256}`);
  }

  async ship(run: RunContext, landing: Landing, chain: ChainRow, slices: SliceRow[]): Promise<void> {
    const pending = slices.filter((s) => s.state !== 'verified');
    for (let i = 0; i < pending.length; ) {
      checkAborted(run.signal);
      const batch = nextBatch(pending, i);
      i += batch.length;
      const first = batch[0].manifest;
      const last = batch.at(-1)!.manifest;
      const total = batch.reduce((n, s) => n + sliceBytes(s.manifest), 0);
      const what = batch.length > 1 ? `slices #${first.seq}–#${last.seq} (${batch.length}, one batch)` : `slice #${first.seq}`;
      run.progress.phase('ship', `Shipping ${what} to ${this.d.target}`, { slice: { chainId: first.chainId, seq: first.seq }, bytes: { done: 0, total } });
      for (const s of batch) this.d.store.countShipAttempt(s.chainId, s.seq);
      const results =
        batch.length > 1
          ? await landing.shipMany(batch, this.d.outbox, (sent) => run.progress.update({ bytes: { done: sent, total } }), run.signal).catch((err: unknown) => batch.map((): ShipResult => ({ ok: false, error: err as DeskError })))
          : [await this.shipOne(run, landing, batch[0]).then((r): ShipResult => ({ ok: true, ...r }), (err: unknown): ShipResult => ({ ok: false, error: err as DeskError }))];
      let failure: DeskError | null = null;
      for (const [k, r] of results.entries()) {
        const m = batch[k].manifest;
        if (r.ok) {
          this.d.store.setState(m.chainId, m.seq, 'shipped');
          this.d.store.setState(m.chainId, m.seq, 'verified');
          this.d.store.countCycle(run.cycleId, 'shipped');
          this.d.store.countCycle(run.cycleId, 'bytes', r.sent);
          this.d.log.write({ event: 'shipped', chainId: m.chainId, seq: m.seq, bytes: m.bytes, sent: r.sent, resumedFrom: r.resumedFrom, sha256: m.sha256, batch: batch.length > 1 ? batch.length : undefined });
          continue;
        }
        const e = r.error;
        if (e.code === 'SLICE_MISSING') {
          this.d.store.setProblem(m.chainId, m.seq, 'SLICE_MISSING', e.message, true);
          this.d.store.breakChain(chain.chainId, 'SLICE_MISSING', e.message);
          this.d.log.write({ event: 'chain-broken', chainId: chain.chainId, seq: m.seq, code: 'SLICE_MISSING', message: e.message });
          throw chainBrokenError(e.message);
        }
        this.d.store.setProblem(m.chainId, m.seq, e.code ?? 'TRANSFER_FAILED', e.message, true);
        this.d.log.write({ event: 'ship-failed', chainId: m.chainId, seq: m.seq, code: e.code, message: e.message });
        failure ??= e;
      }
      if (failure) throw failure;
    }
  }

  /**
   * One slice's files: a baseline's parts first (each skipped when it landed intact already, so an
   * interrupted shipment resumes part by part), then the archive, then — last — its manifest.
   */
  private async shipOne(run: RunContext, landing: Landing, s: SliceRow): Promise<{ sent: number; resumedFrom: number }> {
    const m = s.manifest;
    const total = sliceBytes(m);
    const parts = m.parts ?? [];
    let base = 0;
    let sent = 0;
    let resumedFrom = 0;
    for (const [i, p] of parts.entries()) {
      checkAborted(run.signal);
      if (this.landed.delete(`${p.archive} ${p.sha256}`)) {
        base += p.bytes;
        continue;
      }
      run.progress.update({ message: `Shipping baseline part ${i + 1} of ${parts.length} to ${this.d.target}`, bytes: { done: base, total } });
      const r = await landing.shipFile({ name: p.archive, localPath: join(this.d.outbox, p.archive), sha256: p.sha256, of: m }, (n) => run.progress.update({ bytes: { done: base + n, total } }), run.signal);
      base += p.bytes;
      sent += r.sent;
      resumedFrom += r.resumedFrom;
    }
    if (parts.length) run.progress.update({ message: `Shipping the baseline's head archive and manifest to ${this.d.target}` });
    const r = await landing.ship(s, this.d.outbox, (n) => run.progress.update({ bytes: { done: base + n, total } }), run.signal);
    return { sent: sent + r.sent, resumedFrom: resumedFrom + r.resumedFrom };
  }
}
