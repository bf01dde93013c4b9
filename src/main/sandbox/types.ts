import type { TopologyInput } from '../../shared/topology';

/**
 * The public face of the sandbox: what the app, the CLI and every test use. The simulator behind it lives in
 * the other files of this folder.
 */
export interface SandboxOptions {
  /** Server version a site's members report, by site name (default 7.0.0), e.g. { DR: '6.0.14' } to rehearse a mismatch. */
  serverVersions?: Record<string, string>;
  /**
   * First port; members get consecutive ports from it and the control endpoint the next one. 0 (the
   * default for tests) = free ports chosen by the sandbox (below the OS ephemeral range, so a killed
   * member's port stays available for its revive).
   */
  basePort?: number;
  /** Heartbeats 200 ms, election timeout 1 s (same rules, faster clock). Default: the manual's 2 s / 10 s. */
  fast?: boolean;
  /** Start the write workload against the DC primary at this many ops/s (0 = not started). */
  workloadOpsPerSec?: number;
  /** Require SCRAM-SHA-256 with this user on every member. */
  auth?: { username: string; password: string };
  /** Capped oplog size per data-bearing member, in bytes (default 64 MiB). */
  oplogSizeBytes?: number;
  /** Port of the loopback control endpoint (0 = ephemeral, the default). */
  controlPort?: number;
  /** The workload writes each insert + incident update as one multi-document transaction. */
  workloadTransactions?: boolean;
  /**
   * Largest oplog entry a committed transaction is written as before it is split into partialTxn entries
   * (default 16 MiB, mongod's BSONObjMaxUserSize); tests lower it to produce the chain with small data.
   */
  transactionEntryMaxBytes?: number;
  /** The primary's idle no-op interval in ms (mongod's periodicNoopIntervalSecs, default 10 s; 0 = off). */
  periodicNoopIntervalMs?: number;
  /** Directory where the topology file is written (default: a new temp dir). */
  dir?: string;
}

export type FaultAction = 'kill' | 'revive' | 'partition' | 'heal' | 'lag' | 'slow' | 'freeze' | 'stepdown' | 'app';

export interface FaultRequest {
  action: FaultAction;
  /** A member name ("dc-1") or a site name ("DC"). */
  target: string;
  /** lag: replication delay in ms; slow: added response delay in ms; freeze/stepdown: seconds. */
  ms?: number;
  seconds?: number;
  /**
   * partition: the other side (member or site); without it the target is cut off from every other member
   * (a site from the other sites). "clients" cuts the target off from client connections only (it keeps
   * running and replicating: "alive but unreachable from the desk").
   */
  from?: string;
  /** app: start/stop the simulated application on a site. */
  running?: boolean;
}

export interface SandboxMemberInfo {
  name: string;
  host: string; // 127.0.0.1:PORT
  role: 'primary' | 'secondary' | 'arbiter';
}

export interface SandboxDescription {
  sites: Array<{ name: string; replicaSet: string; members: SandboxMemberInfo[]; appHealthUrl: string }>;
  topologyFile: string;
  control: string; // http://127.0.0.1:PORT
}

export interface MemberStateSnapshot {
  name: string;
  site: string;
  replicaSet: string;
  alive: boolean;
  stateStr: string;
  term: number;
  optime: { ts: string; t: number } | null;
  lagMs: number | null;
  /** 127.0.0.1:PORT */
  host?: string;
  /** Faults in force: injected replication delay and response delay. */
  lagInjectedMs?: number;
  slowMs?: number;
  /** ISO time until which the member will not stand for election (replSetFreeze / stepdown), or null. */
  frozenUntil?: string | null;
  oplogEntries?: number | null;
  /** Partitioned from client connections (refused) while still running. */
  clientsBlocked?: boolean;
  /** Rollbacks this member went through, and the oplog entries they undid. */
  rollbacks?: number;
  rolledBackOps?: number;
}

export interface WorkloadLedger {
  /** Writes the DC primary acknowledged (w:1 and w:"majority" counted separately). */
  acknowledged: number;
  acknowledgedMajority: number;
  failed: number;
  /** Wall time of the last acknowledged write, ISO. */
  lastAckAt: string | null;
  /** The ids of acknowledged writes (bounded by the run), so a drill can count what a target lacks. */
  ackedIds(): Array<{ id: string; at: number; majority: boolean }>;
}

export interface SandboxState {
  members: MemberStateSnapshot[];
  workload: { running: boolean; opsPerSec: number; acknowledged: number; acknowledgedMajority: number; failed: number; lastAckAt: string | null };
  /** Each site's simulated application: started, and healthy (running with a writable primary). */
  apps?: Array<{ site: string; running: boolean; healthy: boolean }>;
  /** Member pairs that cannot reach each other. */
  partitions?: Array<[string, string]>;
  /** Elections and step-downs since start, oldest first. */
  elections?: Array<{ type: 'elected' | 'steppedDown'; replicaSet: string; member: string; term: number; reason: string; at: string }>;
}

export interface Sandbox {
  readonly description: SandboxDescription;
  /** The same topology as the file, ready for topologySchema.parse. */
  readonly topology: TopologyInput;
  state(): SandboxState;
  fault(req: FaultRequest): Promise<{ ok: true; message: string }>;
  startWorkload(opsPerSec: number): void;
  stopWorkload(): Promise<void>;
  readonly ledger: WorkloadLedger;
  /** Stops every listener, timer and the workload; frees every port. */
  stop(): Promise<void>;
}
