import type { ApprovalsEvents, ApprovalsMethods } from './api/approvals';
import type { BackupEvents, BackupMethods } from './api/backup';
import type { HostTrustMethods } from './api/hosts';
import type { MonitorEvents, MonitorMethods } from './api/monitor';
import type { RunbookEvents, RunbookMethods } from './api/runbooks';

/**
 * The one contract between the engine and every host. Each method takes at most one argument (an object)
 * and returns a promise; the engine validates every input with zod. Later features add their own
 * `XxxMethods` / `XxxEvents` interfaces in src/shared/api/ and extend these two.
 */
export interface DeskMethods extends ApprovalsMethods, BackupMethods, HostTrustMethods, MonitorMethods, RunbookMethods {}

/** Something the person at the desk should know now (an execution completed or failed); hosts raise it as a desktop notification. */
export interface DeskNotification {
  id: string;
  at: string;
  level: 'info' | 'warning' | 'error';
  title: string;
  body: string;
  /** What it is about, e.g. "execution:ex-…" or "drill:drill-…"; null when general. */
  subject: string | null;
  /** The topology's alerts.desktop: false means list it, but raise no desktop notification. */
  desktop: boolean;
}

export interface DeskEvents extends ApprovalsEvents, BackupEvents, MonitorEvents, RunbookEvents {
  notification: DeskNotification;
}

export type DeskMethodName = keyof DeskMethods;
export type DeskEventName = keyof DeskEvents;

type Call<M> = M extends { in: infer I; out: infer O } ? ([I] extends [void] ? (input?: I) => Promise<O> : (input: I) => Promise<O>) : never;

export type DeskApi = { [K in DeskMethodName]: Call<DeskMethods[K]> } & {
  /** Subscribe to a pushed event; returns the unsubscribe function. */
  subscribe<E extends DeskEventName>(event: E, listener: (payload: DeskEvents[E]) => void): () => void;
};
