import type { DeskContext, FeatureParts } from '../feature/contract';
import { APPROVALS } from '../approvals/feature';
import { HostKeyPins } from '../connectors/ssh-host-keys';
import { approvalResult, auditCheckpoint } from '../reports/approval-report';
import { runbookMethods } from './methods';
import { createHandlers } from './steps/index';
import { BACKUP_ROUTES } from '../backup/feature';
import type { BackupPort } from './steps/backup-handlers';
import { backupServicePort } from './steps/backup-service-port';
import { createMongoAccess } from './steps/mongo-access';
import { loadRunbookSettings, RunbookService } from './runbook-service';
import { STANDING_FENCES } from './standing-fence';
import { ReplicaSetLedgers } from '../control/execution-ledgers';
import type { ExecutionLedgerPort } from './executor';

/**
 * The runbooks feature for src/main/features.ts: the executor on Desk's database with the real handlers,
 * gated by the approvals engine and audited through it; progress events forwarded.
 * Backup steps run through the Desk's own backup routes (BACKUP_ROUTES: the same services, gates and locks the
 * Backups page and the schedule use); `backup` replaces them (tests).
 */
export function runbooksFeature(opts: { backup?: (ctx: DeskContext) => BackupPort | null; ledger?: (ctx: DeskContext) => ExecutionLedgerPort | null } = {}) {
  return (ctx: DeskContext): FeatureParts => {
    const topology = ctx.topology.topology;
    const approvals = ctx.services.get(APPROVALS);
    const mongo = createMongoAccess(topology, ctx.secrets);
    const sandbox = ctx.sandbox;
    const handlers = createHandlers({
      topology,
      secrets: ctx.secrets,
      pins: new HostKeyPins(ctx.database.db),
      mongo,
      backup: opts.backup ? opts.backup(ctx) : backupServicePort(ctx.services.get(BACKUP_ROUTES)),
      sandboxFault: sandbox ? (req) => sandbox.fault(req) : null,
      standingFence: ctx.services.get(STANDING_FENCES),
    });
    // One reader of the topology's ledgers: it claims and finishes executions, and lists what they record.
    const ledgers = new ReplicaSetLedgers({ topology, secrets: ctx.secrets, workstation: ctx.dataDir });
    const settings = loadRunbookSettings(ctx.dataDir, sandbox !== null);
    const runbooks = new RunbookService({
      db: ctx.database.db,
      topology,
      settings,
      handlers,
      audit: approvals.auditSink(),
      notifier: { notify: (n) => ctx.notify(n.title, n.body, n.level, `execution:${n.executionId}`) },
      gate: {
        authorize: async (id) => {
          const d = await approvals.authorizeExecution(id);
          const approvers = d.decisionsList.filter((x) => x.decision === 'approve' && x.counted).map((x) => x.approver.name ?? x.approver.fingerprint);
          return { plan: d.plan, planDigest: d.planDigest, nonce: d.nonce, breakGlass: d.breakGlass ? { reason: d.reason, approvers } : null };
        },
        operator: () => approvals.getIdentity()?.name ?? 'operator',
        describe: async (id) => approvalResult(await approvals.getRequest(id)),
        checkpoint: (requestId) => auditCheckpoint(approvals, requestId).catch(() => null),
      },
      ledger: (opts.ledger ? opts.ledger(ctx) : ledgers) ?? undefined,
      ledgers,
    });
    runbooks.executor.onProgress((p) => ctx.events.emit('executionProgress', p));
    return {
      methods: runbookMethods(runbooks),
      close: async () => {
        runbooks.close();
        await mongo.close();
      },
    };
  };
}
