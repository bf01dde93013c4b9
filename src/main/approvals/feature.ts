import { join } from 'node:path';
import type { DeskEvents } from '../../shared/desk-api';
import type { DeskContext, DeskFeature } from '../desk';
import { DeskApprovals } from './desk-approvals';
import { approvalsMethods } from './handlers';
import { FileRosterSource } from './roster-source';

export const ROSTER_FILE = 'roster.json';

const instances = new WeakMap<object, DeskApprovals>();

/**
 * The approvals engine of a Desk — one per database. Other features (runbooks, drills) use it to gate
 * execution (authorizeExecution) and to write the audit log (auditSink), whatever their install order.
 */
export function approvalsFor(ctx: DeskContext): DeskApprovals {
  let a = instances.get(ctx.database);
  if (!a) {
    a = new DeskApprovals({
      db: ctx.database.db,
      secrets: ctx.secrets,
      roster: new FileRosterSource(join(ctx.dataDir, ROSTER_FILE)),
      statusSnapshot: () => ctx.monitor.overview(),
      emit: (event, payload) => ctx.events.emit(event, payload as DeskEvents[typeof event]),
    });
    instances.set(ctx.database, a);
  }
  return a;
}

/** Installs the approvals DeskApi methods (see handlers.ts) into Desk. */
export const approvalsFeature: DeskFeature = (ctx) => ({ methods: approvalsMethods(approvalsFor(ctx)) });
