/**
 * What the executor needs from the rest of the engine, as interfaces: the audit module's append, the
 * desktop/webhook notifier. Tests pass recording fakes.
 */
export interface RunbookAuditEntry {
  action: string;
  actor: string;
  subject: string;
  details: Record<string, unknown>;
}

export interface AuditSink {
  append(entry: RunbookAuditEntry): unknown;
}

export interface RunbookNotice {
  level: 'info' | 'warning' | 'error';
  title: string;
  body: string;
  executionId: string;
}

export interface Notifier {
  notify(notice: RunbookNotice): void;
}
