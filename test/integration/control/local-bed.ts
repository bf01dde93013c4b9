import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, type Document } from 'mongodb';
import { BackupService, type BackupServiceOptions } from '../../../src/main/backup/service';
import { startSandbox } from '../../../src/main/sandbox';
import type { Sandbox, SandboxOptions } from '../../../src/main/sandbox/types';
import { openDatabase, type DeskDatabase } from '../../../src/main/store/database';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import { topologySchema, type Topology } from '../../../src/shared/topology';

/**
 * The sandbox's two replica sets with the DR landing as a local directory (the sandbox's sites are this
 * machine), and as many desks — data directories, each with its own database — as a test opens on it.
 */
export interface Desk {
  dir: string;
  database: DeskDatabase;
  service: BackupService;
  close(): Promise<void>;
}

export interface LocalBed {
  dir: string;
  landing: string;
  sandbox: Sandbox;
  topology: Topology;
  dc: MongoClient;
  dr: MongoClient;
  desk(name: string, options?: BackupServiceOptions): Desk;
  close(): Promise<void>;
}

export function bedTopology(sandboxTopology: unknown): Topology {
  return topologySchema.parse({ ...(sandboxTopology as object), backup: { intervalMinutes: 1, keep: 5, from: 'DC', to: 'DR' }, targets: { rpoSeconds: 90, rtoSeconds: 60 } });
}

export function rsUri(topology: Topology, site: string): string {
  const rs = topology.sites.find((s) => s.name === site)!.replicaSets[0];
  return `mongodb://${rs.members.map((m) => `${m.host}:${m.port}`).join(',')}/?replicaSet=${rs.name}`;
}

export function openDesk(dir: string, topology: Topology, landing: string, options: BackupServiceOptions = {}): Desk {
  mkdirSync(dir, { recursive: true });
  const database = openDatabase(join(dir, 'desk.sqlite'));
  const service = new BackupService({ topology, secrets: new MemorySecretStore(), db: database.db, dataDir: dir, options: { localLanding: landing, timeoutMs: 10_000, ...options } });
  return {
    dir,
    database,
    service,
    close: async () => {
      await service.stop();
      database.close();
    },
  };
}

export async function startLocalBed(opts: { sandbox?: SandboxOptions } = {}): Promise<LocalBed> {
  const dir = mkdtempSync(join(tmpdir(), 'drdesk-control-it-'));
  const sandbox = await startSandbox({ fast: true, dir, ...opts.sandbox });
  const topology = bedTopology(sandbox.topology);
  const landing = join(dir, 'landing', 'DR');
  const dc = new MongoClient(rsUri(topology, 'DC'), { serverSelectionTimeoutMS: 20_000 });
  const dr = new MongoClient(rsUri(topology, 'DR'), { serverSelectionTimeoutMS: 20_000 });
  await Promise.all([dc.connect(), dr.connect()]);
  const desks: Desk[] = [];
  return {
    dir,
    landing,
    sandbox,
    topology,
    dc,
    dr,
    desk(name, options) {
      const d = openDesk(join(dir, name), topology, landing, options);
      desks.push(d);
      return d;
    },
    async close() {
      for (const d of desks) await d.close().catch(() => undefined);
      await Promise.all([dc.close(true), dr.close(true)]);
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * How many insert entries DR's oplog holds for each _id of `ns` (what DR applied, counted per DC event):
 * inside applyOps batches too, which is how the replay sends them.
 */
export async function insertCounts(client: MongoClient, ns: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const add = (e: Document) => {
    if (e.op === 'i' && e.ns === ns) out.set(String(e.o?._id), (out.get(String(e.o?._id)) ?? 0) + 1);
    if (e.op === 'c' && Array.isArray(e.o?.applyOps)) for (const x of e.o.applyOps as Document[]) add(x);
  };
  for await (const e of client.db('local').collection('oplog.rs').find({})) add(e);
  return out;
}

/**
 * A test script as a child process (node + tsx) with its configuration in DRDESK_CHILD; every JSON line it
 * prints is collected. `children` tracks the live ones so a test can stop whatever it started, by pid.
 */
export function jsonChild<L>(script: string, config: unknown, children: Set<ChildProcess>): { proc: ChildProcess; lines: L[] } {
  const lines: L[] = [];
  const proc = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, DRDESK_CHILD: JSON.stringify(config) }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(proc);
  proc.on('exit', () => children.delete(proc));
  let buf = '';
  proc.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const l = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        lines.push(JSON.parse(l) as L);
      } catch {
        // a line that is not one of ours
      }
    }
  });
  return { proc, lines };
}

export const exited = (p: ChildProcess) => new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r())));

/** Polls `cond` every 20 ms until it holds; fails naming `what` after `ms`. */
export async function until(what: string, ms: number, cond: () => Promise<boolean> | boolean): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
