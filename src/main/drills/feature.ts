import { DeskError } from '../../shared/errors';
import type { DeskFeature } from '../feature/contract';
import { loadRunbookSettings } from '../runbooks/runbook-service';
import type { RunbookSettings } from '../runbooks/settings';
import { forPurpose, type SecretStore } from '../store/secret-store';
import type { SshLanding } from './sandbox-backup';
import { DrillService } from './drill-service';
import { drillMethods } from './methods';

/** Where a drill's slices land over SSH (runbook settings' drillLanding), with its secret read by purpose. */
export async function drillLanding(l: RunbookSettings['drillLanding'], secrets: SecretStore): Promise<SshLanding | null> {
  if (!l) return null;
  // Typed reads: the signing key or a secret stored for another purpose is never sent to the landing.
  const privateKey = l.keySecret ? ((await forPurpose(secrets, 'ssh-key').get(l.keySecret, 'drillLanding.keySecret')) ?? undefined) : undefined;
  const password = l.passwordSecret ? ((await forPurpose(secrets, 'ssh-password').get(l.passwordSecret, 'drillLanding.passwordSecret')) ?? undefined) : undefined;
  if (!privateKey && !password)
    throw new DeskError('DRILL_LANDING_SECRET', `The drill landing ${l.username}@${l.host} needs its key or password in the keychain secret named by keySecret or passwordSecret.`);
  return { host: l.host, port: l.port, username: l.username, dir: l.dir, hostKeySha256: l.hostKeySha256, privateKey, password };
}

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
    landing: () => drillLanding(settings.drillLanding, ctx.secrets),
  });
  return { methods: drillMethods(drills), close: () => drills.close() };
};
