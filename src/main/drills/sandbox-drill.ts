import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DrillReport } from '../../shared/api/drill-report';
import type { DrillProgress } from '../../shared/api/runbooks';
import { HostKeyPins } from '../connectors/ssh-host-keys';
import { Executor } from '../runbooks/executor';
import { createHandlers } from '../runbooks/steps/index';
import { createMongoAccess, type MongoAccess } from '../runbooks/steps/mongo-access';
import { sandboxSettings } from '../runbooks/settings';
import { startSandbox } from '../sandbox/index';
import { MemorySecretStore } from '../store/memory-secret-store';
import { runDrill } from './drill-runner';
import { createLocalDrillDesks } from './local-approvers';
import { sandboxBackup, type SshLanding } from './sandbox-backup';

export interface SandboxDrillOptions {
  scenario: string;
  /** Sandbox timing: the manual's (heartbeat 2 s, election timeout 10 s) unless fast. */
  fast?: boolean;
  workloadOpsPerSec?: number;
  /** Each workload write as a multi-document transaction (the sandbox's --workload-txn). */
  workloadTransactions?: boolean;
  tester?: string;
  drillId?: string;
  onProgress?: (p: DrillProgress) => void;
  /** An SSH host that receives the slices instead of the local landing directories (the default). */
  landing?: SshLanding;
}

/**
 * A complete headless drill: a fresh sandbox with its workload, three local identities (operator, IT and
 * business approvers), an executor with the real handlers, the scenario, cleanup and the report. Every
 * resource is released before it returns, also when the drill fails.
 */
export async function runSandboxDrill(opts: SandboxDrillOptions): Promise<DrillReport> {
  const dir = mkdtempSync(join(tmpdir(), 'drdesk-drill-'));
  const closers: Array<() => unknown> = [() => rmSync(dir, { recursive: true, force: true })];
  try {
    opts.onProgress?.({ drillId: opts.drillId ?? '', scenario: opts.scenario, phase: 'setup', message: 'starting the sandbox', at: new Date().toISOString() });
    const sandbox = await startSandbox({ fast: opts.fast ?? false, workloadOpsPerSec: opts.workloadOpsPerSec ?? 50, workloadTransactions: opts.workloadTransactions, dir });
    closers.unshift(() => sandbox.stop());
    const to = opts.landing ? `over SSH to ${opts.landing.username}@${opts.landing.host}:${opts.landing.port}` : 'to a local landing directory (the sandbox has no SSH hosts)';
    opts.onProgress?.({ drillId: opts.drillId ?? '', scenario: opts.scenario, phase: 'setup', message: `baseline DC → DR ${to}`, at: new Date().toISOString() });
    const b = await sandboxBackup(sandbox, dir, opts.landing);
    closers.unshift(() => b.close());
    opts.onProgress?.({ drillId: opts.drillId ?? '', scenario: opts.scenario, phase: 'setup', message: `baseline applied on DR; slices land at ${b.landing}`, at: new Date().toISOString() });
    const { backup, topology } = b;
    const desks = await createLocalDrillDesks(dir);
    closers.unshift(() => desks.close());
    const secrets = new MemorySecretStore();
    const mongo: MongoAccess = createMongoAccess(topology, secrets);
    closers.unshift(() => mongo.close());
    const journal = new Database(join(dir, 'journal.sqlite'));
    journal.pragma('journal_mode = WAL');
    closers.unshift(() => journal.close());
    const handlers = createHandlers({ topology, secrets, pins: new HostKeyPins(journal), mongo, backup, sandboxFault: (req) => sandbox.fault(req) });
    const executor = new Executor({ db: journal, handlers, audit: desks.audit.sink });
    closers.unshift(() => executor.close());
    return await runDrill(
      { sandbox, topology, mongo, executor, backup, approvals: desks.approvals, audit: desks.audit, initiator: desks.operatorName, settings: sandboxSettings(), onProgress: opts.onProgress },
      opts.scenario,
      { drillId: opts.drillId, tester: opts.tester },
    );
  } finally {
    for (const c of closers) await (async () => c())().catch(() => undefined);
  }
}
