import type { Plan } from '../../../shared/api/runbook-plan';
import type { Overview } from '../../../shared/monitor';

export interface PlanNote {
  level: 'yellow' | 'red';
  text: string;
}

const stepList = (ns: number[]) => (ns.length === 1 ? `step ${ns[0]}` : `steps ${ns.join(', ')}`);

/**
 * The plan read against what this workstation sees now: a reachable primary on a site the plan does not
 * promote (fenced, guarded, or a split-brain risk), and sites it cannot see. The plan's own warnings come first.
 */
export function planNotes(plan: Plan, overview: Overview | null): PlanNote[] {
  const notes: PlanNote[] = plan.warnings.map((w) => ({ level: 'yellow', text: w }));
  if (!overview) return notes;
  const promoted = new Set(plan.steps.filter((s) => s.operation.op === 'mongo.promote').map((s) => s.target.site));
  for (const site of overview.sites) {
    if (!site.reachable) {
      notes.push({ level: 'yellow', text: `${site.name} is unreachable from this workstation: its current state cannot be confirmed here.` });
      continue;
    }
    if (promoted.size === 0 || promoted.has(site.name)) continue;
    const primaries = site.replicaSets.flatMap((rs) => rs.members.filter((m) => m.reachable && m.stateStr === 'PRIMARY').map((m) => m.name));
    if (!primaries.length) continue;
    const on = (op: string) => plan.steps.filter((s) => s.operation.op === op && s.target.site === site.name).map((s) => s.n);
    const fence = on('mongo.fence');
    const guard = on('guard.siteNotWritable');
    const who = `${site.name} primary still reachable (${primaries.join(', ')})`;
    if (fence.length) notes.push({ level: 'yellow', text: `${who} — fencing step included (${stepList(fence)}), then the split-brain guard${guard.length ? ` (${stepList(guard)})` : ''}.` });
    else if (guard.length) notes.push({ level: 'red', text: `${who} and the plan does not fence it: the split-brain guard (${stepList(guard)}) stops the runbook until ${site.name} takes no writes.` });
    else notes.push({ level: 'red', text: `${who} and the plan neither fences nor guards it: promoting would risk two primaries.` });
  }
  return notes;
}
