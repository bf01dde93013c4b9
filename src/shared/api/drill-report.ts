import type { RunbookId } from './runbook-plan';

/** The drill report model: one object from which the in-app page, the HTML and the PDF are all rendered. */

export type DrillVerdict = 'pending' | 'pass' | 'pass-with-findings' | 'fail';
export type DrillOutcome = 'passed' | 'failed' | 'error';

export interface DrillScenarioInfo {
  name: string;
  title: string;
  description: string;
  /** The runbook the drill executes, or null when the scenario only observes (automatic election). */
  runbook: RunbookId | null;
  /** What must happen for the drill to pass, in one sentence. */
  expectation: string;
}

export interface DrillRunSummary {
  drillId: string;
  scenario: string;
  startedAt: string;
  finishedAt: string | null;
  outcome: DrillOutcome | 'running';
  rtoSeconds: number | null;
  rpoSeconds: number | null;
  rpoWrites: number | null;
}

export interface ReportApproval {
  name: string;
  group: string;
  fingerprint: string;
  comment: string;
  at: string;
}

export interface ReportStep {
  n: number;
  title: string;
  kind: string;
  target: string;
  status: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  error: string | null;
}

export interface ReportCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ChartPoint {
  /** Seconds since the drill started. */
  t: number;
  /** Replication lag of the target's data, seconds (null where unknown). */
  lagSeconds: number | null;
  /** Acknowledged DC writes the target lacks at that moment. */
  missingWrites: number | null;
}

export interface DrillReport {
  id: string;
  generatedAt: string;
  scenario: DrillScenarioInfo;
  operation: string;
  initiator: string;
  topology: {
    name: string;
    sites: Array<{ name: string; role: string; replicaSets: Array<{ name: string; members: Array<{ name: string; address: string; role: string }> }>; appHealthUrls: string[] }>;
  };
  plan: { runbook: RunbookId; title: string; digest: string; steps: number } | null;
  request: { id: string; reason: string; createdAt: string; expiresAt: string } | null;
  approvals: ReportApproval[];
  policy: { description: string; satisfied: boolean; expiresAt: string | null } | null;
  breakGlass: { reason: string; approvers: string[] } | null;
  outcome: DrillOutcome;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  targets: { rtoSeconds: number; rpoSeconds: number };
  measured: {
    rtoSeconds: number | null;
    rtoFrom: string;
    rtoTo: string;
    rpoSeconds: number | null;
    rpoWrites: number | null;
    acknowledgedWrites: number;
    /** The data point the target holds: the DC wall time of the newest acknowledged write present there. */
    recoveredTo: string | null;
    rtoMet: boolean | null;
    /** Met only when both hold: the time (newest acknowledged − newest present ≤ target) and the count (no missing write older than the target window). */
    rpoMet: boolean | null;
    /** Missing writes acknowledged more than the target before the newest acknowledged write (the count check); null when not measured. */
    rpoMissingBeyondTarget?: number | null;
    /** How the RPO's time and count were measured, in words. */
    rpoHow?: string;
  };
  expectations: ReportCheck[];
  steps: ReportStep[];
  notRun: Array<{ n: number; title: string }>;
  timeline: Array<{ t: number; label: string }>;
  warnings: string[];
  errors: string[];
  chart: ChartPoint[];
  cleanup: { ok: boolean; checks: ReportCheck[] };
  verdict: { verdict: DrillVerdict; tester: string; notes: string; at: string | null };
  audit: {
    checkpoint: {
      entries: number;
      headHash: string;
      signedBy: string;
      fingerprint: string;
      signature: string;
      at: string;
      /** An execution's report: the checkpoint as a token the approvers co-sign (Audit page, or drdesk audit cosign). */
      token?: string;
    } | null;
    firstSeq: number | null;
    lastSeq: number | null;
    note: string;
  };
}
