import { DeskError } from '../../shared/errors';
import type { DeskContext, FeatureParts } from '../feature/contract';
import { APPROVALS } from '../approvals/feature';
import { HostKeyPins } from '../connectors/ssh-host-keys';
import { DrillService } from '../drills/drill-service';
import { approvalResult, auditCheckpoint } from '../drills/approval-report';
import { runbookMethods } from './desk-runbooks';
import { createHandlers } from './handlers/index';
import { BACKUP_ROUTES } from '../backup/desk-backup';
import type { BackupPort } from './handlers/backup-handlers';
import { backupServicePort } from './handlers/backup-service-port';
import { createMongoAccess } from './handlers/mongo-access';
import { loadRunbookSettings, RunbookService } from './runbook-service';
import { STANDING_FENCES } from './standing-fence';
import { ReplicaSetLedgers } from '../control/execution-ledgers';

/**
 * The runbooks + drills feature for src/main/features.ts: the executor on Desk's database with the real
 * handlers, gated by the approvals engine and audited through it; progress and drill events forwarded.
 * Backup steps run through the Desk's own backup routes (BACKUP_ROUTES: the same services, gates and locks the
 * Backups page and the schedule use); `backup` replaces them (tests).
 */
export function runbooksFeature(opts: { backup?: (ctx: DeskContext) => BackupPort | null } = {}) {
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
        checkpoint: () => auditCheckpoint(approvals).catch(() => null),
      },
      ledger: new ReplicaSetLedgers({ topology, secrets: ctx.secrets, workstation: ctx.dataDir }),
    });
    runbooks.executor.onProgress((p) => ctx.events.emit('executionProgress', p));
    const drills = new DrillService({
      db: ctx.database.db,
      onProgress: (p) => {
        ctx.events.emit('drillProgress', p);
        if (p.phase === 'done' || p.phase === 'failed') ctx.notify(`Drill ${p.scenario}: ${p.phase === 'done' ? 'finished' : 'failed'}`, p.message, p.phase === 'failed' ? 'error' : p.message.startsWith('passed') ? 'info' : 'warning', `drill:${p.drillId}`);
      },
      landing: async () => {
        const l = settings.drillLanding;
        if (!l) return null;
        const privateKey = l.keySecret ? ((await ctx.secrets.get(l.keySecret)) ?? undefined) : undefined;
        const password = l.passwordSecret ? ((await ctx.secrets.get(l.passwordSecret)) ?? undefined) : undefined;
        if (!privateKey && !password)
          throw new DeskError('DRILL_LANDING_SECRET', `The drill landing ${l.username}@${l.host} needs its key or password in the keychain secret named by keySecret or passwordSecret.`);
        return { host: l.host, port: l.port, username: l.username, dir: l.dir, privateKey, password };
      },
    });
    return {
      methods: runbookMethods({ runbooks, drills }),
      close: async () => {
        runbooks.close();
        await drills.close();
        await mongo.close();
      },
    };
  };
}
