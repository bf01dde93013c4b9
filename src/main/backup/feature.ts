import { backupFeature as configure } from './desk-backup';

/**
 * The backup feature as src/main/features.ts lists it: DeskApi's backup methods and events, and the
 * schedule running while the app is open (a topology without a DR SSH host shows "not configured").
 */
export const backupFeature = configure();
