import { writeFileSync } from 'node:fs';
import { DeskError } from '../../../shared/errors';
import type { AuditQuery, AuditVerifyReport } from '../../../shared/api/approvals';
import { DATA_DIR_HELP, emitExport, printJson, readInput, withApprovals } from '../approvals-session';
import { intOption } from '../args';
import { flags, strings, subcommand } from '../subcommand';

const HELP = `Usage: drdesk audit <verify|list|export|checkpoint|cosign|import-cosigned> [options]

The append-only audit log: every entry hash-chained to the one before and signed by the acting identity,
with signed checkpoints that approvers co-sign on their machines.
  verify [--full]         recompute the chain, checkpoints and signatures; names the first bad entry
                          (--full verifies every entry's signature, not only the last of each run)
  list                    entries, newest first (filters below)
  export [--out FILE]     entries as JSON lines, oldest first, with hashes, signatures and checkpoints
  checkpoint [--request ID] [--out FILE] [--drop DIR]
                          this log's signed head (after an execution: with its request), as a token for
                          the approvers to co-sign on their machines
  cosign FILE|TOKEN [--out FILE]
                          co-sign a colleague's checkpoint: refused when it goes back on a head this machine
                          co-signed before (their log lost entries or was restored); prints it co-signed
  import-cosigned FILE|TOKEN
                          keep a head of this log a colleague co-signed: verify checks the log against it
Filters: --actor FINGERPRINT --action PREFIX --subject S --since ISO --until ISO --break-glass --limit N
Options:
  --json                  machine-readable output
${DATA_DIR_HELP}
Exit code (verify): 0 intact, 2 tampered, 3 error.
`;

function verifyText(r: AuditVerifyReport): string {
  const head = `${r.entries} entries, ${r.checkpoints} checkpoints (${r.coSignedCheckpoints} co-signed by approvers), ${r.signaturesVerified} signatures checked (${r.mode} mode) in ${r.durationMs} ms`;
  if (r.ok) return `OK: the audit log ${r.logId} is intact: ${head}.\n  head ${r.head}\n`;
  const f = r.firstProblem;
  const lines = [`TAMPERED: the audit log ${r.logId} was altered — first at entry ${f?.seq} (${f?.kind}, ${f?.code}).`, `  ${f?.message}`, `  ${head}.`];
  if (r.problems.length > 1) lines.push(`  ${r.problems.length - 1} more problem(s):`, ...r.problems.slice(1, 20).map((p) => `    entry ${p.seq}: ${p.kind} (${p.code}) ${p.message}`));
  return `${lines.join('\n')}\n`;
}

const OPTIONS = { ...strings('actor', 'action', 'subject', 'since', 'until', 'limit', 'out', 'data-dir', 'request', 'drop'), ...flags('full', 'break-glass', 'json') };

export const run = subcommand({ name: 'audit', help: HELP, options: OPTIONS, subcommands: ['verify', 'list', 'export', 'checkpoint', 'cosign', 'import-cosigned'], maxOperands: 1 }, async ({ values, sub, operands }) => {
  const query: AuditQuery = {
    actor: values.actor,
    action: values.action,
    subject: values.subject,
    since: values.since,
    until: values.until,
    breakGlassOnly: values['break-glass'],
    limit: intOption(values.limit, 'limit', 1, 5000),
  };
  return withApprovals(values['data-dir'], async (a) => {
    switch (sub) {
      case 'verify': {
        const report = await a.verifyAudit(values.full ?? false);
        if (values.json) printJson(report);
        else process.stdout.write(verifyText(report));
        return report.ok ? 0 : 2;
      }
      case 'list': {
        const { entries, total } = await a.getAudit(query);
        if (values.json) printJson({ entries, total });
        else {
          for (const e of entries)
            process.stdout.write(`${String(e.seq).padStart(6)} ${e.time} ${(e.actorName ?? e.actor).padEnd(20)} ${e.action.padEnd(26)} ${e.subject}${e.breakGlass ? '  BREAK-GLASS' : ''}  ${JSON.stringify(e.details)}\n`);
          process.stderr.write(`${entries.length} of ${total} matching entries\n`);
        }
        return 0;
      }
      case 'export': {
        const exp = await a.exportAudit(query);
        if (values.out) {
          writeFileSync(values.out, exp.jsonl);
          process.stderr.write(`wrote ${exp.count} entries to ${values.out}\n`);
        } else process.stdout.write(exp.jsonl);
        return 0;
      }
      case 'checkpoint':
        emitExport(await a.exportCheckpoint(values.request ?? null, values.drop), values.out, values.json ?? false);
        return 0;
      case 'cosign': {
        const r = await a.witnessCheckpoint(readInput(operands[0], 'audit checkpoint'));
        process.stderr.write(`Co-signed ${r.operator}'s audit log ${r.logId} at entry ${r.count}. Send this back to them (drdesk audit import-cosigned):\n`);
        emitExport(r.export, values.out, values.json ?? false);
        return 0;
      }
      case 'import-cosigned': {
        const r = await a.importCosignedCheckpoint(readInput(operands[0], 'co-signed audit checkpoint'));
        if (values.json) printJson(r);
        else process.stdout.write(`Kept the head at entry ${r.count}, co-signed by ${r.witnesses.join(', ')}.${r.problem ? `\n${r.problem.code}: ${r.problem.message}` : ''}\n`);
        return r.problem ? 2 : 0;
      }
      default:
        throw new DeskError('USAGE', `Unknown audit command "${sub}": use verify, list, export, checkpoint, cosign or import-cosigned.`);
    }
  });
});
