import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DeskError } from '../../shared/errors';
import type { ExportedItem, RequestDetail, RosterView } from '../../shared/api/approvals';
import { defaultDataDir } from '../config/data-dir';
import type { SecretStore } from '../store/secret-store';
import type { DeskApprovals } from '../approvals/desk-approvals';
import { APPROVALS } from '../approvals/feature';
import { openDesk } from '../desk-open';

/** What the identity/roster/request/approve/audit commands share: opening a data directory, I/O, text. */

export const DATA_DIR_HELP = '  --data-dir DIR        this workstation\'s data (default: $DRDESK_DATA_DIR or the per-user config dir)';

export async function withApprovals<T>(dataDir: string | undefined, fn: (a: DeskApprovals) => Promise<T>, secrets?: SecretStore): Promise<T> {
  // The Desk's own approvals engine, opened for this command: no topology, nothing polled or scheduled.
  const desk = await openDesk({ dataDir: dataDir ?? defaultDataDir(), secretStore: secrets, topology: { need: 'none' } });
  try {
    const approvals = desk.services.get(APPROVALS);
    // Every start compares the log with the keychain's high-water mark; a command that only reads still
    // runs (to let an operator investigate), but says so first. Execution refuses on its own.
    await approvals.checkAnchors().catch((err: unknown) => {
      if (!(err instanceof DeskError)) throw err;
      process.stderr.write(`warning: ${err.code}: ${err.message}\n`);
    });
    return await fn(approvals);
  } finally {
    await desk.close();
  }
}

/** A token, "-" (read stdin), or a file holding a token or an exported JSON file. */
export function readInput(arg: string | undefined, what: string): string {
  if (!arg) throw new DeskError('USAGE', `Give the ${what}: a token (drdesk1.…), a file exported by DR Desk, or "-" to read it from stdin.`);
  if (arg === '-') return readFileSync(0, 'utf8');
  if (arg.startsWith('drdesk1.') || arg.startsWith('drdesk-enroll1.')) return arg;
  if (!existsSync(arg)) throw new DeskError('USAGE', `"${arg.length > 60 ? `${arg.slice(0, 60)}…` : arg}" is neither a DR Desk token nor a file: check the path, or paste the whole token.`);
  return readFileSync(arg, 'utf8');
}

/** Prints an export: the token on stdout, the file where asked. */
export function emitExport(item: ExportedItem, out: string | undefined, json: boolean): void {
  if (out) {
    writeFileSync(out, item.file);
    process.stderr.write(`wrote ${out}\n`);
  }
  process.stdout.write(json ? `${JSON.stringify(item, null, 2)}\n` : `${item.token}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function planLines(plan: unknown): string[] {
  const steps = Array.isArray(plan) ? plan : plan && typeof plan === 'object' && Array.isArray((plan as { steps?: unknown }).steps) ? (plan as { steps: unknown[] }).steps : null;
  if (!steps) return [`    ${JSON.stringify(plan)}`];
  return steps.map((s, i) => {
    const step = (s && typeof s === 'object' ? s : {}) as { n?: number; kind?: string; title?: string; command?: string };
    const head = `    ${step.n ?? i + 1}. ${step.kind ? `[${step.kind}] ` : ''}${step.title ?? JSON.stringify(s)}`;
    return step.command ? `${head}\n         ${step.command}` : head;
  });
}

function who(p: { name: string | null; fingerprint: string; group: string | null }): string {
  return `${p.name ?? '(not in roster)'}${p.group ? ` [${p.group}]` : ''} ${p.fingerprint}`;
}

export function requestText(d: RequestDetail): string {
  const v = d.verification;
  const lines = [
    `Request ${d.id}${d.breakGlass ? '   *** BREAK-GLASS ***' : ''}`,
    `  action      ${d.action}`,
    `  target      ${d.target}`,
    `  requester   ${who(d.requester)}`,
    `  reason      ${d.reason}`,
    `  created     ${d.createdAt}`,
    `  expires     ${d.expiresAt}`,
    `  status seen ${d.statusDigest}`,
    `  plan        ${d.planDigest}`,
    ...planLines(d.plan),
    `  state       ${d.state}${d.unlocked ? ' (unlocked)' : ''}`,
    `  ${v.summary}`,
    '  requirements:',
    ...v.requirements.map((r) => `    [${r.met ? 'x' : ' '}] ${r.label}${r.approvers.length ? `: ${r.approvers.map((a) => a.name ?? a.fingerprint).join(', ')}` : ''}`),
  ];
  if (d.decisionsList.length) {
    lines.push('  decisions:');
    for (const x of d.decisionsList)
      lines.push(`    ${x.decision === 'approve' ? 'approved' : 'denied  '} ${x.createdAt} by ${who(x.approver)}${x.counted ? '' : ` — not counted: ${x.refusal?.code}`}\n      "${x.comment}"`);
  }
  const problems = v.refusals.filter((r) => r.code !== 'REQUEST_DENIED' && r.code !== 'REQUEST_EXPIRED');
  if (problems.length) lines.push('  refusals:', ...problems.map((r) => `    ${r.code}: ${r.message}`));
  return `${lines.join('\n')}\n`;
}

export function rosterText(r: RosterView): string {
  const lines = [`Roster version ${r.version} (${r.digest.slice(0, 23)}…), signed by ${r.signedBy.name} ${r.signedBy.fingerprint} at ${r.createdAt}`];
  const owner = (p: RosterView['people'][number]) => (p.person && p.person !== p.fingerprint ? ` (a key of ${r.people.find((q) => q.fingerprint === p.person)?.name ?? p.person})` : '');
  for (const p of r.people) lines.push(`  ${p.name.padEnd(28)} ${p.roles.join(',').padEnd(24)} ${(p.group ?? '-').padEnd(10)} ${p.fingerprint}${owner(p)}`);
  lines.push(
    r.adminThreshold === null
      ? 'Roster changes: one admin signs any change (a roster from before the two-admin rule; set it with drdesk roster admin-threshold 2).'
      : `Roster changes: ${r.adminThreshold} admin${r.adminThreshold === 1 ? '' : 's'} (distinct persons) sign a change that adds a key or approver, gives a role, removes an admin or weakens a policy.`,
  );
  lines.push('Policy:');
  for (const [action, p] of Object.entries(r.policy))
    lines.push(`  ${action.padEnd(14)} ${p.requirements.map((q) => `${q.count} from ${q.group ?? 'any group'}`).join(' AND ')}; expires within ${p.maxExpiryMinutes} min; reason ≥ ${p.minReasonLength} chars`);
  return `${lines.join('\n')}\n`;
}
