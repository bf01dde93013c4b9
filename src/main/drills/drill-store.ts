import type Database from 'better-sqlite3';
import type { DrillReport, DrillRunSummary, DrillVerdict } from '../../shared/api/drill-report';
import { DeskError } from '../../shared/errors';

/** Drill runs and their reports in SQLite; the tester's verdict is added to the stored report later. */
export class DrillStore {
  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS drill_runs (
      id TEXT PRIMARY KEY, scenario TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, outcome TEXT NOT NULL,
      rto_seconds REAL, rpo_seconds REAL, rpo_writes INTEGER, report_json TEXT, error TEXT)`);
  }

  started(id: string, scenario: string, at: string): void {
    this.db.prepare("INSERT INTO drill_runs (id, scenario, started_at, outcome) VALUES (?, ?, ?, 'running')").run(id, scenario, at);
  }

  finished(r: DrillReport): void {
    this.db
      .prepare('UPDATE drill_runs SET finished_at = ?, outcome = ?, rto_seconds = ?, rpo_seconds = ?, rpo_writes = ?, report_json = ? WHERE id = ?')
      .run(r.finishedAt, r.outcome, r.measured.rtoSeconds, r.measured.rpoSeconds, r.measured.rpoWrites, JSON.stringify(r), r.id);
  }

  failed(id: string, at: string, error: string): void {
    this.db.prepare("UPDATE drill_runs SET finished_at = ?, outcome = 'error', error = ? WHERE id = ?").run(at, error, id);
  }

  /** A drill left "running" by an engine that stopped can never finish: it is shown as an error. */
  failOrphans(at: string, running: Set<string>): void {
    const rows = this.db.prepare("SELECT id FROM drill_runs WHERE outcome = 'running'").all() as Array<{ id: string }>;
    for (const r of rows) if (!running.has(r.id)) this.failed(r.id, at, 'The engine stopped during the drill: run it again.');
  }

  list(limit: number): DrillRunSummary[] {
    const rows = this.db.prepare('SELECT * FROM drill_runs ORDER BY started_at DESC LIMIT ?').all(limit) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      drillId: r.id as string,
      scenario: r.scenario as string,
      startedAt: r.started_at as string,
      finishedAt: (r.finished_at as string | null) ?? null,
      outcome: r.outcome as DrillRunSummary['outcome'],
      rtoSeconds: (r.rto_seconds as number | null) ?? null,
      rpoSeconds: (r.rpo_seconds as number | null) ?? null,
      rpoWrites: (r.rpo_writes as number | null) ?? null,
    }));
  }

  report(id: string): DrillReport {
    const r = this.db.prepare('SELECT report_json, outcome, error FROM drill_runs WHERE id = ?').get(id) as { report_json: string | null; outcome: string; error: string | null } | undefined;
    if (!r) throw new DeskError('DRILL_NOT_FOUND', `No drill ${id}: list the drill runs to find its id.`);
    if (!r.report_json)
      throw new DeskError(r.outcome === 'running' ? 'DRILL_RUNNING' : 'DRILL_NO_REPORT', r.outcome === 'running' ? `Drill ${id} is still running: its report is ready when it ends.` : `Drill ${id} produced no report: ${r.error ?? 'it could not run'}.`);
    return JSON.parse(r.report_json) as DrillReport;
  }

  setVerdict(id: string, verdict: DrillVerdict, notes: string, tester: string, at: string): DrillReport {
    const report = this.report(id);
    report.verdict = { verdict, notes, tester, at };
    this.db.prepare('UPDATE drill_runs SET report_json = ? WHERE id = ?').run(JSON.stringify(report), id);
    return report;
  }
}
