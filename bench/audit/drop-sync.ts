/**
 * How long one drop-folder sync takes when an attacker fills the folder: N junk approvals from a key outside
 * the roster, plus a FIFO, a /dev/zero symlink, a directory and an oversize file. Prints the first sync
 * (all files read and summarised in one audit entry) and the second (everything already seen).
 * Run: npx tsx bench/audit/drop-sync.ts [junk]
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDecision } from '../../src/main/approvals/approval';
import { DeskApprovals } from '../../src/main/approvals/desk-approvals';
import { DROP_MAX_FILE_BYTES } from '../../src/main/approvals/drop-folder';
import { signerFromKey } from '../../src/main/approvals/identity';
import { generateKeyPair } from '../../src/main/signing/keys';
import { MemoryRosterSource } from '../../src/main/approvals/roster-source';
import { exportItem } from '../../src/main/approvals/transport';
import { openRequest } from '../../src/main/approvals/verify';
import { MemorySecretStore } from '../../src/main/store/memory-secret-store';

const junk = Number(process.argv[2] ?? 300);
const root = mkdtempSync(join(tmpdir(), 'drdesk-bench-drop-'));
try {
  const ops = new DeskApprovals({ db: new Database(':memory:'), secrets: new MemorySecretStore(), roster: new MemoryRosterSource() });
  await ops.createIdentity('Olu Operator');
  await ops.initRoster();
  const req = await ops.createRequest({ action: 'switchover', target: 'rs', reason: 'Planned maintenance of m1.', plan: { steps: [] }, expiresInMinutes: 60 });
  const drop = join(root, 'drop');
  mkdirSync(drop);
  execFileSync('mkfifo', [join(drop, 'drdesk-decision-fifo.json')]);
  symlinkSync('/dev/zero', join(drop, 'drdesk-decision-zero.json'));
  mkdirSync(join(drop, 'drdesk-request-dir.json'));
  writeFileSync(join(drop, 'drdesk-decision-huge.json'), Buffer.alloc(DROP_MAX_FILE_BYTES * 8, 0x20));
  const kp = generateKeyPair();
  const stranger = signerFromKey('Mallory', kp.fingerprint, kp.publicKey, kp.privateKey);
  const doc = openRequest(JSON.parse(ops.store.request(req.id)!.envelope));
  for (let i = 0; i < junk; i++) {
    const env = createDecision({ doc: doc.value, digest: doc.digest }, 'approve', `junk ${i}`, { signer: stranger, now: new Date(), approverStatusDigest: null });
    const item = exportItem({ format: 'drdesk-bundle/1', kind: 'decision', decision: env }, `drdesk-decision-junk-${i}.json`);
    writeFileSync(join(drop, item.fileName), item.file);
  }
  const before = ops.auditLog.head().count;
  const rss0 = process.memoryUsage().rss;
  let t = performance.now();
  const first = await ops.syncDropFolder(drop);
  const firstMs = performance.now() - t;
  t = performance.now();
  const second = await ops.syncDropFolder(drop);
  const secondMs = performance.now() - t;
  console.log(`drop sync, ${junk} stranger approvals + FIFO + /dev/zero symlink + directory + ${DROP_MAX_FILE_BYTES * 8} B file:`);
  console.log(`  first sync  ${firstMs.toFixed(0)} ms, ${first.refused.length} refusals reported, ${ops.auditLog.head().count - before} audit entr(ies), rss +${((process.memoryUsage().rss - rss0) / 1e6).toFixed(1)} MB`);
  console.log(`  second sync ${secondMs.toFixed(0)} ms, ${second.refused.length} refusals reported`);
  console.log(`  loadavg ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
