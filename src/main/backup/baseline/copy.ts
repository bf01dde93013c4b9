import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { MongoClient } from 'mongodb';
import { ArchiveWriter } from '../archive';
import { lastPosition } from '../../connectors/mongo-endpoints';
import { tsToText } from '../../connectors/oplog-ts';
import { rateText, type ProgressTracker } from '../progress';
import { checkAborted } from '../scheduler';
import type { CopiedPart } from './part-store';
import { rangeFilter, type PartRange } from './plan';

/**
 * Copies parts from the source member through a bounded pool: each part is one cursor over its _id range,
 * streamed as the server sent the documents (never decoded, never held) into its own archive, written as
 * NAME.tmp and renamed once complete — a part file in the outbox is always whole. The first failure stops
 * the other parts at their next batch; parts finished before it stay (they are resumed, not copied again).
 */
export interface CopyJob {
  range: PartRange;
  archive: string;
  /** Expected documents, for progress (the plan's estimate for the part). */
  estimate: number;
}

export interface CopyOptions {
  outbox: string;
  concurrency: number;
  progress: ProgressTracker;
  signal?: AbortSignal;
  gzipLevel?: number;
  /** Documents and parts copied before this run (a resumed baseline), so the counters continue. */
  before: { documents: number; parts: number; totalParts: number; totalDocuments: number };
  onCopied(part: CopiedPart): void;
  /** How many parts have reached the landing meanwhile (shown with the copy's progress). */
  shipped?: () => number;
}

export const DEFAULT_COPY_CONCURRENCY = 4;

function etaText(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${Math.round(seconds % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export async function copyParts(src: MongoClient, jobs: CopyJob[], o: CopyOptions): Promise<void> {
  const stop = new AbortController();
  const signal = o.signal ? AbortSignal.any([o.signal, stop.signal]) : stop.signal;
  const started = Date.now();
  const active = new Map<number, { job: CopyJob; docs: number }>();
  let docs = 0;
  let rawBytes = 0;
  let parts = 0;
  const report = () => {
    const seconds = (Date.now() - started) / 1000;
    const docRate = seconds >= 0.5 ? docs / seconds : 0;
    const total = Math.max(o.before.totalDocuments, o.before.documents + docs);
    const running = [...active.values()]
      .map(({ job, docs: n }) => {
        const pct = job.estimate ? Math.min(99, Math.floor((n / job.estimate) * 100)) : 0;
        return `#${job.range.index} ${job.range.db}.${job.range.name} ${pct}%`;
      })
      .join(', ');
    const rate = seconds >= 0.5 ? `, ${rateText(rawBytes / seconds)} (${Math.round(docRate)} documents/s)` : '';
    const eta = docRate ? `, about ${etaText((total - o.before.documents - docs) / docRate)} left` : '';
    o.progress.update({
      collections: { done: o.before.parts + parts, total: o.before.totalParts },
      documents: { done: o.before.documents + docs, total },
      message: `Copying parts: ${o.before.parts + parts} of ${o.before.totalParts} done${o.shipped ? `, ${o.shipped()} shipped` : ''}${running ? ` (${running})` : ''}${rate}${eta}`,
    });
  };
  const copyOne = async (job: CopyJob) => {
    const { range } = job;
    const tmp = join(o.outbox, `${job.archive}.tmp`);
    const writer = new ArchiveWriter(tmp, o.gzipLevel);
    const slot = { job, docs: 0 };
    active.set(range.index, slot);
    const cursor = src
      .db(range.db)
      .collection(range.source)
      .find(rangeFilter(range), { raw: true, batchSize: 2_000 });
    let done = false;
    try {
      for await (const raw of cursor as AsyncIterable<Uint8Array>) {
        const wait = writer.write(raw);
        if (wait) await wait;
        slot.docs++;
        docs++;
        rawBytes += raw.byteLength;
        if (slot.docs % 1000 === 0) {
          checkAborted(signal);
          report();
        }
      }
      checkAborted(signal);
      const summary = await writer.finish();
      const until = await lastPosition(src);
      await rename(tmp, join(o.outbox, job.archive));
      done = true;
      parts++;
      o.onCopied({ ...summary, index: range.index, archive: job.archive, untilTs: until ? tsToText(until.ts) : '0:0' });
    } finally {
      active.delete(range.index);
      await cursor.close().catch(() => undefined);
      if (!done) {
        writer.abort();
        await rm(tmp, { force: true });
      }
    }
    report();
  };
  const queue = [...jobs];
  let failure: unknown = null;
  const worker = async () => {
    for (let job = queue.shift(); job && !failure; job = queue.shift())
      await copyOne(job).catch((err: unknown) => {
        failure ??= err;
        stop.abort(err);
      });
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, jobs.length)) }, worker));
  if (failure) throw failure;
}
