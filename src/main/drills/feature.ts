import { DeskError } from '../../shared/errors';
import type { DeskFeature } from '../feature/contract';
import { loadRunbookSettings } from '../runbooks/runbook-service';
import { DrillService } from './drill-service';
import { drillMethods } from './methods';

/**
 * The drills feature: scenarios run on a fresh sandbox of their own (never on the topology the desk
 * watches), their progress as DeskApi events and a notification when one ends, and the reports. Where the
 * slices land for a drill comes from the runbook settings (drillLanding), its secrets from the keychain.
 */
export const drillsFeature: DeskFeature = (ctx) => {
  const settings = loadRunbookSettings(ctx.dataDir, ctx.sandbox !== null);
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
  return { methods: drillMethods(drills), close: () => drills.close() };
};
