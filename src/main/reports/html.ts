import type { DrillReport, ReportCheck } from '../../shared/api/drill-report';
import { renderChart } from './chart';
import { formatClock, formatDateTime, localizeTimes, zoneLabel } from '../../shared/time';
import { esc } from './escape';
import { REPORT_CSS } from './style';

// The app's one time format (local 24 h); a printed page has no hover, so the zone is named once, in section 1.
const dt = (iso: string | null) => esc(formatDateTime(iso));
const time = (iso: string | null, day: number) => esc(formatClock(iso, day));
/** The engine's sentences carry ISO UTC times: printed in the same local format as the rest. */
const text = (s: string) => esc(localizeTimes(s));
const secs = (v: number | null, digits = 1) => (v === null ? '—' : `${v.toFixed(digits)} s`);
const dur = (ms: number | null) => (ms === null ? '—' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

function badge(ok: boolean | null, yes = 'MET', no = 'MISSED'): string {
  if (ok === null) return '<span class="badge na">NOT MEASURED</span>';
  return ok ? `<span class="badge ok">${yes}</span>` : `<span class="badge bad">${no}</span>`;
}

function checks(list: ReportCheck[]): string {
  if (list.length === 0) return '<p class="muted">None.</p>';
  return `<table class="grid checks"><tbody>${list
    .map((c) => `<tr><td class="mark ${c.ok ? 'ok' : 'bad'}">${c.ok ? '✔ PASS' : '✘ FAIL'}</td><th>${esc(c.name)}</th><td>${text(c.detail)}</td></tr>`)
    .join('')}</tbody></table>`;
}

function kv(rows: Array<[string, string]>): string {
  return `<table class="kv"><tbody>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</tbody></table>`;
}

function header(r: DrillReport): string {
  const cls = r.outcome === 'passed' ? 'ok' : 'bad';
  return `<header class="top">
  <div><div class="brand">DR Desk · Drill report</div><h1>${esc(r.scenario.title)}</h1><div class="sub">${esc(r.operation)} · ${esc(r.topology.name)}</div></div>
  <div class="outcome ${cls}">${esc(r.outcome.toUpperCase())}<small>${dur(r.durationMs)}</small></div>
</header>`;
}

function summary(r: DrillReport): string {
  return `<section><h2>1. Drill</h2>${kv([
    ['Scenario', `<b>${esc(r.scenario.name)}</b> — ${esc(r.scenario.description)}`],
    ['Expected', esc(r.scenario.expectation)],
    ['Operation', esc(r.operation)],
    ['Plan', r.plan ? `${esc(r.plan.title)} (${r.plan.steps} steps)<br><code>${esc(r.plan.digest)}</code>` : 'No runbook: the scenario observes the automatic election.'],
    ['Initiator', esc(r.initiator)],
    ['Started / finished', `${dt(r.startedAt)} → ${dt(r.finishedAt)} (${dur(r.durationMs)})`],
    ['Times', `local, 24 h (${esc(zoneLabel(Date.parse(r.startedAt)))})`],
    ['Report', `${esc(r.id)}, generated ${dt(r.generatedAt)}`],
  ])}</section>`;
}

function measured(r: DrillReport): string {
  const m = r.measured;
  return `<section class="keep"><h2>2. Recovery objectives: targets and measured</h2>
<table class="grid objectives"><thead><tr><th></th><th>Target</th><th>Measured</th><th>Result</th><th>How it was measured</th></tr></thead><tbody>
<tr><th>RTO</th><td>${secs(r.targets.rtoSeconds, 0)}</td><td class="big">${secs(m.rtoSeconds)}</td><td>${badge(m.rtoMet)}</td><td>from ${esc(m.rtoFrom)} to ${esc(m.rtoTo)}</td></tr>
<tr><th>RPO</th><td>${secs(r.targets.rpoSeconds, 0)}</td><td class="big">${secs(m.rpoSeconds)}<br><small>${m.rpoWrites === null ? '—' : `${m.rpoWrites} write${m.rpoWrites === 1 ? '' : 's'} missing`}</small></td><td>${badge(m.rpoMet)}</td><td>${esc(m.rpoHow ?? `acknowledged DC writes (of ${m.acknowledgedWrites}) absent on the target, from the workload ledger`)}</td></tr>
</tbody></table>
<p><b>Data point recovered to:</b> ${dt(m.recoveredTo)} <span class="muted">(DC wall time of the newest acknowledged write present on the target)</span></p>
${r.expectations.length ? `<h3>Scenario expectations</h3>${checks(r.expectations)}` : ''}</section>`;
}

function approvals(r: DrillReport): string {
  const rows = r.approvals.length
    ? `<table class="grid"><thead><tr><th>Approver</th><th>Group</th><th>Key fingerprint</th><th>Comment</th><th>Time</th></tr></thead><tbody>${r.approvals
        .map((a) => `<tr><td>${esc(a.name)}</td><td>${esc(a.group)}</td><td><code class="fp">${esc(a.fingerprint)}</code></td><td>${esc(a.comment)}</td><td>${dt(a.at)}</td></tr>`)
        .join('')}</tbody></table>`
    : '<p class="muted">No approvals: this scenario runs no runbook.</p>';
  const policy = r.policy ? kv([['Policy', `${esc(r.policy.description)} — ${r.policy.satisfied ? 'satisfied' : '<b>not satisfied</b>'}`], ['Request expiry', dt(r.policy.expiresAt)]]) : '';
  const req = r.request ? kv([['Request', `<code>${esc(r.request.id)}</code> created ${dt(r.request.createdAt)}`], ['Reason', esc(r.request.reason)]]) : '';
  const bg = r.breakGlass ? `<div class="banner bad">BREAK-GLASS: ${esc(r.breakGlass.reason)} — signed by ${esc(r.breakGlass.approvers.join(', '))}</div>` : '';
  return `<section class="keep"><h2>3. Request and approvals</h2>${bg}${req}${rows}${policy}</section>`;
}

function chart(r: DrillReport): string {
  const legend = r.timeline.map((e, i) => `<li><b>${i + 1}.</b> t = ${e.t.toFixed(1)} s — ${esc(e.label)}</li>`).join('');
  return `<section class="keep"><h2>4. Lag and RPO over the drill</h2>${renderChart(r.chart, r.timeline, r.targets.rpoSeconds)}<ol class="events">${legend}</ol></section>`;
}

function steps(r: DrillReport): string {
  if (r.steps.length === 0) return '<section><h2>5. Steps</h2><p class="muted">No runbook steps: the scenario observes the automatic election.</p></section>';
  // Steps run on the drill's day: their times without the date (it is in section 1).
  const day = Date.parse(r.startedAt);
  const rows = r.steps
    .map(
      (s) =>
        `<tr class="st-${esc(s.status)}"><td class="n">${s.n}</td><td>${esc(s.title)}<div class="muted small">${esc(s.kind)} · ${esc(s.target)}</div></td><td class="status">${esc(s.status)}</td><td>${time(s.startedAt, day)}</td><td>${time(s.finishedAt, day)}</td><td class="num">${dur(s.durationMs)}</td><td class="err">${text(s.error ?? '')}</td></tr>`,
    )
    .join('');
  const notRun = r.notRun.length ? `<h3>Steps that did not run</h3><ul>${r.notRun.map((s) => `<li>${s.n}. ${esc(s.title)}</li>`).join('')}</ul>` : '<p class="muted">Every step ran.</p>';
  return `<section><h2>5. Steps</h2><table class="grid steps"><thead><tr><th>#</th><th>Step</th><th>Status</th><th>Start</th><th>Finish</th><th>Time</th><th>Error</th></tr></thead><tbody>${rows}</tbody></table>${notRun}</section>`;
}

function problems(r: DrillReport): string {
  const list = (items: string[], cls: string) => (items.length ? `<ul class="${cls}">${items.map((w) => `<li>${text(w)}</li>`).join('')}</ul>` : '<p class="muted">None.</p>');
  return `<section class="keep"><h2>6. Warnings and errors</h2><h3>Errors</h3>${list(r.errors, 'errors')}<h3>Warnings</h3>${list(r.warnings, 'warnings')}</section>`;
}

function cleanup(r: DrillReport): string {
  return `<section class="keep"><h2>7. Cleanup ${badge(r.cleanup.ok, 'VERIFIED', 'FAILED')}</h2>${checks(r.cleanup.checks)}</section>`;
}

function verdict(r: DrillReport): string {
  const v = r.verdict;
  const pending = v.verdict === 'pending';
  return `<section class="keep"><h2>8. Tester's verdict</h2>${kv([
    ['Verdict', pending ? '<span class="blank">☐ pass &nbsp; ☐ pass with findings &nbsp; ☐ fail</span>' : `<b>${esc(v.verdict.toUpperCase())}</b>`],
    ['Tester', pending && !v.tester ? '<span class="line"></span>' : esc(v.tester)],
    ['Notes', pending && !v.notes ? '<span class="line"></span><br><span class="line"></span>' : esc(v.notes).replace(/\n/g, '<br>')],
    ['Date / signature', v.at ? dt(v.at) : '<span class="line"></span>'],
  ])}</section>`;
}

function audit(r: DrillReport): string {
  const c = r.audit.checkpoint;
  const body = c
    ? kv([
        ['Entries covered', `${c.entries}${r.audit.firstSeq !== null ? ` (this drill: entries ${r.audit.firstSeq}–${r.audit.lastSeq})` : ''}`],
        ['Head hash', `<code class="wrap">${esc(c.headHash)}</code>`],
        ['Signed by', `${esc(c.signedBy)} <code class="fp">${esc(c.fingerprint)}</code>`],
        ['Signature', `<code class="wrap">${esc(c.signature)}</code>`],
        ['Time', dt(c.at)],
        ...(c.token ? ([['For the approvers', `<code class="wrap">${esc(c.token)}</code><br>Each approver imports this on the Audit page (co-sign a colleague's head) or with <code>drdesk audit cosign</code>, and sends back what it prints: the head then stands on their machines too.`]] as Array<[string, string]>) : []),
      ])
    : '<p class="bad-text">No signed checkpoint covers this drill.</p>';
  return `<section class="keep"><h2>9. Signed audit checkpoint</h2>${body}<p class="muted">${esc(r.audit.note)}</p></section>`;
}

function topology(r: DrillReport): string {
  const sites = r.topology.sites
    .map(
      (s) =>
        `<div class="site"><h3>${esc(s.name)} <small>(${esc(s.role)})</small></h3>${s.replicaSets
          .map((rs) => `<div><b>${esc(rs.name)}</b><ul class="members">${rs.members.map((m) => `<li>${esc(m.name)} — ${esc(m.address)} <i>${esc(m.role)}</i></li>`).join('')}</ul></div>`)
          .join('')}<div class="muted small">${s.appHealthUrls.map(esc).join(' · ') || 'no application health URLs'}</div></div>`,
    )
    .join('');
  return `<section class="keep"><h2>10. Topology</h2><div class="sites">${sites}</div></section>`;
}

/** The whole report as one self-contained HTML document (inline CSS and SVG, system fonts, print layout). */
export function renderReportHtml(r: DrillReport): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(`Drill report — ${r.scenario.title}`)}</title><style>${REPORT_CSS}</style></head><body>
${header(r)}${summary(r)}${measured(r)}${approvals(r)}${chart(r)}${steps(r)}${problems(r)}${cleanup(r)}${verdict(r)}${audit(r)}${topology(r)}
</body></html>`;
}
