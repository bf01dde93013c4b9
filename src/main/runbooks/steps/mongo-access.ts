import { MongoClient, type Document } from 'mongodb';
import { describeDriverError } from '../../connectors/mongo-errors';
import { DeskError } from '../../../shared/errors';
import type { Topology } from '../../../shared/topology';
import { forPurpose, type SecretStore } from '../../store/secret-store';

/**
 * The few MongoDB calls runbooks make, each against one member over a direct connection (the official
 * driver), so the plan's named member is exactly the one acted on. An interface, so tests can fake members.
 */
export interface MongoAccess {
  /** Runs an admin-or-db command on one member; rejects with a DeskError (UNREACHABLE, the server's code…). */
  command(address: string, cmd: Document, opts: { db?: string; timeoutMs: number }): Promise<Document>;
  close(): Promise<void>;
}

export interface HelloState {
  reachable: boolean;
  writablePrimary: boolean;
  secondary: boolean;
  primary: string | null;
  error: string | null;
}

export async function hello(mongo: MongoAccess, address: string, timeoutMs: number): Promise<HelloState> {
  try {
    const d = await mongo.command(address, { hello: 1 }, { timeoutMs });
    return { reachable: true, writablePrimary: d.isWritablePrimary === true, secondary: d.secondary === true, primary: typeof d.primary === 'string' ? d.primary : null, error: null };
  } catch (err) {
    return { reachable: false, writablePrimary: false, secondary: false, primary: null, error: (err as Error).message };
  }
}

/** Network-level failures (as opposed to a server's answer): the member may be down or cut off. */
export function isUnreachable(err: unknown): boolean {
  return err instanceof DeskError && err.code === 'UNREACHABLE';
}

export function createMongoAccess(topology: Topology, secrets: SecretStore): MongoAccess {
  const clients = new Map<string, MongoClient>();
  const authFor = new Map<string, { username: string; passwordSecret: string; authSource: string }>();
  for (const site of topology.sites) for (const rs of site.replicaSets) for (const m of rs.members) if (rs.auth) authFor.set(`${m.host}:${m.port}`, rs.auth);

  async function client(address: string, timeoutMs: number): Promise<MongoClient> {
    const existing = clients.get(address);
    if (existing) return existing;
    const auth = authFor.get(address);
    let credentials: { username: string; password: string; authSource: string } | undefined;
    if (auth) {
      const password = await forPurpose(secrets, 'db-password').get(auth.passwordSecret, 'passwordSecret');
      if (password === null) throw new DeskError('MONGO_SECRET_MISSING', `The password for ${address} is the keychain secret "${auth.passwordSecret}", which is not set: add it under Settings → Secrets.`);
      credentials = { username: auth.username, password, authSource: auth.authSource };
    }
    const c = new MongoClient(`mongodb://${address}/?directConnection=true`, {
      serverSelectionTimeoutMS: Math.min(timeoutMs, 5000),
      connectTimeoutMS: Math.min(timeoutMs, 5000),
      socketTimeoutMS: timeoutMs,
      maxPoolSize: 2,
      retryWrites: false,
      ...(credentials ? { auth: { username: credentials.username, password: credentials.password }, authSource: credentials.authSource } : {}),
    });
    clients.set(address, c);
    return c;
  }

  return {
    async command(address, cmd, opts) {
      try {
        const c = await client(address, opts.timeoutMs);
        return await c.db(opts.db ?? 'admin').command(cmd, { timeoutMS: opts.timeoutMs });
      } catch (err) {
        if (err instanceof DeskError) throw err;
        const d = describeDriverError(err, address, opts.timeoutMs);
        // A failed connection is dropped so the next call reconnects (the member may come back).
        if (d.code === 'UNREACHABLE') await clients.get(address)?.close(true).catch(() => undefined);
        if (d.code === 'UNREACHABLE') clients.delete(address);
        throw new DeskError(d.code, d.message);
      }
    },
    async close() {
      await Promise.all([...clients.values()].map((c) => c.close(true).catch(() => undefined)));
      clients.clear();
    },
  };
}
