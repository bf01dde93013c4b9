import type { CycleRecord } from '../../../shared/api/backup';
import { DeskError } from '../../../shared/errors';
import type { BackupRoutes } from '../../backup/routes';
import type { BackupService } from '../../backup/service';
import { sleep } from '../../connectors/deadline';
import type { BackupPort, BackupStepContext } from './backup-handlers';

/**
 * The runbooks' backup steps on the engine's own backup routes (BACKUP_ROUTES in src/main/backup/feature.ts,
 * or a drill's): every step goes through the route's BackupService — its one-cycle-at-a-time gate, its
 * cross-process lock, its deadline, its cycle history — never around it. A step that finds a cycle
 * running (the schedule, `drdesk agent`) waits for it within the step's own deadline.
 */
async function whenFree<T>(fn: () => Promise<T>, ctx: BackupStepContext): Promise<T> {
  let told = false;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      const code = (err as DeskError).code;
      if (code !== 'BACKUP_BUSY' && code !== 'LEASE_HELD') throw err;
      if (!told) ctx.log?.(code === 'LEASE_HELD' ? `${(err as Error).message} ${LEASE_HELD_ADVICE} Waiting for the lease (within this step's deadline).` : `${(err as Error).message} Waiting for it to end (within this step's deadline).`);
      told = true;
      // Another desk's schedule keeps its lease between its cycles, so the wait may never end: shortly before
      // the deadline the step fails with the holder and the advice instead of a bare timeout.
      const left = ctx.deadline === undefined ? Infinity : ctx.deadline - Date.now() - DEADLINE_MARGIN_MS;
      if (code === 'LEASE_HELD' && left <= 0) throw new DeskError('LEASE_HELD', `${(err as Error).message} ${LEASE_HELD_ADVICE} The step waited until its deadline; run it again once the lease is free.`);
      await sleep(Math.min(code === 'LEASE_HELD' ? 2000 : 1000, Math.max(0, left)), ctx.signal);
    }
  }
}

const DEADLINE_MARGIN_MS = 1500;
const LEASE_HELD_ADVICE = "Ask that workstation's operator to pause its backup schedule (Backups page) or stop its drdesk agent; if its heartbeat has stopped, take the lease over (Backups page, or drdesk backup take-over).";

function check(rec: CycleRecord): CycleRecord {
  if (rec.error) throw new DeskError(rec.error.code, rec.error.message);
  return rec;
}

/** Where the route's target stands: the last applied slice and the source time it reaches. */
function applied(service: BackupService): { sequence: number | null; appliedTo: string | null } {
  const chain = service.status().chain;
  const last = chain?.slices.filter((s) => s.state === 'applied').at(-1) ?? null;
  return { sequence: chain?.appliedSeq ?? null, appliedTo: last?.lastWall ?? null };
}

function landingOf(service: BackupService): string {
  return service.status().landing?.label ?? 'its landing';
}

export function backupServicePort(routes: BackupRoutes, trigger: CycleRecord['trigger'] = 'runbook'): BackupPort {
  return {
    async verifyLatest(from, to) {
      const service = routes.route(from, to);
      const report = await service.verify(true);
      const chain = service.status().chain;
      if (!chain) throw new DeskError('BACKUP_VERIFY_FAILED', `No baseline has reached ${to}: there is nothing to activate from. Take a baseline ${from} → ${to} (Backups page, or drdesk backup run --baseline) first.`);
      const failed = chain?.slices.filter((s) => s.state === 'failed') ?? [];
      const bad = [...report.findings.filter((f) => !f.ok).map((f) => `slice #${f.seq} ${f.check}: ${f.message}`), ...failed.map((s) => `slice #${s.seq} ${s.problem?.code}: ${s.problem?.message}`)];
      if (!report.ok || bad.length) throw new DeskError('BACKUP_VERIFY_FAILED', `The latest backup on ${to} does not verify: ${bad.join('; ')}. Ship the slice again (a backup cycle) before activating.`);
      return { sequence: chain?.slices.at(-1)?.seq ?? 0, summary: `chain ${report.chainId}: ${report.slices} slices verified (checksums and links, in the outbox and at ${landingOf(service)})` };
    },

    async applyLatest(from, to, ctx) {
      const service = routes.route(from, to);
      const activation = `execution ${ctx.executionId ?? '(drill)'}: DR activation ${from} → ${to}`;
      const rec = check(await whenFree(() => service.deliver(trigger, { activation, signal: ctx.signal }), ctx));
      const a = applied(service);
      return {
        ...a,
        summary: `delivered without a capture (cycle #${rec.id}: ${rec.shipped} shipped to ${landingOf(service)}, ${rec.applied} applied); ${to} holds slices up to #${a.sequence} (${from} time ${a.appliedTo ?? 'unknown'}); ${from} → ${to} backups stopped while ${to} takes the writes`,
      };
    },

    async cycle(from, to, ctx) {
      const r = await whenFree(() => routes.cycle(from, to, trigger, ctx.signal), ctx);
      if (r.started) ctx.log?.(r.started);
      const rec = check(r.record);
      const a = applied(r.service);
      return { ...a, summary: `${r.started ? `${r.started}; then ` : ''}cycle #${rec.id} ${from} → ${to}: ${rec.captured} captured, ${rec.shipped} shipped to ${landingOf(r.service)}, ${rec.applied} applied` };
    },

    async resumeRoute(from, to, ctx) {
      const service = routes.route(from, to);
      if (service !== routes.forward) throw new DeskError('BACKUP_ROUTE', `Only the topology's own route can be resumed, not ${from} → ${to}.`);
      return { summary: await whenFree(() => routes.resumeForward(trigger, ctx.signal), ctx) };
    },
  };
}
