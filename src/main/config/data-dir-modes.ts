import { chmodSync, closeSync, lstatSync, mkdirSync, openSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DeskError } from '../../shared/errors';

/**
 * The data directory holds the audit log, the roster, pinned host keys and the index of secret names: only
 * its owner may read it. `mode` on mkdir/open applies only when the file is created (and is masked by the
 * umask), so an existing 0755 directory or a 0644 file stays as it was; these helpers tighten what exists.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Files of the data directory that are tightened whenever the database opens, if they exist. */
export const PRIVATE_FILES = ['settings.json', 'roster.json', 'secrets-index.json'];

const isWindows = process.platform === 'win32';

function ownedByMe(uid: number): boolean {
  return process.getuid === undefined || uid === process.getuid();
}

/** Creates `dir` (0700) or tightens it to 0700. A shared sticky directory such as /tmp is never changed. */
export function securePrivateDir(dir: string): void {
  if (isWindows) return;
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw new DeskError('DATA_DIR_INVALID', `${dir} is not a directory: point the data directory at a directory of its own.`);
  if ((st.mode & 0o1000) !== 0 || !ownedByMe(st.uid)) return;
  if ((st.mode & 0o077) !== 0) chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Tightens an existing regular file to 0600 (symlinks are left alone: chmod would follow them). */
export function securePrivateFile(file: string): void {
  if (isWindows) return;
  let st;
  try {
    st = lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (!st.isFile() || !ownedByMe(st.uid)) return;
  if ((st.mode & 0o177) !== 0) chmodSync(file, PRIVATE_FILE_MODE);
}

/** Creates `file` empty with 0600 if missing, then tightens it: SQLite gives its -wal and -shm the same mode. */
export function createPrivateFile(file: string): void {
  if (!isWindows) closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  securePrivateFile(file);
}

/** The database, its WAL and shared-memory files, and the data directory's other private files. */
export function secureDatabaseFiles(dbFile: string): void {
  const dir = dirname(dbFile);
  for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) securePrivateFile(f);
  for (const name of PRIVATE_FILES) if (name !== basename(dbFile)) securePrivateFile(join(dir, name));
}
