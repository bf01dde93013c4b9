import type { AlertRecord, HistoryQuery, Overview, SecretInfo, Series } from '../monitor';
import type { Topology } from '../topology';

/** Monitoring, topology and credentials: the read side of DR Desk. */
export interface MonitorMethods {
  getOverview: { in: void; out: Overview };
  getHistory: { in: HistoryQuery; out: Series[] };
  getAlerts: { in: { limit?: number } | void; out: AlertRecord[] };
  getTopology: { in: void; out: { source: string; sandbox: boolean; topology: Topology } };
  listSecrets: { in: void; out: SecretInfo[] };
  /** The value goes one way: the engine stores it in the keychain and never returns it. */
  setSecret: { in: { name: string; kind: SecretInfo['kind']; value: string }; out: SecretInfo };
  deleteSecret: { in: { name: string }; out: { deleted: boolean } };
  /** The sandbox Desk started (its control URL and members as the sandbox sees them), or null when Desk watches real sites. */
  getSandboxControl: { in: void; out: SandboxControlView | null };
  /** One fault on the sandbox (kill / revive / partition / heal / lag / app), as its control endpoint would take it. */
  injectFault: { in: FaultInput; out: { ok: true; message: string } };
}

export type FaultInput =
  | { action: 'kill' | 'revive' | 'heal'; target: string }
  | { action: 'partition'; target: string; from?: string }
  | { action: 'lag'; target: string; ms: number }
  | { action: 'app'; target: string; running: boolean };

export interface SandboxControlView {
  /** http://127.0.0.1:PORT: the same endpoint curl and `drdesk sandbox` use. */
  control: string;
  sites: Array<{ name: string; appRunning: boolean; appHealthy: boolean }>;
  members: Array<{ name: string; site: string; alive: boolean; stateStr: string; lagInjectedMs: number; clientsBlocked: boolean; partitioned: boolean }>;
}

export interface MonitorEvents {
  overview: Overview;
  alert: AlertRecord;
}
