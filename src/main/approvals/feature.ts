import { join } from 'node:path';
import type { DeskEvents } from '../../shared/desk-api';
import { serviceId, type DeskFeature } from '../feature/contract';
import { DeskApprovals } from './desk-approvals';
import { approvalsMethods } from './methods';
import { hostTrustMethods } from './host-trust';
import { FileRosterSource } from './roster-source';

export const ROSTER_FILE = 'roster.json';

/**
 * The approvals engine of a Desk. Other features (runbooks, drills) use it to gate execution
 * (authorizeExecution) and to write the audit log (auditSink): `ctx.services.get(APPROVALS)`.
 */
export const APPROVALS = serviceId<DeskApprovals>(
  'approvals engine',
  (ctx) =>
    new DeskApprovals({
      db: ctx.database.db,
      secrets: ctx.secrets,
      roster: new FileRosterSource(join(ctx.dataDir, ROSTER_FILE)),
      statusSnapshot: ctx.oneShot ? undefined : () => ctx.monitor.overview(),
      emit: (event, payload) => ctx.events.emit(event, payload as DeskEvents[typeof event]),
    }),
);

/**
 * Installs the approvals DeskApi methods (see handlers.ts) into Desk, after the start-up check every host
 * runs (desktop and web as well as the CLI): a database behind the keychain's high-water mark, or a rolled
 * back roster, is said on stderr at once and stays on the approvals pages (getIntegrity) until it is resolved.
 * Execution refuses on its own whatever the person does.
 */
export const approvalsFeature: DeskFeature = async (ctx) => {
  const a = ctx.services.get(APPROVALS);
  const report = await a.integrity();
  for (const p of report.problems) process.stderr.write(`warning: ${p.code}: ${p.message}\n`);
  // SSH host keys are confirmed by a person too (Credentials page): served here with the other trust decisions.
  return { methods: { ...approvalsMethods(a), ...hostTrustMethods({ topology: () => ctx.topology.topology, db: ctx.database.db }) } };
};
