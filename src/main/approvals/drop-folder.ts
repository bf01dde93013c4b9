import { createHash } from 'node:crypto';
import { constants, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DeskError } from '../../shared/errors';
import type { ExportedItem } from '../../shared/api/approvals';
import type { DeskApprovals } from './desk-approvals';
import { openCheckpoint } from '../audit/witness';
import { signedBy } from '../signing/envelope';
import { openDecision } from './verify';
import { readTransport } from './transport';

/**
 * The optional shared-folder drop: a directory both machines see (a network share, a synced folder, a USB
 * stick). Exports are written into it atomically; sync imports what is new. Every file is verified on
 * import exactly as a pasted token would be — the folder is a transport, not a source of trust, and anyone
 * who can write to it can put anything there: FIFOs, symlinks, directories, huge files, junk by the hundred.
 */
export interface DropSyncResult {
  imported: { file: string; kind: string; id: string }[];
  refused: { file: string; code: string; message: string }[];
}

/** Largest single export file read: a request with its status snapshot, or a roster chain, fits easily. */
export const DROP_MAX_FILE_BYTES = 1024 * 1024;
/** Bytes read in one sync; the rest waits for the next one, so one sync never holds much in memory. */
export const DROP_MAX_SYNC_BYTES = 16 * 1024 * 1024;
/** Files read in one sync (the rest waits for the next one). */
export const DROP_MAX_SYNC_FILES = 500;
/** How long one file's read may take before it is given up (a hung share must not hold the host). */
export const DROP_READ_DEADLINE_MS = 2000;

export function writeDrop(dir: string, item: ExportedItem): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, item.fileName);
  const tmp = join(dir, `.${item.fileName}.${process.pid}.tmp`);
  writeFileSync(tmp, item.file);
  renameSync(tmp, path);
  return path;
}

export interface DropFile {
  file: string;
  text: string;
  digest: string;
}

export interface DropBadFile {
  file: string;
  code: string;
  message: string;
  /** Identifies this bad state of the file, so it is reported once and again only if the file changes. */
  digest: string;
}

function kindOf(st: { isSymbolicLink(): boolean; isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

function withDeadline<T>(p: Promise<T>, ms: number, onTimeout: () => DeskError): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/**
 * Reads one file without following a symlink and without blocking on a FIFO or device: lstat first, open with
 * O_NOFOLLOW | O_NONBLOCK, fstat the descriptor (the name may have been swapped between lstat and open), read
 * at most the cap plus one byte, within a deadline.
 */
async function readOne(dir: string, name: string, deadlineMs: number): Promise<{ text: string } | { bad: DropBadFile }> {
  const path = join(dir, name);
  const bad = (code: string, message: string, digest: string) => ({ bad: { file: name, code, message, digest } });
  let st;
  try {
    st = await lstat(path);
  } catch (err) {
    return bad('DROP_FILE_UNREADABLE', `${name} in the shared folder cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}): it was skipped.`, `unreadable:${(err as NodeJS.ErrnoException).code}`);
  }
  if (!st.isFile())
    return bad('DROP_FILE_NOT_REGULAR', `${name} in the shared folder is ${kindOf(st)}, not a regular file: DR Desk reads only plain export files there and skipped it. Remove it from the folder.`, `type:${kindOf(st)}:${st.ino}`);
  if (st.size > DROP_MAX_FILE_BYTES)
    return bad('DROP_FILE_TOO_LARGE', `${name} in the shared folder is ${st.size} bytes; an export is at most ${DROP_MAX_FILE_BYTES}: it was skipped. Remove it from the folder.`, `size:${st.size}:${st.mtimeMs}`);
  let fh;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return bad('DROP_FILE_NOT_REGULAR', `${name} in the shared folder became a symbolic link: it was skipped. Remove it from the folder.`, `type:symlink:${st.ino}`);
    return bad('DROP_FILE_UNREADABLE', `${name} in the shared folder cannot be opened (${code ?? 'error'}): it was skipped.`, `unreadable:${code}`);
  }
  try {
    const fst = await fh.stat();
    if (!fst.isFile() || fst.ino !== st.ino)
      return bad('DROP_FILE_NOT_REGULAR', `${name} in the shared folder was replaced while it was read: it was skipped and will be read again at the next sync.`, `swapped:${fst.ino}`);
    const buf = Buffer.alloc(Math.min(fst.size, DROP_MAX_FILE_BYTES) + 1);
    const read = async () => {
      let off = 0;
      while (off < buf.length) {
        const { bytesRead } = await fh.read(buf, off, buf.length - off, off);
        if (bytesRead === 0) break;
        off += bytesRead;
      }
      return off;
    };
    const n = await withDeadline(read(), deadlineMs, () => new DeskError('DROP_FILE_TIMEOUT', `${name} in the shared folder took more than ${deadlineMs} ms to read: it was skipped. Check the share.`));
    if (n > DROP_MAX_FILE_BYTES)
      return bad('DROP_FILE_TOO_LARGE', `${name} in the shared folder grew beyond ${DROP_MAX_FILE_BYTES} bytes while it was read: it was skipped.`, `size:grew:${st.mtimeMs}`);
    return { text: buf.subarray(0, n).toString('utf8') };
  } catch (err) {
    if (err instanceof DeskError) return bad(err.code, err.message, `timeout:${st.mtimeMs}`);
    return bad('DROP_FILE_UNREADABLE', `${name} in the shared folder cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}): it was skipped.`, `unreadable:${(err as NodeJS.ErrnoException).code}`);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/**
 * The DR Desk export files in the folder, oldest first (rosters, then requests before the approvals that
 * follow them), and the entries that are not readable export files. At most DROP_MAX_SYNC_BYTES and
 * DROP_MAX_SYNC_FILES are read; `more` says that the rest waits for the next sync.
 */
export async function listDrop(dir: string, deadlineMs = DROP_READ_DEADLINE_MS): Promise<{ files: DropFile[]; bad: DropBadFile[]; more: boolean }> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new DeskError('DROP_FOLDER_UNREADABLE', `Cannot read the shared folder ${dir}: ${(err as Error).message}. Check that it is mounted and readable.`);
  }
  const rank = (n: string) => (n.startsWith('drdesk-roster-') ? 0 : n.startsWith('drdesk-request-') ? 1 : 2);
  const candidates: { n: string; t: number }[] = [];
  for (const n of names.filter((x) => x.startsWith('drdesk-') && x.endsWith('.json'))) {
    // lstat only for the order; what is read is decided in readOne.
    const t = await lstat(join(dir, n)).then((s) => s.mtimeMs, () => 0);
    candidates.push({ n, t });
  }
  candidates.sort((a, b) => rank(a.n) - rank(b.n) || a.t - b.t || a.n.localeCompare(b.n));
  const files: DropFile[] = [];
  const bad: DropBadFile[] = [];
  let bytes = 0;
  let more = false;
  for (const { n } of candidates) {
    if (files.length >= DROP_MAX_SYNC_FILES || bytes >= DROP_MAX_SYNC_BYTES) {
      more = true;
      break;
    }
    const r = await readOne(dir, n, deadlineMs);
    if ('bad' in r) bad.push(r.bad);
    else {
      bytes += r.text.length;
      files.push({ file: n, text: r.text, digest: createHash('sha256').update(r.text).digest('hex') });
    }
  }
  return { files, bad, more };
}

/** The approver key a decision file is signed by, when it is outside the roster (then it is not audited one by one). */
function strangerOf(text: string, isKnown: (fingerprint: string) => boolean): string | null {
  try {
    const d = openDecision(readTransport(text, 'decision').decision).value;
    return isKnown(d.approver) ? null : d.approver;
  } catch {
    return null;
  }
}

export async function syncDropFolder(approvals: DeskApprovals, dir: string, now: Date, deadlineMs = DROP_READ_DEADLINE_MS): Promise<DropSyncResult> {
  const result: DropSyncResult = { imported: [], refused: [] };
  const { files, bad, more } = await listDrop(dir, deadlineMs);
  const at = now.toISOString();
  const newBad = bad.filter((b) => !approvals.store.dropSeen(b.file, b.digest));
  for (const b of newBad) {
    result.refused.push({ file: b.file, code: b.code, message: b.message });
    approvals.store.markDropSeen(b.file, b.digest, at);
  }
  const roster = await approvals.rosterOrNull();
  const strangers = new Map<string, number>();
  for (const f of files) {
    if (approvals.store.dropSeen(f.file, f.digest)) continue;
    try {
      if (f.file.startsWith('drdesk-request-')) {
        const r = await approvals.importRequest(f.text);
        if (r.isNew) result.imported.push({ file: f.file, kind: 'request', id: r.detail.id });
      } else if (f.file.startsWith('drdesk-decision-')) {
        const stranger = roster ? strangerOf(f.text, (fp) => roster.person(fp) !== undefined) : null;
        if (stranger) {
          strangers.set(stranger, (strangers.get(stranger) ?? 0) + 1);
          approvals.store.markDropSeen(f.file, f.digest, at);
          continue;
        }
        const r = await approvals.importApproval(f.text);
        if (r.isNew) result.imported.push({ file: f.file, kind: 'decision', id: r.detail.id });
      } else if (f.file.startsWith('drdesk-checkpoint-')) {
        // This log's head co-signed by a colleague is kept; a colleague's head is co-signed and put back.
        const c = openCheckpoint(readTransport(f.text, 'checkpoint').checkpoint);
        if (c.doc.logId === approvals.auditLog.logId) {
          if (c.envelope.signatures.length > 1) {
            await approvals.importCosignedCheckpoint(f.text);
            result.imported.push({ file: f.file, kind: 'checkpoint', id: `audit head ${c.doc.count}` });
          }
        } else if (!signedBy(c.envelope, (await approvals.identity.signer()).publicKey)) {
          const w = await approvals.witnessCheckpoint(f.text);
          writeDrop(dir, w.export);
          result.imported.push({ file: f.file, kind: 'checkpoint', id: `${w.operator}'s audit head ${w.count}` });
        }
      } else if (f.file.startsWith('drdesk-roster-')) {
        const before = (await approvals.rosterOrNull())?.doc.version ?? 0;
        const v = await approvals.applyRosterChange(f.text);
        if (v.version > before) result.imported.push({ file: f.file, kind: 'roster', id: `roster v${v.version}` });
      } else continue;
    } catch (err) {
      const e = err instanceof DeskError ? err : new DeskError('IMPORT_FAILED', (err as Error).message);
      result.refused.push({ file: f.file, code: e.code, message: e.message });
    }
    approvals.store.markDropSeen(f.file, f.digest, at);
  }
  const strangerCount = [...strangers.values()].reduce((a, b) => a + b, 0);
  if (strangerCount > 0)
    result.refused.push({
      file: dir,
      code: 'DROP_DECISIONS_FROM_STRANGERS',
      message: `${strangerCount} approval file(s) in the shared folder are signed by ${strangers.size} key(s) outside the roster: they were ignored. Someone who is not enrolled can write to the folder; check who has access to it.`,
    });
  // One audit entry per sync for everything that was not an import, however many files: junk must not flood the log.
  if (newBad.length || strangerCount) {
    const signer = await approvals.identity.signer();
    approvals.audit.append(signer, {
      action: 'drop.refused',
      subject: dir,
      details: {
        badFiles: newBad.length,
        badSample: newBad.slice(0, 10).map((b) => ({ file: b.file, code: b.code })),
        strangerDecisions: strangerCount,
        strangerKeys: [...strangers.keys()].slice(0, 10),
        more,
      },
    });
  }
  return result;
}

/**
 * Polls the folder every `everyMs` (polling, not inotify: network shares and synced folders often send no
 * change events) and reports each sync that imported or refused something. Returns the stop function.
 */
export function watchDropFolder(approvals: DeskApprovals, dir: string, onSync: (r: DropSyncResult) => void, everyMs = 5000): () => void {
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const r = await approvals.syncDropFolder(dir);
      if (r.imported.length || r.refused.length) onSync(r);
    } catch (err) {
      const e = err instanceof DeskError ? err : new DeskError('DROP_FOLDER_UNREADABLE', (err as Error).message);
      onSync({ imported: [], refused: [{ file: dir, code: e.code, message: e.message }] });
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), everyMs);
  void tick();
  return () => clearInterval(timer);
}
