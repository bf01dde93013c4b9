import type { BackupStatus } from '../../shared/api/backup';
import type { BackupHeadline } from '../../shared/monitor';
import { BACKUP_ROUTES } from '../backup/feature';
import type { BackupRoutes } from '../backup/routes';
import type { DeskContext, FeatureParts, SitePictureSource } from '../feature/contract';
import { fenceSite } from '../runbooks/steps/mongo-handlers';
import { createMongoAccess } from '../runbooks/steps/mongo-access';
import { STANDING_FENCES } from '../runbooks/standing-fence';

/** The headline's part of a backup status: its reasons and how far the target holds the source's writes. */
export function backupHeadline(s: BackupStatus): BackupHeadline {
  // In continuous mode the live figure (in DC's clock, from the tailer) is how far behind DR is now.
  return { level: s.level, reasons: s.reasons, from: s.from, to: s.to, coveredUntil: s.rpo.coveredUntil, behindSeconds: s.live?.seconds ?? s.rpo.seconds, targetSeconds: s.rpo.targetSeconds };
}

/** Activation and readiness read through the backup routes' public methods, never their tables. */
export function pictureSource(routes: BackupRoutes): SitePictureSource {
  return {
    activation: () => {
      const a = routes.forward.activation();
      if (!a) return null;
      const s = routes.forward.status();
      return { at: a.at, label: a.label, site: s.to, from: s.from };
    },
    backup: () => backupHeadline(routes.forward.status()),
  };
}

/**
 * The operator's picture: the monitor reads, at every evaluation, whether a DR activation was recorded (the
 * backup route's target then takes the writes, and every view swaps roles) and the backup's readiness (its
 * reasons join the headline status).
 */
export function pictureFeature(ctx: DeskContext): FeatureParts {
  const fences = ctx.services.get(STANDING_FENCES);
  fences.report = (title, body, level, site) => ctx.notify(title, body, level, `fence:${site}`);
  ctx.monitor.setPictureSource({ ...pictureSource(ctx.services.get(BACKUP_ROUTES)), standingFences: () => fences.list() });
  const mongo = createMongoAccess(ctx.topology.topology, ctx.secrets);
  let pending: Promise<void> = Promise.resolve();
  ctx.monitor.onEvaluated((o) => {
    pending = fences.onOverview(o, async (order) => {
      const out = await fenceSite(mongo, order);
      return { summary: out.lines.join('; ') };
    });
  });
  return {
    close: async () => {
      await pending.catch(() => undefined);
      await mongo.close();
    },
  };
}
