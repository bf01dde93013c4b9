import type { Topology } from '../../../shared/topology';
import type { Plan, RunbookId } from '../runbook';
import { planSchema } from '../runbook';
import type { RunbookSettingsInput } from '../settings';
import { runbookSettingsSchema } from '../settings';
import { buildDrActivationPlan } from './dr-activation';
import { buildFailbackPlan } from './failback';
import { buildSwitchoverPlan, type SwitchoverParams } from './switchover';

export const RUNBOOKS: Array<{ id: RunbookId; title: string; summary: string }> = [
  { id: 'switchover', title: 'Local switchover', summary: 'Step the primary down with a catch-up period, verify the new primary and a majority write.' },
  { id: 'dr-activation', title: 'DR activation', summary: 'Fence or confirm the DC down, apply the latest verified slice, make DR serve writes, start the application, switch traffic.' },
  { id: 'failback', title: 'Failback', summary: "Ship DR's changes back to the DC, quiesce DR, switch traffic back and return DR to standby." },
];

/** The one entry point: a validated plan for a runbook on a topology. */
export function buildPlan(runbook: RunbookId, topology: Topology, settingsInput: RunbookSettingsInput = {}, params: SwitchoverParams = {}): Plan {
  const settings = runbookSettingsSchema.parse(settingsInput);
  const plan =
    runbook === 'switchover' ? buildSwitchoverPlan(topology, settings, params) : runbook === 'dr-activation' ? buildDrActivationPlan(topology, settings) : buildFailbackPlan(topology, settings);
  return planSchema.parse(plan);
}
