import type { DrillProgress, ExecutionView } from '../../shared/api/runbooks';
import type { DrillReport, DrillScenarioInfo } from '../../shared/api/drill-report';
import type { Topology } from '../../shared/topology';
import type { Executor } from '../runbooks/executor';
import type { BackupPort } from '../runbooks/steps/backup-handlers';
import type { MongoAccess } from '../runbooks/steps/mongo-access';
import type { AuditSink } from '../runbooks/ports';
import type { Plan } from '../runbooks/runbook';
import type { RunbookSettingsInput } from '../runbooks/settings';
import type { MemberAddress } from '../runbooks/runbook';
import type { Sandbox, WorkloadLedger } from '../sandbox/types';
import type { DrillApprovalResult } from '../reports/approval-report';
import type { ScenarioResult } from '../reports/model';
import type { DataTracker } from './data-tracker';

/** Creates a request carrying the plan and gets it approved (by the local test identities on the sandbox). */
export interface DrillApprovals {
  approve(input: { target: string; reason: string; plan: Plan }): Promise<DrillApprovalResult>;
}

export interface DrillAudit {
  sink: AuditSink;
  /** Number of entries in the log now. */
  count(): number;
  /** A signed checkpoint of the log as it is now. */
  checkpoint(): Promise<NonNullable<DrillReport['audit']['checkpoint']>>;
}

/** The backup pipeline as a drill drives it: the runbook port plus the fault a drill injects into it. */
export interface DrillBackup extends BackupPort {
  /** Flips one byte of the newest slice shipped from `from` to `to`; returns which file. */
  corruptLatest(from: string, to: string): Promise<string>;
}

export interface DrillEnv {
  sandbox: Sandbox;
  topology: Topology;
  mongo: MongoAccess;
  executor: Executor;
  backup: DrillBackup | null;
  approvals: DrillApprovals | null;
  audit: DrillAudit;
  initiator: string;
  /** Runbook settings for the sandbox (its applications, a local traffic hook). */
  settings: RunbookSettingsInput;
  onProgress?: (p: DrillProgress) => void;
}

export interface ScenarioContext {
  env: DrillEnv;
  drillId: string;
  startedAt: number;
  tracker: DataTracker;
  /** Measures RPO from here on against another ledger and replica set (failback: DR's writes on DC). */
  retrack(ledger: WorkloadLedger, members: MemberAddress[]): void;
  mark(label: string): number;
  phase(phase: DrillProgress['phase'], message: string): void;
  expect(name: string, ok: boolean, detail: string): void;
  warn(message: string): void;
  /** Requests and approves the plan, runs it to its end, and returns the execution. */
  requestAndRun(plan: Plan, reason: string): Promise<{ execution: ExecutionView; approval: DrillApprovalResult; requestedAt: number }>;
}

export interface Scenario {
  info: DrillScenarioInfo;
  /** What the scenario needs beyond the sandbox, so `drill --list` and the UI can say what is missing. */
  needs: Array<'backup' | 'approvals'>;
  /** The replica set whose data the RPO is measured on. */
  targetSite(topology: Topology): string;
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
}
