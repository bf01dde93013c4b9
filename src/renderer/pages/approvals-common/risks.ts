import type { RequestDetail } from '../../../shared/api/approvals';
import type { Overview } from '../../../shared/monitor';
import { formatClock } from '../../format/time';
import { asRunbookPlan, promotedSites, stepsWithOp } from './plan-shape';

export interface Risk {
  level: 'red' | 'yellow' | 'info';
  code: string;
  text: string;
}

const steps = (ns: number[]) => (ns.length === 1 ? `step ${ns[0]}` : `steps ${ns.join(', ')}`);

/**
 * What an approver should weigh before signing, from the plan and the status this machine sees now: the
 * split-brain rule (a reachable primary on a site the plan does not promote), unreachable sites, the plan's
 * own warnings, steps that cannot simply be re-run, break-glass and a close expiry.
 */
export function requestRisks(req: Pick<RequestDetail, 'plan' | 'breakGlass' | 'expiresAt' | 'state'>, overview: Overview | null, now: number): Risk[] {
  const out: Risk[] = [];
  const plan = asRunbookPlan(req.plan);
  if (req.breakGlass) out.push({ level: 'red', code: 'BREAK_GLASS', text: 'Break-glass request: it bypasses the normal path, is announced in every report and stays in the audit log.' });
  if (plan && overview) {
    const promoted = promotedSites(plan);
    for (const site of overview.sites) {
      if (promoted.length === 0 || promoted.includes(site.name)) continue;
      const primaries = site.replicaSets.flatMap((rs) => rs.members.filter((m) => m.reachable && m.stateStr === 'PRIMARY').map((m) => m.name));
      if (primaries.length === 0) continue;
      const fence = stepsWithOp(plan, 'mongo.fence').filter((s) => s.target.site === site.name).map((s) => s.n);
      const guard = stepsWithOp(plan, 'guard.siteNotWritable').filter((s) => s.target.site === site.name).map((s) => s.n);
      const who = `${site.name} primary (${primaries.join(', ')}) still reachable`;
      if (fence.length) out.push({ level: 'yellow', code: 'FENCE_INCLUDED', text: `${who} — fencing step included (${steps(fence)}), then the split-brain guard${guard.length ? ` (${steps(guard)})` : ''}.` });
      else if (guard.length) out.push({ level: 'red', code: 'NO_FENCE', text: `${who} and the plan does not fence it: the split-brain guard (${steps(guard)}) will stop the runbook until ${site.name} takes no writes.` });
      else out.push({ level: 'red', code: 'SPLIT_BRAIN', text: `${who} and the plan neither fences nor guards it: promoting ${promoted.join(', ')} would risk two primaries.` });
    }
  }
  for (const site of overview?.sites ?? [])
    if (!site.reachable) out.push({ level: 'yellow', code: 'SITE_UNREACHABLE', text: `${site.name} is unreachable from this machine since ${formatClock(site.unreachableSince, now)}: its current state cannot be confirmed here.` });
  if (!overview) out.push({ level: 'yellow', code: 'NO_STATUS', text: 'This machine has no current status of the sites yet: the plan cannot be weighed against them.' });
  for (const w of plan?.warnings ?? []) out.push({ level: 'yellow', code: 'PLAN_WARNING', text: w });
  const once = plan?.steps.filter((s) => !s.idempotent) ?? [];
  if (once.length) out.push({ level: 'info', code: 'NOT_IDEMPOTENT', text: `${once.map((s) => `Step ${s.n} (${s.title})`).join('; ')}: not re-run after a crash without a person's confirmation.` });
  const manual = plan?.steps.filter((s) => s.kind === 'manual-confirmation') ?? [];
  if (manual.length) out.push({ level: 'info', code: 'MANUAL_STEP', text: `A person confirms by hand at ${steps(manual.map((s) => s.n))}.` });
  const left = Date.parse(req.expiresAt) - now;
  if (req.state === 'pending' && left > 0 && left < 15 * 60_000) out.push({ level: 'yellow', code: 'EXPIRES_SOON', text: `The request expires at ${formatClock(req.expiresAt, now)}: decide soon or ask for a new one.` });
  return out;
}
