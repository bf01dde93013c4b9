import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topologySchema, type Topology } from '../../../src/shared/topology';
import { HostKeyPins } from '../../../src/main/connectors/ssh-host-keys';
import { Executor } from '../../../src/main/runbooks/executor';
import type { BackupPort } from '../../../src/main/runbooks/steps/backup-handlers';
import { createHandlers } from '../../../src/main/runbooks/steps/index';
import { createMongoAccess, type MongoAccess } from '../../../src/main/runbooks/steps/mongo-access';
import type { RunbookAuditEntry } from '../../../src/main/runbooks/ports';
import { startSandbox } from '../../../src/main/sandbox/index';
import type { Sandbox } from '../../../src/main/sandbox/types';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';

/**
 * A recording backup port for runbook tests: it does what the DR activation plan asks of the pipeline
 * (verify, apply) without a landing host, and counts the applies so a test can prove one never repeats.
 * The real pipeline is tested by the backup integration tests.
 */
export function recordingBackup(onApply?: () => void): BackupPort & { applies: string[] } {
  const applies: string[] = [];
  return {
    applies,
    verifyLatest: async (from, to) => ({ sequence: 1, summary: `slice 1 ${from}→${to} verified` }),
    applyLatest: async (from, to) => {
      applies.push(`${from}->${to}`);
      onApply?.();
      return { sequence: 1, appliedTo: new Date().toISOString(), summary: `slice 1 applied on ${to}` };
    },
    cycle: async (from, to) => ({ sequence: 2, appliedTo: new Date().toISOString(), summary: `cycle ${from}→${to}` }),
  };
}

export interface RunbookHarness {
  sandbox: Sandbox;
  topology: Topology;
  mongo: MongoAccess;
  db: Database.Database;
  dbFile: string;
  executor: Executor;
  audit: RunbookAuditEntry[];
  close(): Promise<void>;
}

export async function startHarness(opts: { backup?: BackupPort; workloadOpsPerSec?: number; fast?: boolean } = {}): Promise<RunbookHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'drdesk-rb-it-'));
  const sandbox = await startSandbox({ fast: opts.fast ?? true, workloadOpsPerSec: opts.workloadOpsPerSec ?? 20, dir });
  const topology = topologySchema.parse(sandbox.topology);
  const mongo = createMongoAccess(topology, new MemorySecretStore());
  const dbFile = join(dir, 'journal.sqlite');
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  const audit: RunbookAuditEntry[] = [];
  const handlers = createHandlers({ topology, secrets: new MemorySecretStore(), pins: new HostKeyPins(db), mongo, backup: opts.backup ?? null, sandboxFault: (r) => sandbox.fault(r) });
  const executor = new Executor({ db, handlers, audit: { append: (e) => void audit.push(e) } });
  return {
    sandbox,
    topology,
    mongo,
    db,
    dbFile,
    executor,
    audit,
    async close() {
      executor.close();
      // A fenced DC has no primary, and the sandbox's workload waits for one before it stops: lift the fence first.
      await sandbox.fault({ action: 'heal', target: 'DC' }).catch(() => undefined);
      const dc = topology.sites.find((s) => s.role === 'dc')!;
      for (const m of dc.replicaSets[0].members.filter((x) => x.role !== 'arbiter')) await mongo.command(`${m.host}:${m.port}`, { replSetFreeze: 0 }, { timeoutMs: 2000 }).catch(() => undefined);
      await sandbox.stopWorkload();
      await mongo.close();
      db.close();
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
