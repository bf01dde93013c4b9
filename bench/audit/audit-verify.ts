/**
 * The audit log's figures: Ed25519 signatures signed and verified per second (through the DSSE PAE the
 * log uses, with bare node:crypto on the same bytes as the reference), appends per second, and verifying
 * a 100,000-entry log from SQLite on disk — chain mode (every hash and link, every checkpoint, the last
 * signature of each run of one actor: what `drdesk audit verify` does) and full mode (every signature).
 * Median of 3 runs unless noted. Run: npx tsx bench/audit/audit-verify.ts [entries]
 */
import Database from 'better-sqlite3';
import { sign, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { signerFromKey } from '../../src/main/approvals/identity';
import { generateKeyPair, pae, signBytes, verifyBytes } from '../../src/main/signing/keys';
import { ENTRY_PAYLOAD_TYPE } from '../../src/main/audit/audit-entry';
import { AuditLog } from '../../src/main/audit/audit-log';
import { verifyAuditLog } from '../../src/main/audit/verify';

const N = Number(process.argv[2] ?? 100_000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (fn: () => void) => {
  const t = performance.now();
  fn();
  return performance.now() - t;
};
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

console.log(`audit bench: ${N.toLocaleString('en-US')} entries, node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim()}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);

// 1. Signatures per second on 32-byte entry hashes.
const kp = generateKeyPair();
const hashes = Array.from({ length: 5000 }, (_, i) => Buffer.from(`${i}`.padStart(64, '0'), 'hex'));
const sigs = hashes.map((h) => signBytes(kp.privateKey, ENTRY_PAYLOAD_TYPE, h));
const signRate = median([0, 1, 2].map(() => hashes.length / (time(() => hashes.forEach((h) => signBytes(kp.privateKey, ENTRY_PAYLOAD_TYPE, h))) / 1000)));
const verifyRate = median([0, 1, 2].map(() => hashes.length / (time(() => hashes.forEach((h, i) => verifyBytes(kp.publicKey, ENTRY_PAYLOAD_TYPE, h, sigs[i]))) / 1000)));
const msgs = hashes.map((h) => pae(ENTRY_PAYLOAD_TYPE, h));
const rawSigs = msgs.map((m) => sign(null, m, kp.privateKey));
const { createPublicKey } = await import('node:crypto');
const pub = createPublicKey(kp.privateKey);
const rawSign = median([0, 1, 2].map(() => msgs.length / (time(() => msgs.forEach((m) => sign(null, m, kp.privateKey))) / 1000)));
const rawVerify = median([0, 1, 2].map(() => msgs.length / (time(() => msgs.forEach((m, i) => verify(null, m, pub, rawSigs[i]))) / 1000)));
console.log(`Ed25519 sign:   ${fmt(signRate)}/s (bare node:crypto ${fmt(rawSign)}/s, ratio ${(signRate / rawSign).toFixed(2)})`);
console.log(`Ed25519 verify: ${fmt(verifyRate)}/s (bare node:crypto ${fmt(rawVerify)}/s, ratio ${(verifyRate / rawVerify).toFixed(2)})`);

// 2. A log of N entries on disk, three actors taking turns in runs of 1 to 60 entries.
const dir = mkdtempSync(join(tmpdir(), 'drdesk-bench-audit-'));
try {
  const db = new Database(join(dir, 'desk.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const actors = ['Ana', 'Bo', 'Cy'].map((name) => {
    const k = generateKeyPair();
    return signerFromKey(name, k.fingerprint, k.publicKey, k.privateKey);
  });
  const trusted = new Map(actors.map((a) => [a.fingerprint, a.publicKey]));
  let t = Date.parse('2025-01-01T00:00:00Z');
  const log = new AuditLog(db, () => new Date((t += 250)));
  let actor = 0;
  let left = 0;
  let runs = 0;
  const appendMs = time(() =>
    db.transaction(() => {
      for (let i = 1; i <= N; i++) {
        if (left-- <= 0) {
          actor = (actor + 1 + (i % 2)) % actors.length;
          left = 1 + ((i * 7919) % 60);
          runs++;
        }
        log.append(actors[actor], { action: i % 3 ? 'runbook.step.finished' : 'request.approved', subject: `req_${i % 97}`, details: { step: i % 12, status: 'ok', durationMs: i % 5000, output: 'replSetStepDown ok' } });
      }
    })(),
  );
  console.log(`append: ${fmt(N / (appendMs / 1000))} entries/s (${(appendMs / 1000).toFixed(1)} s for ${fmt(N)}, one transaction, ${fmt(runs)} runs of one actor)`);

  // 3. Verification, reading everything back from SQLite each time.
  const chain: number[] = [];
  const chainCpu: number[] = [];
  const load: number[] = [];
  let report = verifyAuditLog({ logId: log.logId, rows: [], checkpoints: [], coSigned: [], trustedKeys: trusted });
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const rows = log.rows();
    const checkpoints = log.checkpoints();
    load.push(performance.now() - t0);
    report = verifyAuditLog({ logId: log.logId, rows, checkpoints, coSigned: [], trustedKeys: trusted });
    chain.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    chainCpu.push((c.user + c.system) / 1000);
  }
  if (!report.ok) throw new Error(`the bench log does not verify: ${JSON.stringify(report.firstProblem)}`);
  console.log(
    `verify ${fmt(N)} entries, chain mode: ${(median(chain) / 1000).toFixed(2)} s wall, ${(median(chainCpu) / 1000).toFixed(2)} s CPU, median of 3 (reading SQLite ${(median(load) / 1000).toFixed(2)} s; ${fmt(report.signaturesVerified)} signatures, ${report.checkpoints} checkpoints) — target < 2 s`,
  );
  const fullMs = time(() => {
    report = verifyAuditLog({ logId: log.logId, rows: log.rows(), checkpoints: log.checkpoints(), coSigned: [], trustedKeys: trusted, full: true });
  });
  console.log(`verify ${fmt(N)} entries, full mode (every signature, one run): ${(fullMs / 1000).toFixed(2)} s, ${fmt(report.signaturesVerified)} signatures, ${fmt(report.signaturesVerified / (fullMs / 1000))} verified/s`);
  db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
