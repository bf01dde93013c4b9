import { join } from 'node:path';
import { DeskError } from '../../shared/errors';
import { topologySchema, type Topology } from '../../shared/topology';
import { BackupRoutes } from '../backup/routes';
import { backupServicePort } from '../runbooks/steps/backup-service-port';
import type { Sandbox } from '../sandbox/types';
import { openDatabase } from '../store/database';
import { MemorySecretStore } from '../store/memory-secret-store';
import type { DrillBackup } from './types';

/** An SSH host that receives the sandbox's slices instead of the local landing (`drdesk drill --ssh-landing`). */
export interface SshLanding {
  host: string;
  port: number;
  username: string;
  /** OpenSSH private key text, or a password. */
  privateKey?: string;
  password?: string;
  dir: string;
  /** The host's SHA256 fingerprint: a real sshd is never trusted on first use. */
  hostKeySha256?: string;
}

const KEY = 'drill-landing-key';
const PASSWORD = 'drill-landing-password';

/** The sandbox topology with `ssh` as the landing host of both sites (DR's slices in DIR, failback's in DIR/failback). */
function withSshLanding(base: Sandbox['topology'], ssh: SshLanding): Topology {
  return topologySchema.parse({
    ...base,
    sites: base.sites.map((s) => ({
      ...s,
      ssh: [
        {
          name: `${s.name.toLowerCase()}-landing`,
          host: ssh.host,
          port: ssh.port,
          username: ssh.username,
          ...(ssh.hostKeySha256 ? { hostKeySha256: ssh.hostKeySha256 } : {}),
          backupDir: s.role === 'dr' ? ssh.dir : `${ssh.dir}/failback`,
          ...(ssh.privateKey ? { keySecret: KEY } : { passwordSecret: PASSWORD }),
        },
      ],
    })),
  });
}

/**
 * The real backup pipeline between the sandbox's sites, through the same BackupRoutes and
 * BackupService the Desk uses (gate, lock, deadlines, cycle history): a baseline DC → DR at start, then the
 * runbooks' backup port on top of it. Slices land in a local directory per receiving site (the sandbox's
 * sites are this machine), or on a real sshd with `ssh`. The route back (failback) starts anchored at the
 * activation point where that is safe, else with a baseline — the step output says which.
 */
export async function sandboxBackup(sandbox: Sandbox, dir: string, ssh?: SshLanding): Promise<{ backup: DrillBackup; topology: Topology; landing: string; close(): Promise<void> }> {
  const secrets = new MemorySecretStore();
  if (ssh?.privateKey) await secrets.set(KEY, ssh.privateKey, 'ssh-key');
  if (ssh?.password) await secrets.set(PASSWORD, ssh.password, 'password');
  const topology = ssh ? withSshLanding(sandbox.topology, ssh) : topologySchema.parse(sandbox.topology);
  const database = openDatabase(join(dir, 'backup.sqlite'));
  const routes = new BackupRoutes({
    topology: { ...topology, backup: { ...topology.backup, from: 'DC', to: 'DR', intervalMinutes: 60, keep: 10 } },
    secrets,
    db: database.db,
    dataDir: join(dir, 'backup'),
    options: { cycleDeadlineMs: 120_000, baselineDeadlineMs: 300_000, retry: { attempts: 2, baseMs: 500, maxMs: 2000 } },
    sandboxLandingRoot: ssh ? null : join(dir, 'landing'),
  });
  const close = async () => {
    await routes.close();
    database.close();
  };
  try {
    if (routes.forward.configError) throw routes.forward.configError;
    const base = await routes.forward.run('baseline', 'drill', true);
    if (base.error) throw new DeskError(base.error.code, `The drill's baseline DC → DR failed: ${base.error.message}`);
  } catch (err) {
    await close();
    throw err;
  }
  const port = backupServicePort(routes, 'drill');
  const backup: DrillBackup = {
    ...port,
    /** Stages a slice (captured and shipped, not applied), flips one byte of it at the landing, and has the service refuse it. */
    async corruptLatest(from, to) {
      const service = routes.route(from, to);
      const staged = await service.stage('drill');
      if (staged.error) throw new DeskError(staged.error.code, `Staging a slice for the corruption failed: ${staged.error.message}`);
      const chain = service.store.currentChain();
      const slice = chain ? service.store.slices(chain.chainId).at(-1) : undefined;
      if (!slice || slice.state !== 'verified') throw new DeskError('DRILL_SETUP', `No new slice was staged at the landing (the newest is ${slice ? `#${slice.seq}, ${slice.state}` : 'missing'}).`);
      const landing = service.pipeline.landing();
      try {
        const bytes = await landing.readFile(slice.manifest.archive);
        if (!bytes) throw new DeskError('SLICE_MISSING', `${slice.manifest.archive} is not at ${landing.label}.`);
        bytes[Math.floor(bytes.length / 2)] ^= 0x01;
        await landing.writeFile(slice.manifest.archive, bytes);
      } finally {
        landing.close();
      }
      // The service's own delivery meets the corrupted archive first: it must refuse it (and mark it to reship).
      const refused = await service.deliver('drill');
      if (refused.error?.code !== 'CHECKSUM_MISMATCH') throw new DeskError('DRILL_SETUP', `The corrupted slice was not refused by its checksum (${refused.error?.code ?? 'applied'}).`);
      return `slice #${slice.seq} (${slice.manifest.archive})`;
    },
  };
  return { backup, topology, landing: routes.forward.status().landing?.label ?? '', close };
}
