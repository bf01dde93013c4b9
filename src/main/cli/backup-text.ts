import type { BackupProgress, BackupStatus, CycleRecord, VerifyReport } from '../../shared/api/backup';

/** Plain-text views for the CLI: what an operator reads in a terminal or a cron mail. */
const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const kib = (n: number): string => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`);
const time = (iso: string | null): string => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-');

export function renderCycle(c: CycleRecord): string {
  const outcome = c.state === 'ok' ? 'ok' : c.state === 'running' ? 'running' : `FAILED ${c.error?.code ?? ''}`;
  return `#${c.id} ${c.kind} (${c.trigger}) ${time(c.startedAt)} → ${time(c.finishedAt)}: ${outcome} — captured ${c.captured}, shipped ${c.shipped} (${kib(c.bytes)} sent), applied ${c.applied}${c.error ? `\n      ${c.error.message}` : ''}`;
}

export function renderStatus(s: BackupStatus): string {
  const rpo = s.rpo.seconds === null ? 'unknown' : `${Math.round(s.rpo.seconds)} s`;
  const lines = [
    `Backup ${s.from}→${s.to}: ${s.level.toUpperCase()} — RPO ${rpo} (target ${s.rpo.targetSeconds} s), DR complete up to ${time(s.rpo.coveredUntil)}`,
    `Schedule: ${s.schedule.enabled ? `every ${s.schedule.intervalMinutes} min (${s.schedule.source})` : 'paused'}, deadline ${s.schedule.deadlineSeconds} s, keep ${s.schedule.keep}${s.schedule.nextRunAt ? `, next ${time(s.schedule.nextRunAt)}` : ''}`,
  ];
  if (s.landing?.kind === 'local') lines.push(`Landing: ${s.landing.label}`);
  else if (s.landing)
    lines.push(`Landing: ${s.landing.label} — host key ${s.landing.fingerprint ? `${s.landing.fingerprint} (pinned ${time(s.landing.pinnedAt)})` : 'not pinned yet (pinned on first connection)'}`);
  if (s.chain) {
    const c = s.chain;
    lines.push('', `Chain ${c.chainId}: ${c.state}${c.broken ? ` — ${c.broken.message}` : ''}; applied #${c.appliedSeq ?? '-'} (${c.appliedTs ?? '-'}), captured to ${c.capturedTs ?? '-'}`);
    lines.push(`  ${pad('SEQ', 5)} ${pad('KIND', 9)} ${pad('STATE', 9)} ${pad('ENTRIES', 8)} ${pad('SIZE', 10)} ${pad('CREATED', 21)} PROBLEM`);
    for (const sl of c.slices)
      lines.push(
        `  ${pad(String(sl.seq), 5)} ${pad(sl.kind, 9)} ${pad(sl.state + (sl.blocked ? '*' : ''), 9)} ${pad(String(sl.count), 8)} ${pad(kib(sl.bytes), 10)} ${pad(time(sl.createdAt), 21)} ${sl.problem ? `${sl.problem.code}: ${sl.problem.message}` : ''}`,
      );
    if (c.slices.some((sl) => sl.blocked)) lines.push('  * blocked: not applied because an earlier slice is missing or failed');
  } else lines.push('', 'No chain yet: start a baseline (drdesk backup run --baseline).');
  if (s.running) lines.push('', `Running: ${renderProgress(s.running)}`);
  if (s.recentCycles.length) lines.push('', 'Recent cycles:', ...s.recentCycles.slice(0, 5).map((c) => `  ${renderCycle(c)}`));
  if (s.reasons.length) lines.push('', 'Reasons:', ...s.reasons.map((r) => `  ${pad(r.level.toUpperCase(), 6)} ${pad(r.code, 20)} ${r.message}`));
  return `${lines.join('\n')}\n`;
}

export function renderProgress(p: BackupProgress): string {
  const parts = [`[${p.kind} #${p.cycleId}] ${p.phase}: ${p.message}`];
  if (p.collections) parts.push(`collections ${p.collections.done}/${p.collections.total}`);
  if (p.documents) parts.push(`documents ${p.documents.done}${p.documents.total !== null ? `/${p.documents.total}` : ''}`);
  if (p.bytes) parts.push(`${kib(p.bytes.done)}${p.bytes.total !== null ? `/${kib(p.bytes.total)}` : ''}`);
  if (p.etaSeconds !== null) parts.push(`ETA ${p.etaSeconds} s`);
  return parts.join(' · ');
}

export function renderVerify(r: VerifyReport): string {
  if (!r.chainId) return 'Nothing to verify: no chain yet.\n';
  const bad = r.findings.filter((f) => !f.ok);
  const lines = [`Chain ${r.chainId}: ${r.ok ? 'OK' : 'PROBLEMS'} — ${r.slices} slices, ${r.findings.length} checks, ${bad.length} failed`];
  for (const f of r.findings) lines.push(`  ${f.ok ? 'ok  ' : 'FAIL'} #${pad(String(f.seq), 4)} ${pad(f.check, 16)} ${f.message}`);
  return `${lines.join('\n')}\n`;
}

/** What the replica sets say (the same for every workstation): the lease, DR's chain document, the ledgers. */
export function renderControl(
  c: {
    lease: { sentence: string };
    chain: { chainId: string; appliedSeq: number | null; appliedTs: string | null; updatedAt: string; by: string; term: number } | null;
    adopted: boolean;
    executions: Array<{ site: string; requestId: string; executionId: string; by: string; workstation: string; startedAt: string; outcome: string | null }>;
    unanswered?: Array<{ site: string; why: string }>;
  },
  to: string,
): string {
  const lines = [`Lease: ${c.lease.sentence}`];
  lines.push(
    c.chain
      ? `${to}'s chain document: chain ${c.chain.chainId}, applied up to slice #${c.chain.appliedSeq ?? '-'} (${c.chain.appliedTs ?? 'nothing yet'}), written by ${c.chain.by} at ${time(c.chain.updatedAt)} (term ${c.chain.term})${c.adopted ? ' — this data directory had no chain: its cache now starts at that head' : ''}`
      : `${to}'s chain document: none (no chain has been applied under the lease yet, or ${to} cannot be read)`,
  );
  if (c.executions.length) {
    lines.push('Executions (execution ledgers on the replica sets):');
    for (const e of c.executions) lines.push(`  ${time(e.startedAt)}  ${e.requestId}  ${e.executionId}  by ${e.by} (${e.workstation})  ${e.outcome ?? 'started'}  [${e.site}]`);
  }
  for (const u of c.unanswered ?? []) lines.push(`Execution ledger of ${u.site} did not answer (${u.why}): the executions above are what the other ledgers record.`);
  return `${lines.join('\n')}\n`;
}
