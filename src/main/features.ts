import { approvalsFeature } from './approvals/feature';
import { backupFeature } from './backup/feature';
import { pictureFeature } from './picture/feature';
import type { DeskFeature } from './feature/contract';
import { runbooksFeature } from './runbooks/feature';

/**
 * The features Desk installs beyond monitoring: each later feature (backup, approvals, runbooks, drills)
 * adds ONE entry here, a function in its own folder that registers its DeskApi methods, e.g.
 * `import { backupFeature } from './backup/feature';` and `backupFeature,` in the list.
 */
export const features: DeskFeature[] = [
  backupFeature,
  pictureFeature,
  approvalsFeature,
  runbooksFeature(),
];
