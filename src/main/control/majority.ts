import type { Collection, Document, MongoClient } from 'mongodb';
import { CONTROL_DATABASE } from './names';

/**
 * Control state counts only once a majority of the replica set holds it (a failover cannot roll it back),
 * and is read the same way, so every workstation sees one truth.
 */
export const CONTROL_WRITE = { w: 'majority', wtimeoutMS: 15_000 } as const;
export const CONTROL_READ = { level: 'majority' } as const;

export function controlCollection<T extends Document>(client: MongoClient, name: 'lease' | 'chain' | 'ledger'): Collection<T> {
  return client.db(CONTROL_DATABASE).collection<T>(name, { writeConcern: CONTROL_WRITE, readConcern: CONTROL_READ });
}

/** The server's own clock (hello.localTime): lease expiry never depends on a workstation's clock. */
export async function serverNow(client: MongoClient): Promise<Date> {
  const hello = await client.db('admin').command({ hello: 1 });
  return hello.localTime instanceof Date ? hello.localTime : new Date();
}

/** E11000: a unique key (request id, nonce, lease _id on a racing upsert) already exists. */
export function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number })?.code === 11000;
}
