import { HostKeyPins } from '../../../src/main/connectors/ssh-host-keys';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EJSON } from 'bson';
import { MongoClient, type Document } from 'mongodb';
import { BackupService, type BackupServiceOptions } from '../../../src/main/backup/service';
import type { BackupProgress } from '../../../src/shared/api/backup';
import { startSandbox } from '../../../src/main/sandbox';
import { NON_USER_DATABASES } from '../../../src/main/control/names';
import type { Sandbox, SandboxOptions } from '../../../src/main/sandbox/types';
import { openDatabase, type DeskDatabase } from '../../../src/main/store/database';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import { topologySchema, type Topology } from '../../../src/shared/topology';
import { startSshd, type SshdHandle } from '../../helpers/sshd';

/**
 * A backup bed: the sandbox (DC + DR replica sets), a real sshd on loopback as the DR landing host (its
 * login password is the canary), a data directory with its SQLite database, and a BackupService on top.
 */
export const LANDING_SECRET = 'dr-landing-password';

export interface Bed {
  sandbox: Sandbox;
  sshd: SshdHandle;
  dataDir: string;
  database: DeskDatabase;
  topology: Topology;
  secrets: MemorySecretStore;
  service: BackupService;
  dc: MongoClient;
  dr: MongoClient;
  /** Every backupProgress event the services pushed. */
  progress: BackupProgress[];
  /** Replaces the service (e.g. with other options), keeping data dir, database and servers. */
  restartService(options?: BackupServiceOptions): Promise<BackupService>;
  close(): Promise<void>;
}

export const FAST_RETRY = { attempts: 2, baseMs: 100, maxMs: 500 };

export async function startBed(opts: { sandbox?: SandboxOptions; service?: BackupServiceOptions } = {}): Promise<Bed> {
  const sandbox = await startSandbox({ fast: true, ...opts.sandbox });
  let sshd: SshdHandle | null = null;
  try {
    sshd = await startSshd();
    const dataDir = mkdtempSync(join(tmpdir(), 'drdesk-backup-it-'));
    const database = openDatabase(join(dataDir, 'desk.sqlite'));
    const secrets = new MemorySecretStore();
    await secrets.set(LANDING_SECRET, sshd.password, 'password');
    // Pinned the way an operator would (trust-host), so a test can re-key the host and trust the new key.
    new HostKeyPins(database.db).pin(`${sshd.host}:${sshd.port}`, sshd.hostKeyFingerprint());
    const input = sandbox.topology;
    const topology = topologySchema.parse({
      ...input,
      sites: input.sites.map((s) =>
        s.role === 'dr'
          ? { ...s, ssh: [{ name: 'dr-landing', host: sshd!.host, port: sshd!.port, username: sshd!.user, passwordSecret: LANDING_SECRET, backupDir: sshd!.landingDir }] }
          : s,
      ),
      backup: { intervalMinutes: 1, keep: 5, from: 'DC', to: 'DR' },
      targets: { rpoSeconds: 90, rtoSeconds: 60 },
    });
    const uri = (site: string) => {
      const s = topology.sites.find((x) => x.name === site)!;
      const rs = s.replicaSets[0];
      return `mongodb://${rs.members.map((m) => `${m.host}:${m.port}`).join(',')}/?replicaSet=${rs.name}`;
    };
    const dc = new MongoClient(uri('DC'), { serverSelectionTimeoutMS: 20_000 });
    const dr = new MongoClient(uri('DR'), { serverSelectionTimeoutMS: 20_000 });
    await Promise.all([dc.connect(), dr.connect()]);
    const progress: BackupProgress[] = [];
    const make = (options?: BackupServiceOptions) =>
      new BackupService({ topology, secrets, db: database.db, dataDir, options: { retry: FAST_RETRY, timeoutMs: 10_000, ...opts.service, ...options }, onProgress: (p) => progress.push(p) });
    const bed: Bed = {
      sandbox,
      sshd,
      dataDir,
      database,
      topology,
      secrets,
      service: make(),
      dc,
      dr,
      progress,
      restartService: async (options) => {
        await bed.service.stop();
        bed.service = make(options);
        return bed.service;
      },
      close: async () => {
        await bed.service.stop();
        await Promise.all([dc.close(true), dr.close(true)]);
        database.close();
        await sandbox.stop();
        await sshd?.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
    return bed;
  } catch (err) {
    await sshd?.stop();
    await sandbox.stop();
    throw err;
  }
}

/** Every user collection of a replica set, each as its documents in _id order (canonical extended JSON). */
export async function snapshot(client: MongoClient): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
  for (const { name } of databases) {
    // DR Desk's control database is site-local (lease, chain, ledger differ by design): not compared.
    if (NON_USER_DATABASES.has(name)) continue;
    for (const c of await client.db(name).listCollections({}, { nameOnly: true }).toArray()) {
      const docs = await client.db(name).collection(c.name).find({}, { sort: { _id: 1 } }).toArray();
      out.set(`${name}.${c.name}`, docs.map((d: Document) => EJSON.stringify(d, { relaxed: false })));
    }
  }
  return out;
}

export async function waitFor(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
