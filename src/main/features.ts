import { approvalsFeature } from './approvals/feature';
import { backupFeature } from './backup/feature';
import { drillsFeature } from './drills/feature';
import type { DeskFeature } from './feature/contract';
import { pictureFeature } from './picture/feature';
import { runbooksFeature } from './runbooks/feature';

/**
 * The features Desk installs after the monitor's: each adds ONE entry here, the DeskFeature its folder's
 * feature.ts exports. Services they share are declared with serviceId() and built on first use, so the
 * order below is only the order their methods are registered in.
 */
export const features: DeskFeature[] = [backupFeature, pictureFeature, approvalsFeature, runbooksFeature(), drillsFeature];
