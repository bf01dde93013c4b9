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
}

export interface MonitorEvents {
  overview: Overview;
  alert: AlertRecord;
}
