import type { DrillScenarioInfo } from '../../../shared/api/drill-report';
import { DeskError } from '../../../shared/errors';
import type { Scenario } from '../types';
import { corruptedSlice, dcSiteLoss, partition } from './activation';
import { dcPrimaryFailure } from './dc-primary-failure';
import { failback } from './failback';

export const SCENARIOS: Scenario[] = [dcPrimaryFailure, dcSiteLoss, partition, corruptedSlice, failback];

export function scenarioInfos(): DrillScenarioInfo[] {
  return SCENARIOS.map((s) => s.info);
}

export function scenarioByName(name: string): Scenario {
  const s = SCENARIOS.find((x) => x.info.name === name);
  if (!s) throw new DeskError('DRILL_UNKNOWN_SCENARIO', `No drill scenario "${name}": use one of ${SCENARIOS.map((x) => x.info.name).join(', ')} (drdesk drill --list).`);
  return s;
}
