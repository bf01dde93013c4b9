import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The backup's own log (JSON lines in the data directory) for `drdesk agent` on a server: what each cycle
 * did and why it failed. It carries codes, names, positions and messages — never a credential.
 */
export interface BackupLogEntry {
  event: string;
  [key: string]: unknown;
}

export class BackupLog {
  constructor(
    readonly file: string | null,
    private readonly maxBytes = 5 * 1024 * 1024,
    private readonly echo?: (line: string) => void,
  ) {
    if (file) mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  }

  write(entry: BackupLogEntry): void {
    const line = JSON.stringify({ at: new Date().toISOString(), ...entry });
    this.echo?.(line);
    if (!this.file) return;
    try {
      if ((statSync(this.file, { throwIfNoEntry: false })?.size ?? 0) > this.maxBytes) renameSync(this.file, `${this.file}.1`);
      appendFileSync(this.file, `${line}\n`, { mode: 0o600 });
    } catch (err) {
      process.emitWarning(`DR Desk: cannot write the backup log ${this.file}: ${(err as Error).message}`);
    }
  }
}
