import type Database from 'better-sqlite3';
import type { DrillReport, DrillRunSummary, DrillScenarioInfo, DrillVerdict } from '../../shared/api/drill-report';
import type { DrillProgress, ReportFile } from '../../shared/api/runbooks';
import { newDrillId } from './drill-runner';
import { DrillStore } from './drill-store';
import { renderReportHtml } from '../reports/html';
import { htmlToPdf } from '../reports/pdf';
import { runSandboxDrill, type SandboxDrillOptions } from './sandbox-drill';
import { scenarioByName, scenarioInfos } from './scenarios/index';

/**
 * Drills as the app runs them: each on a fresh sandbox of its own (slices land in a local directory, or on
 * runbooks.json's drillLanding SSH host when one is set), reports kept in SQLite, exported on demand.
 */
export class DrillService {
  private readonly store: DrillStore;
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly d: { db: Database.Database; onProgress: (p: DrillProgress) => void; landing?: () => Promise<SandboxDrillOptions['landing'] | null>; fast?: boolean }) {
    this.store = new DrillStore(d.db);
    this.store.failOrphans(new Date().toISOString(), new Set());
  }

  scenarios(): DrillScenarioInfo[] {
    return scenarioInfos();
  }

  async start(scenario: string, tester?: string): Promise<{ drillId: string }> {
    scenarioByName(scenario);
    const landing = (await this.d.landing?.()) ?? undefined;
    const drillId = newDrillId();
    this.store.started(drillId, scenario, new Date().toISOString());
    const job = runSandboxDrill({ scenario, drillId, tester, fast: this.d.fast, landing, onProgress: this.d.onProgress })
      .then((report) => this.store.finished(report))
      .catch((err: Error & { code?: string }) => {
        const message = `${err.code ?? 'DRILL_FAILED'}: ${err.message}`;
        this.store.failed(drillId, new Date().toISOString(), message);
        this.d.onProgress({ drillId, scenario, phase: 'failed', message, at: new Date().toISOString() });
      })
      .finally(() => this.running.delete(drillId));
    this.running.set(drillId, job);
    return { drillId };
  }

  /** Resolves when the drill has ended (tests and the CLI wait on it). */
  async settled(drillId: string): Promise<void> {
    await this.running.get(drillId);
  }

  runs(limit = 50): DrillRunSummary[] {
    return this.store.list(limit);
  }

  report(drillId: string): DrillReport {
    return this.store.report(drillId);
  }

  setVerdict(drillId: string, verdict: DrillVerdict, notes: string, tester: string): DrillReport {
    return this.store.setVerdict(drillId, verdict, notes, tester, new Date().toISOString());
  }

  async export(drillId: string, format: 'pdf' | 'html'): Promise<ReportFile> {
    const report = this.store.report(drillId);
    const html = renderReportHtml(report);
    const base = `drdesk-${report.scenario.name}-${drillId}`;
    if (format === 'html') return { fileName: `${base}.html`, mime: 'text/html', base64: Buffer.from(html).toString('base64') };
    const pdf = await htmlToPdf(html, { title: `DR Desk drill ${drillId} — ${report.scenario.title}` });
    return { fileName: `${base}.pdf`, mime: 'application/pdf', base64: pdf.toString('base64') };
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
  }
}
