import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { DeskError } from '../../shared/errors';
import { createPrivateFile, secureDatabaseFiles, securePrivateDir } from '../config/data-dir-modes';

export type SqliteDatabase = BetterSqlite3.Database;

/** One schema step: SQL text, or a function for changes SQL alone cannot express. */
export type Migration = string | ((db: SqliteDatabase) => void);

/**
 * The app's SQLite database (WAL). Every feature owns its tables and brings its own ordered migrations under
 * its own component name (e.g. `history`, `audit`, `journal`): `db.migrate('audit', [sql1, sql2])`. Applied
 * steps are recorded in `schema_migrations`, so each runs once; append new steps, never edit old ones.
 */
export class DeskDatabase {
  readonly db: SqliteDatabase;

  constructor(readonly file: string) {
    try {
      // Owner-only whatever already exists: a pre-existing 0755 directory or 0644 file is tightened.
      if (file !== ':memory:') {
        securePrivateDir(dirname(file));
        createPrivateFile(file);
      }
      this.db = new BetterSqlite3(file);
    } catch (err) {
      throw new DeskError('DB_OPEN_FAILED', `Cannot open the database ${file}: ${(err as Error).message}. Check the data directory's permissions and free space.`);
    }
    this.db.pragma('journal_mode = WAL');
    if (file !== ':memory:') secureDatabaseFiles(file);
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (component TEXT NOT NULL, version INTEGER NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (component, version))');
  }

  /** Applies the steps of `component` not applied yet, each in its own transaction; returns how many ran. */
  migrate(component: string, steps: Migration[]): number {
    const row = this.db.prepare('SELECT MAX(version) AS v FROM schema_migrations WHERE component = ?').get(component) as { v: number | null };
    const done = row.v ?? 0;
    if (done > steps.length)
      throw new DeskError('DB_TOO_NEW', `The database ${this.file} has ${component} schema version ${done}, newer than this DR Desk knows (${steps.length}): update DR Desk.`);
    const record = this.db.prepare('INSERT INTO schema_migrations (component, version, applied_at) VALUES (?, ?, ?)');
    for (let v = done + 1; v <= steps.length; v++) {
      const step = steps[v - 1];
      this.db.transaction(() => {
        if (typeof step === 'string') this.db.exec(step);
        else step(this.db);
        record.run(component, v, new Date().toISOString());
      })();
    }
    return steps.length - done;
  }

  schemaVersion(component: string): number {
    const row = this.db.prepare('SELECT MAX(version) AS v FROM schema_migrations WHERE component = ?').get(component) as { v: number | null };
    return row.v ?? 0;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** The database's file name in a data directory. */
export const DATABASE_FILE = 'desk.sqlite';

export function openDatabase(file: string): DeskDatabase {
  return new DeskDatabase(file);
}
