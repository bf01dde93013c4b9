import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeskError } from '../../shared/errors';
import type { ExportedItem } from '../../shared/api/approvals';
import type { DeskApprovals } from './desk-approvals';

/**
 * The optional shared-folder drop: a directory both machines see (a network share, a synced folder, a USB
 * stick). Exports are written into it atomically; sync imports what is new. Every file is verified on
 * import exactly as a pasted token would be — the folder is a transport, not a source of trust.
 */
export interface DropSyncResult {
  imported: { file: string; kind: string; id: string }[];
  refused: { file: string; code: string; message: string }[];
}

export function writeDrop(dir: string, item: ExportedItem): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, item.fileName);
  const tmp = join(dir, `.${item.fileName}.${process.pid}.tmp`);
  writeFileSync(tmp, item.file);
  renameSync(tmp, path);
  return path;
}

interface DropFile {
  file: string;
  text: string;
  digest: string;
}

/** The DR Desk export files in the folder, oldest first (requests before the approvals that follow them). */
export function listDrop(dir: string): DropFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new DeskError('DROP_FOLDER_UNREADABLE', `Cannot read the shared folder ${dir}: ${(err as Error).message}. Check that it is mounted and readable.`);
  }
  const rank = (n: string) => (n.startsWith('drdesk-roster-') ? 0 : n.startsWith('drdesk-request-') ? 1 : 2);
  return names
    .filter((n) => n.startsWith('drdesk-') && n.endsWith('.json'))
    .map((n) => ({ n, t: statSync(join(dir, n)).mtimeMs }))
    .sort((a, b) => rank(a.n) - rank(b.n) || a.t - b.t || a.n.localeCompare(b.n))
    .map(({ n }) => {
      const text = readFileSync(join(dir, n), 'utf8');
      return { file: n, text, digest: createHash('sha256').update(text).digest('hex') };
    });
}

export async function syncDropFolder(approvals: DeskApprovals, dir: string, now: Date): Promise<DropSyncResult> {
  const result: DropSyncResult = { imported: [], refused: [] };
  for (const f of listDrop(dir)) {
    if (approvals.store.dropSeen(f.file, f.digest)) continue;
    try {
      if (f.file.startsWith('drdesk-request-')) {
        const r = await approvals.importRequest(f.text);
        if (r.isNew) result.imported.push({ file: f.file, kind: 'request', id: r.detail.id });
      } else if (f.file.startsWith('drdesk-decision-')) {
        const r = await approvals.importApproval(f.text);
        if (r.isNew) result.imported.push({ file: f.file, kind: 'decision', id: r.detail.id });
      } else if (f.file.startsWith('drdesk-roster-')) {
        const before = (await approvals.rosterOrNull())?.doc.version ?? 0;
        const v = await approvals.applyRosterChange(f.text);
        if (v.version > before) result.imported.push({ file: f.file, kind: 'roster', id: `roster v${v.version}` });
      } else continue;
    } catch (err) {
      const e = err instanceof DeskError ? err : new DeskError('IMPORT_FAILED', (err as Error).message);
      result.refused.push({ file: f.file, code: e.code, message: e.message });
    }
    approvals.store.markDropSeen(f.file, f.digest, now.toISOString());
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
