/** Print-first styles: A4, system fonts, black on white, tables that break between rows, never inside. */
export const REPORT_CSS = `
@page { size: A4; margin: 14mm 13mm 16mm 13mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt; line-height: 1.38; color: #111; margin: 0; }
h1 { font-size: 17pt; margin: 2px 0 2px; }
h2 { font-size: 12pt; margin: 16px 0 6px; padding-bottom: 3px; border-bottom: 1.5px solid #1f2937; break-after: avoid; }
h3 { font-size: 10.5pt; margin: 10px 0 4px; break-after: avoid; }
section.keep { break-inside: avoid; }
code { font-family: "DejaVu Sans Mono", "Liberation Mono", Consolas, monospace; font-size: 8.6pt; }
code.wrap, code.fp { word-break: break-all; }
.top { display: flex; justify-content: space-between; align-items: flex-start; border-bottom: 3px solid #111; padding-bottom: 8px; }
.brand { font-size: 9pt; letter-spacing: .08em; text-transform: uppercase; color: #374151; }
.sub { color: #374151; }
.outcome { font-size: 18pt; font-weight: 700; padding: 6px 14px; border-radius: 6px; text-align: center; border: 2px solid; }
.outcome small { display: block; font-size: 9pt; font-weight: 400; }
.outcome.ok { color: #05603a; border-color: #05603a; background: #ecfdf3; }
.outcome.bad { color: #912018; border-color: #912018; background: #fef3f2; }
table { border-collapse: collapse; width: 100%; }
tr { break-inside: avoid; }
thead { display: table-header-group; }
table.kv th { text-align: left; vertical-align: top; width: 28%; padding: 3px 8px 3px 0; color: #1f2937; font-weight: 600; }
table.kv td { padding: 3px 0; vertical-align: top; }
table.grid th, table.grid td { border: 1px solid #9ca3af; padding: 3px 5px; vertical-align: top; text-align: left; }
table.grid thead th { background: #e5e7eb; font-size: 9pt; }
table.objectives td.big { font-size: 13pt; font-weight: 700; }
table.steps { font-size: 8.8pt; }
table.steps td.n, table.steps td.num { text-align: right; white-space: nowrap; }
table.steps td.status { font-weight: 600; white-space: nowrap; }
table.steps td.err { color: #912018; max-width: 180px; word-break: break-word; }
tr.st-failed td.status, tr.st-timed-out td.status, tr.st-interrupted td.status, tr.st-cancelled td.status { color: #912018; }
tr.st-succeeded td.status { color: #05603a; }
tr.st-pending td { color: #4b5563; }
.badge { display: inline-block; font-size: 8.5pt; font-weight: 700; padding: 1px 6px; border-radius: 4px; border: 1.5px solid; }
.badge.ok { color: #05603a; border-color: #05603a; }
.badge.bad { color: #912018; border-color: #912018; }
.badge.na { color: #4b5563; border-color: #6b7280; }
table.checks td.mark { width: 62px; font-weight: 700; white-space: nowrap; }
table.checks td.mark.ok { color: #05603a; }
table.checks td.mark.bad { color: #912018; }
table.checks th { width: 34%; font-weight: 600; }
.banner { padding: 6px 10px; border: 2px solid; border-radius: 4px; font-weight: 700; margin: 6px 0; }
.banner.bad { color: #912018; border-color: #912018; background: #fef3f2; }
.bad-text { color: #912018; font-weight: 700; }
.muted { color: #4b5563; }
.small { font-size: 8.5pt; }
ul.errors li { color: #912018; }
ol.events { font-size: 8.8pt; columns: 2; margin: 4px 0 0; padding-left: 18px; list-style: none; }
.sites { display: flex; gap: 12px; }
.site { flex: 1; border: 1px solid #9ca3af; border-radius: 4px; padding: 6px 8px; }
.site h3 { margin-top: 0; }
ul.members { margin: 2px 0 4px; padding-left: 16px; }
.blank { font-size: 11pt; }
.line { display: inline-block; width: 88%; border-bottom: 1px solid #111; height: 18px; }
svg { display: block; margin: 4px 0; }
@media screen { body { max-width: 900px; margin: 24px auto; padding: 0 16px; } }
`;
