import type { AlertRecord } from '../../shared/monitor';
import type { DeskDatabase } from '../store/database';

const MIGRATIONS = [
  `CREATE TABLE alerts (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, subject TEXT NOT NULL, from_level TEXT NOT NULL, to_level TEXT NOT NULL, reasons TEXT NOT NULL, channels TEXT NOT NULL);
   CREATE INDEX alerts_at ON alerts (at);`,
];

/** Every alert raised, with how each channel fared, in SQLite next to the observation history. */
export class AlertLog {
  constructor(private readonly database: DeskDatabase) {
    database.migrate('alerts', MIGRATIONS);
  }

  add(a: Omit<AlertRecord, 'id'>): AlertRecord {
    const r = this.database.db
      .prepare('INSERT INTO alerts (at, subject, from_level, to_level, reasons, channels) VALUES (?, ?, ?, ?, ?, ?)')
      .run(a.at, a.subject, a.from, a.to, JSON.stringify(a.reasons), JSON.stringify(a.channels));
    return { ...a, id: Number(r.lastInsertRowid) };
  }

  updateChannels(id: number, channels: AlertRecord['channels']): void {
    this.database.db.prepare('UPDATE alerts SET channels = ? WHERE id = ?').run(JSON.stringify(channels), id);
  }

  list(limit = 100): AlertRecord[] {
    const rows = this.database.db.prepare('SELECT * FROM alerts ORDER BY id DESC LIMIT ?').all(limit) as Array<Record<string, string | number>>;
    return rows.map((r) => ({
      id: Number(r.id),
      at: String(r.at),
      subject: String(r.subject),
      from: r.from_level as AlertRecord['from'],
      to: r.to_level as AlertRecord['to'],
      reasons: JSON.parse(String(r.reasons)) as AlertRecord['reasons'],
      channels: JSON.parse(String(r.channels)) as AlertRecord['channels'],
    }));
  }

  prune(before: string): number {
    return this.database.db.prepare('DELETE FROM alerts WHERE at < ?').run(before).changes;
  }
}
