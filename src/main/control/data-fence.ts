import { createHash } from 'node:crypto';
import type { Document, MongoClient } from 'mongodb';
import { describeHolder, leaseLost, type LeaseDoc } from './lease';
import { CONTROL_WRITE, controlCollection } from './majority';
import { CONTROL_DATABASE } from './names';

/**
 * Term fencing of the data itself, with what a 7.0 DR offers. applyOps' `preCondition` would be the
 * natural server-side check, but mongod removed it in 6.2 (SERVER-67116) and a CRUD-only applyOps is no
 * longer atomic, so the check has to be an entry of the batch that stops it: applyOps throws
 * NamespaceNotFound on an insert into a collection that does not exist and applies nothing after it
 * (src/mongo/db/repl/apply_ops.cpp, `_applyOps`). Each lease term owns one collection on DR; every batch
 * of that term starts with an insert into it; whoever acquires a newer term creates its own and drops the
 * older ones before it applies anything. A holder frozen past its lease and resumed after a take-over
 * then has its batch refused at the first entry, before any data of it.
 */
const PREFIX = 'fence_';

function pipelineKey(pipeline: string): string {
  return createHash('sha256').update(pipeline).digest('hex').slice(0, 16);
}

export function fenceCollection(pipeline: string, term: number): string {
  return `${PREFIX}${pipelineKey(pipeline)}_${term}`;
}

/** Creates this term's fence on the target and drops every older term's, so their batches stop at once. */
export async function installDataFence(client: MongoClient, pipeline: string, term: number): Promise<void> {
  const db = client.db(CONTROL_DATABASE);
  const mine = fenceCollection(pipeline, term);
  const prefix = `${PREFIX}${pipelineKey(pipeline)}_`;
  const existing = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name as string).filter((n) => n.startsWith(prefix));
  if (!existing.includes(mine)) {
    try {
      await db.createCollection(mine, { writeConcern: CONTROL_WRITE });
    } catch (err) {
      // A racing create of the same term (the same holder retrying) is fine: NamespaceExists.
      if ((err as { code?: number }).code !== 48) throw err;
    }
  }
  for (const name of existing) {
    const term0 = Number(name.slice(prefix.length));
    if (Number.isInteger(term0) && term0 < term) await db.collection(name).drop({ writeConcern: CONTROL_WRITE }).catch((err: { code?: number }) => {
      if (err.code !== 26) throw err;
    });
  }
}

/** The first entry of every batch of this term: an insert that fails once a newer term dropped the fence. */
export function fenceOp(pipeline: string, term: number): Document {
  return { op: 'i', ns: `${CONTROL_DATABASE}.${fenceCollection(pipeline, term)}`, o: { _id: 'fence', pipeline, term } };
}

/** Whether a failed applyOps stopped at the fence entry (index 0, NamespaceNotFound). */
export function stoppedAtFence(err: unknown, fence: Document | undefined, results: boolean[] | null): boolean {
  if (!fence) return false;
  const e = err as { code?: number; codeName?: string };
  const nsNotFound = e.code === 26 || e.codeName === 'NamespaceNotFound';
  return nsNotFound && (results === null || results.length === 0 || results[0] === false);
}

/** LEASE_LOST for a refused batch, naming the lease's holder on DR when it can be read. */
export async function fenceRefusal(client: MongoClient, fence: Document): Promise<Error> {
  const { pipeline, term } = fence.o as { pipeline: string; term: number };
  let holder = 'another workstation took the lease over';
  try {
    const lease = await controlCollection<LeaseDoc>(client, 'lease').findOne({ _id: pipeline } as Document);
    if (lease) holder = `${describeHolder(lease.holder)} holds it now (term ${lease.term})`;
  } catch {
    // DR unreadable right now: the refusal itself is certain, only the name is missing.
  }
  return leaseLost(pipeline, `DR refused its next batch because the term ${term} fence is gone; ${holder}; nothing of that batch was applied`);
}
