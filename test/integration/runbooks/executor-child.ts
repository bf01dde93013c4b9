/**
 * The engine as a child process for the crash test: it runs a DR activation on the sandbox with the real
 * handlers, records each slice apply in a file, and stops dead at "make DR serve writes" (the step after the
 * apply) until the parent kills it with SIGKILL.
 */
import Database from 'better-sqlite3';
import { appendFileSync } from 'node:fs';
import { topologySchema } from '../../../src/shared/topology';
import { HostKeyPins } from '../../../src/main/connectors/ssh-host-keys';
import { Executor } from '../../../src/main/runbooks/executor';
import { createHandlers } from '../../../src/main/runbooks/steps/index';
import { createMongoAccess } from '../../../src/main/runbooks/steps/mongo-access';
import { planDigest } from '../../../src/main/runbooks/plan-digest';
import { buildPlan } from '../../../src/main/runbooks/plans/index';
import type { FaultRequest } from '../../../src/main/sandbox/types';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';

const cfg = JSON.parse(process.env.DRDESK_CHILD ?? '{}') as { topology: unknown; control: string; dbFile: string; appliesFile: string; settings: unknown };
const topology = topologySchema.parse(cfg.topology);
const db = new Database(cfg.dbFile);
db.pragma('journal_mode = WAL');
const mongo = createMongoAccess(topology, new MemorySecretStore());
const handlers = createHandlers({
  topology,
  secrets: new MemorySecretStore(),
  pins: new HostKeyPins(db),
  mongo,
  backup: {
    verifyLatest: async () => ({ sequence: 1, summary: 'slice 1 verified' }),
    applyLatest: async (from, to) => {
      appendFileSync(cfg.appliesFile, `child ${from}->${to}\n`);
      return { sequence: 1, appliedTo: new Date().toISOString(), summary: 'slice 1 applied' };
    },
    cycle: async () => ({ sequence: null, appliedTo: null, summary: 'no cycle' }),
  },
  sandboxFault: async (req: FaultRequest) => (await fetch(`${cfg.control}/fault`, { method: 'POST', body: JSON.stringify(req), headers: { 'content-type': 'application/json' } })).json() as Promise<{ message: string }>,
});
handlers['mongo.promote'] = () => new Promise(() => undefined);
const executor = new Executor({ db, handlers, audit: { append: () => undefined }, heartbeatMs: 200 });
const plan = buildPlan('dr-activation', topology, cfg.settings as object);
const started = executor.start({ plan, planDigest: planDigest(plan), requestId: null, initiator: 'child engine' });
process.stdout.write(`${started.id}\n`);
