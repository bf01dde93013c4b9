import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { VerifyFinding, VerifyReport } from '../../shared/api/backup';
import { fileSha256 } from './archive';
import type { BackupStore } from './backup-store';
import type { Landing } from './landing';
import { chainProblems, manifestSha256 } from './manifest';

/**
 * `drdesk backup verify` / verifyChain: re-checks the current chain end to end without changing anything —
 * every manifest link, every archive still kept in DC's outbox, and (with the landing host) every archive
 * and manifest on DR, each against the sha256 recorded when the slice was captured.
 */
export async function verifyChain(store: BackupStore, outbox: string, landing: Landing | null): Promise<VerifyReport> {
  const chain = store.currentChain();
  const checkedAt = new Date().toISOString();
  if (!chain) return { ok: false, chainId: null, checkedAt, slices: 0, findings: [] };
  const slices = store.slices(chain.chainId);
  const findings: VerifyFinding[] = [];
  const add = (seq: number, check: VerifyFinding['check'], ok: boolean, message: string) => findings.push({ chainId: chain.chainId, seq, check, ok, message });
  // A chain continued from DR's chain document starts, in this cache, at the head DR had applied.
  const adopted = store.adoptedFrom(chain.chainId);
  const problems = new Map(chainProblems(slices.map((s) => s.manifest), adopted !== null).map((p) => [p.seq, p.problem.message]));
  const seqs = new Set(slices.map((s) => s.seq));
  const top = slices.at(-1)?.seq ?? -1;
  for (let seq = adopted ?? 0; seq <= top; seq++) if (!seqs.has(seq)) add(seq, 'link', false, `slice #${seq} is missing from the chain record.`);
  for (const s of slices) {
    const m = s.manifest;
    add(s.seq, 'link', !problems.has(s.seq), problems.get(s.seq) ?? (s.seq === adopted ? `taken from ${chain.replicaSet}'s target chain document: the head it had applied` : s.seq === 0 ? `${m.kind} starts the chain` : `follows #${s.seq - 1}`));
    if (manifestSha256(m) !== s.manifestSha) add(s.seq, 'link', false, `the manifest of #${s.seq} no longer hashes to the value recorded at capture.`);
    if (!s.localDeleted) {
      const path = join(outbox, m.archive);
      if (!existsSync(path)) add(s.seq, 'local-archive', s.state === 'applied', s.state === 'applied' ? `${m.archive} is no longer in the outbox (already applied)` : `${m.archive} is missing from DC's outbox and not applied yet: chain broken — a new baseline is needed.`);
      else {
        const sha = await fileSha256(path);
        add(s.seq, 'local-archive', sha === m.sha256, sha === m.sha256 ? `${m.archive} sha256 matches` : `${m.archive} has sha256 ${sha}, not ${m.sha256}: it was altered after capture.`);
      }
    }
    if (landing && !s.remoteDeleted && (s.state === 'verified' || s.state === 'applied' || s.state === 'shipped')) {
      const far = await landing.remoteChecksum(m);
      add(s.seq, 'remote-archive', far === m.sha256, far === m.sha256 ? `${m.archive} on DR matches` : far === null ? `${m.archive} is missing on DR` : `${m.archive} on DR has sha256 ${far}, not ${m.sha256}.`);
      const landed = await landing.remoteManifest(m);
      const ok = landed !== null && manifestSha256(landed) === s.manifestSha;
      add(s.seq, 'remote-manifest', ok, ok ? 'manifest on DR matches' : landed ? 'the manifest on DR differs from the one DC wrote' : 'the manifest is missing on DR');
    }
  }
  if (chain.state === 'broken' && chain.broken) add(top, 'link', false, `Chain broken — a new baseline is needed: ${chain.broken.message}`);
  return { ok: findings.every((f) => f.ok), chainId: chain.chainId, checkedAt, slices: slices.length, findings };
}
