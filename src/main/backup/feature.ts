import type { DeskFeature } from '../feature/contract';
import { BACKUP_ROUTES, DeskBackup } from './desk-backup';

/**
 * The backup feature: DeskApi's backup methods and events, and the schedule running while the app is open
 * (a topology without a DR SSH host shows "not configured"). The routes close with Desk (BACKUP_ROUTES).
 */
export const backupFeature: DeskFeature = (ctx) => {
  const routes = ctx.services.get(BACKUP_ROUTES);
  routes.forward.start();
  return { methods: new DeskBackup(routes.forward).handlers() };
};
