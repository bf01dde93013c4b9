import { readFileSync, writeFileSync } from 'node:fs';
import { DeskError } from '../../../shared/errors';
import { renderReportHtml } from '../../reports/html';
import { htmlToPdf } from '../../reports/pdf';
import type { SshLanding } from '../../drills/sandbox-backup';
import { runSandboxDrill } from '../../drills/sandbox-drill';
import { SCENARIOS, scenarioByName } from '../../drills/scenarios/index';
import { intOption } from '../args';
import { flags, strings, subcommand } from '../subcommand';

const HELP = `Usage:
  drdesk drill --list
  drdesk drill --sandbox --scenario NAME --out FILE.pdf [--html FILE.html] [--fast] [--ops N] [--tester NAME] [--json]
               [--ssh-landing USER@HOST:PORT:DIR --ssh-key FILE --ssh-host-key SHA256:…]

Runs a complete drill headless on a fresh sandbox: fault, request, two local test approvers (IT and
business), approved execution, RTO/RPO measurement, verified cleanup, and the report as a PDF.
  --fast       sandbox elections on a 10x faster clock (default: the manual's 10 s election timeout)
  --ops N      workload writes per second against the DC primary (default 50)
The scenarios that activate DR run the real backup pipeline (baseline, slices, sha256 verified at the
landing, chain links, versions, exactly-once apply, retention). The sandbox's sites are this machine, so
by default the slices land in a local directory of the drill ("local landing (sandbox): DIR").
  --ssh-landing, --ssh-key
               ship the slices over SSH to a real sshd instead (DR's in DIR, failback's in DIR/failback).
               The key file, or the password in DRDESK_LANDING_PASSWORD, is read once and kept in memory only.
  --ssh-host-key SHA256:…
               that sshd's host key fingerprint (ssh-keygen -lf on its host key): required, nothing is
               sent to an SSH host whose key was not confirmed
Exit code: 0 the drill passed, 2 it failed (targets, expectations or cleanup), 3 it could not run.
`;

const OPTIONS = { ...strings('scenario', 'out', 'html', 'ops', 'tester', 'ssh-landing', 'ssh-key', 'ssh-host-key'), ...flags('list', 'sandbox', 'fast', 'json') };

export const run = subcommand({ name: 'drill', help: HELP, options: OPTIONS }, async ({ values }) => {
  if (values.list) {
    if (values.json) process.stdout.write(`${JSON.stringify(SCENARIOS.map((s) => ({ ...s.info, needs: s.needs })), null, 2)}\n`);
    else for (const s of SCENARIOS) process.stdout.write(`${s.info.name.padEnd(20)} ${s.info.title}\n${' '.repeat(21)}${s.info.expectation}\n`);
    return 0;
  }
  if (!values.sandbox) throw new DeskError('USAGE', 'Drills run on the built-in sandbox: pass --sandbox (and --scenario NAME --out FILE.pdf), or --list.');
  if (!values.scenario) throw new DeskError('USAGE', `--scenario is required: one of ${SCENARIOS.map((s) => s.info.name).join(', ')}.`);
  if (!values.out && !values.html && !values.json) throw new DeskError('USAGE', '--out FILE.pdf is required (or --html FILE.html / --json).');
  const ops = intOption(values.ops, 'ops', 0, 5000);
  const landing = values['ssh-landing'] ? parseLanding(values['ssh-landing'], values['ssh-key'], values['ssh-host-key']) : undefined;
  scenarioByName(values.scenario);
  const started = Date.now();
  const report = await runSandboxDrill({
    scenario: values.scenario,
    fast: values.fast ?? false,
    workloadOpsPerSec: ops ?? 50,
    tester: values.tester,
    landing,
    onProgress: (p) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${p.phase.padEnd(9)} ${p.message}\n`),
  });
  const html = renderReportHtml(report);
  if (values.html) writeFileSync(values.html, html);
  if (values.out) {
    const t = Date.now();
    writeFileSync(values.out, await htmlToPdf(html, { title: `DR Desk drill ${report.id} — ${report.scenario.title}` }));
    process.stderr.write(`PDF written to ${values.out} in ${Date.now() - t} ms\n`);
  }
  const m = report.measured;
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else
    process.stdout.write(
      `${report.scenario.name}: ${report.outcome.toUpperCase()} — RTO ${m.rtoSeconds === null ? '—' : `${m.rtoSeconds.toFixed(1)} s`} (target ${report.targets.rtoSeconds} s), RPO ${m.rpoSeconds === null ? '—' : `${m.rpoSeconds.toFixed(1)} s`} / ${m.rpoWrites ?? '—'} writes (target ${report.targets.rpoSeconds} s), cleanup ${report.cleanup.ok ? 'verified' : 'FAILED'}${report.errors.length ? `\nerrors: ${report.errors.join('; ')}` : ''}\n`,
    );
  return report.outcome === 'passed' ? 0 : report.outcome === 'failed' ? 2 : 3;
});

function parseLanding(spec: string, keyFile: string | undefined, hostKey: string | undefined): SshLanding {
  const m = /^([^@\s]+)@([^:\s]+):(\d{1,5}):(\/.*)$/.exec(spec);
  if (!m) throw new DeskError('USAGE', `--ssh-landing must look like USER@HOST:PORT:/absolute/dir, got "${spec}".`);
  const password = process.env.DRDESK_LANDING_PASSWORD;
  if (!keyFile && !password) throw new DeskError('USAGE', '--ssh-landing needs --ssh-key FILE or the password in DRDESK_LANDING_PASSWORD.');
  if (!hostKey) throw new DeskError('USAGE', '--ssh-landing needs --ssh-host-key SHA256:… (the landing host\'s key fingerprint): DR Desk sends nothing to an SSH host whose key was not confirmed.');
  return { username: m[1], host: m[2], port: Number(m[3]), dir: m[4], hostKeySha256: hostKey, ...(keyFile ? { privateKey: readFileSync(keyFile, 'utf8') } : { password }) };
}
