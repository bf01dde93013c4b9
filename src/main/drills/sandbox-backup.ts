import Database from 'better-sqlite3';
import { join } from 'node:path';
import { DeskError } from '../../shared/errors';
import { topologySchema, type Topology } from '../../shared/topology';
import { remoteReadFile, remoteWriteFile } from '../connectors/ssh-sftp';
import { ProgressTracker } from '../backup/progress';
import { BackupService } from '../backup/service';
import type { Sandbox } from '../sandbox/types';
import { MemorySecretStore } from '../store/memory-secret-store';
import type { DrillBackup } from './types';

/** An SSH landing host for the sandbox's DR site (the sandbox has none of its own). */
export interface SshLanding {
  host: string;
  port: number;
  username: string;
  /** OpenSSH private key text, or a password. */
  privateKey?: string;
  password?: string;
  dir: string;
}

function check(route: { from: { name: string }; to: { name: string } }, from: string, to: string): void {
  if (route.from.name !== from || route.to.name !== to)
    throw new DeskError('BACKUP_ROUTE', `The backup pipeline runs ${route.from.name} → ${route.to.name}, not ${from} → ${to}: configure that route before running this step.`);
}

/**
 * The real backup pipeline (issue 4) between the sandbox's sites, shipping over SSH to `landing`: a
 * baseline at start, then the port the runbooks and drills use. `applyLatest` delivers what is already
 * captured (ship + verify + apply) without capturing, so it works with the DC gone.
 */
interface Route {
  service: BackupService;
  db: Database.Database;
}

/** One backup service for one direction, its landing on the receiving site's SSH host. */
async function openRoute(sandbox: Sandbox, dir: string, landing: SshLanding, from: 'DC' | 'DR', secrets: MemorySecretStore): Promise<Route & { topology: Topology }> {
  const base = sandbox.topology;
  const to = from === 'DC' ? 'DR' : 'DC';
  const landingDir = from === 'DC' ? landing.dir : `${landing.dir}/failback`;
  const topology = topologySchema.parse({
    ...base,
    sites: base.sites.map((s) =>
      s.name === to
        ? { ...s, ssh: [{ name: `${to.toLowerCase()}-landing`, host: landing.host, port: landing.port, username: landing.username, backupDir: landingDir, ...(landing.privateKey ? { keySecret: 'drill-landing-key' } : { passwordSecret: 'drill-landing-password' }) }] }
        : s,
    ),
    backup: { intervalMinutes: 60, keep: 10, from, to },
  });
  const db = new Database(join(dir, `backup-${from}-${to}.sqlite`));
  db.pragma('journal_mode = WAL');
  const service = new BackupService({ topology, secrets, db, dataDir: join(dir, `backup-${from}-${to}`), options: { cycleDeadlineMs: 120_000, baselineDeadlineMs: 300_000, retry: { attempts: 2, baseMs: 500, maxMs: 2000 } } });
  const base0 = await service.run('baseline', 'manual', true);
  if (base0.error) throw new DeskError(base0.error.code, `The drill's baseline ${from} → ${to} failed: ${base0.error.message}`);
  return { service, db, topology };
}

/**
 * The real backup pipeline (issue 4) between the sandbox's sites, shipping over SSH to `landing`: a
 * baseline DC → DR at start, then the port the runbooks and drills use. `applyLatest` delivers what is
 * already captured (ship + verify + apply) without capturing, so it works with the DC gone. Failback's
 * DR → DC route starts (with its own baseline of DR's data onto DC) the first time a runbook asks for it.
 */
export async function sandboxBackup(sandbox: Sandbox, dir: string, landing: SshLanding): Promise<{ backup: DrillBackup; topology: Topology; close(): Promise<void> }> {
  const secrets = new MemorySecretStore();
  if (landing.privateKey) await secrets.set('drill-landing-key', landing.privateKey, 'ssh-key');
  if (landing.password) await secrets.set('drill-landing-password', landing.password, 'password');
  const forward = await openRoute(sandbox, dir, landing, 'DC', secrets);
  const { service, topology } = forward;
  const route = service.pipeline.route;
  let reverse: Route | null = null;

  /** Runs pipeline stages outside the scheduler (nothing else runs during a drill), recorded as a manual cycle. */
  async function stages<T>(fn: (run: { cycleId: number; progress: ProgressTracker; signal?: AbortSignal }) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const rec = service.store.startCycle('cycle', 'manual', new Date(Date.now() + 120_000));
    const run = { cycleId: rec.id, progress: new ProgressTracker({ cycleId: rec.id, kind: 'cycle' }, () => undefined), signal };
    try {
      const out = await fn(run);
      service.store.finishCycle(rec.id, 'ok', null);
      return out;
    } catch (err) {
      const e = err as DeskError;
      service.store.finishCycle(rec.id, 'failed', { code: e.code ?? 'BACKUP_FAILED', message: e.message });
      throw err;
    }
  }

  const applied = () => {
    const chain = service.status().chain;
    const last = chain?.slices.filter((s) => s.state === 'applied').at(-1) ?? null;
    return { sequence: chain?.appliedSeq ?? null, appliedTo: last?.lastWall ?? null };
  };

  const backup: DrillBackup = {
    async verifyLatest(from, to) {
      check(route, from, to);
      const report = await service.verify(true);
      const chain = service.status().chain;
      const failed = chain?.slices.filter((s) => s.state === 'failed') ?? [];
      const bad = [...report.findings.filter((f) => !f.ok).map((f) => `slice #${f.seq} ${f.check}: ${f.message}`), ...failed.map((s) => `slice #${s.seq} ${s.problem?.code}: ${s.problem?.message}`)];
      if (!report.ok || bad.length) throw new DeskError('BACKUP_VERIFY_FAILED', `The latest backup on ${to} does not verify: ${bad.join('; ')}. Ship the slice again (a backup cycle) before activating.`);
      return { sequence: chain?.slices.at(-1)?.seq ?? 0, summary: `chain ${report.chainId}: ${report.slices} slices verified (checksums and links, here and on ${to})` };
    },
    async applyLatest(from, to, signal) {
      check(route, from, to);
      await stages((run) => service.pipeline.deliver(run), signal);
      const a = applied();
      return { ...a, summary: `slices applied on ${to} up to #${a.sequence} (DC time ${a.appliedTo ?? 'unknown'})` };
    },
    async cycle(from, to) {
      let svc = service;
      let first = '';
      if (from === route.to.name && to === route.from.name) {
        if (!reverse) {
          reverse = await openRoute(sandbox, dir, landing, 'DR', secrets);
          first = `baseline ${from} → ${to} (a consistent copy of ${from} replaced ${to}'s data), then `;
        }
        svc = reverse.service;
      } else check(route, from, to);
      const rec = await svc.run('cycle', 'manual', true);
      if (rec.error) throw new DeskError(rec.error.code, rec.error.message);
      return { sequence: svc.status().chain?.appliedSeq ?? null, appliedTo: null, summary: `${first}cycle #${rec.id} ${from} → ${to}: ${rec.captured} captured, ${rec.shipped} shipped, ${rec.applied} applied` };
    },
    async corruptLatest(from, to) {
      check(route, from, to);
      return stages(async (run) => {
        await service.pipeline.capture(run);
        const l = service.pipeline.landing();
        try {
          await service.pipeline.ship(run, l);
          const chain = service.store.currentChain()!;
          const slice = service.store.slices(chain.chainId).at(-1)!;
          const path = l.remotePath(slice.manifest.archive);
          const session = await l.session();
          const bytes = await remoteReadFile(session, path);
          if (!bytes) throw new DeskError('SLICE_MISSING', `${path} is not on the landing host.`);
          bytes[Math.floor(bytes.length / 2)] ^= 0x01;
          await remoteWriteFile(session, path, bytes);
          // The pipeline's own apply meets the corrupted archive first: it must refuse it (and mark it to reship).
          const refused = await service.pipeline.apply(run, l).then(
            () => null,
            (err: DeskError) => err,
          );
          if (refused?.code !== 'CHECKSUM_MISMATCH') throw new DeskError('DRILL_SETUP', `The corrupted slice was not refused by its checksum (${refused?.code ?? 'applied'}).`);
          return `slice #${slice.seq} (${slice.manifest.archive})`;
        } finally {
          l.close();
        }
      });
    },
  };
  return {
    backup,
    topology,
    close: async () => {
      for (const r of [forward, reverse]) {
        if (!r) continue;
        await r.service.stop();
        r.db.close();
      }
    },
  };
}
