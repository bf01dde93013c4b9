import { hostname } from 'node:os';
import type { BackupControlView } from '../../shared/api/backup';
import type { Topology } from '../../shared/topology';
import { tsToText } from '../connectors/oplog-ts';
import { ChainState } from '../control/chain-state';
import { ReplicaSetLedgers } from '../control/execution-ledgers';
import { leaseSentence, PipelineLease, type LeaseDoc } from '../control/lease';
import type { SecretStore } from '../store/secret-store';
import type { BackupStore } from './backup-store';
import type { BackupPipeline } from './pipeline';
import { ProgressTracker } from './progress';
import type { BackupServiceOptions } from './service';

/** What the replica sets say about a pipeline, read the same way on every workstation (majority reads). */
export interface ControlSources {
  pipeline: BackupPipeline;
  store: BackupStore;
  topology: Topology;
  secrets: SecretStore;
  dataDir: string;
  options?: BackupServiceOptions;
  /** A cycle of this data directory is running: the cache is then never rebuilt under it. */
  cycleRunning(): boolean;
}

export interface LeaseStatus {
  lease: LeaseDoc | null;
  sentence: string;
  heartbeatAgeSeconds: number | null;
  expired: boolean;
}

export interface ControlStatus {
  lease: LeaseStatus;
  /** DR's chain document (authoritative for what DR applied), or null when DR has none or cannot be read. */
  chain: { chainId: string; term: number; appliedSeq: number | null; appliedTs: string | null; appliedWall: string | null; startedAt: string; updatedAt: string; by: string } | null;
  /** This data directory had no chain: its cache was rebuilt from DR's head. */
  adopted: boolean;
  executions: Awaited<ReturnType<ReplicaSetLedgers['list']>>;
  /** Ledgers that did not answer, with why: the executions above are what the others record. */
  unanswered: Array<{ site: string; why: string }>;
}

/** Who runs this pipeline's backups, as the target replica set says (majority read, server clock). */
export async function leaseStatus(pipeline: BackupPipeline): Promise<LeaseStatus> {
  const client = await pipeline.connectTarget();
  try {
    const { lease, now } = await new PipelineLease(client, pipeline.controlId).read();
    if (!lease) return { lease: null, sentence: 'no workstation or agent has taken the backup lease yet', heartbeatAgeSeconds: null, expired: true };
    return { lease, sentence: leaseSentence(lease, now), heartbeatAgeSeconds: Math.max(0, (now.getTime() - lease.heartbeat.getTime()) / 1000), expired: now.getTime() >= lease.expiresAt.getTime() };
  } finally {
    await client.close(true).catch(() => undefined);
  }
}

/**
 * What the replica sets say, for every workstation alike: who holds the lease, DR's chain document (what
 * DR applied, by whom), and the executions in the ledgers. A data directory without any chain (deleted,
 * or new) has its cache rebuilt from DR's head here, unless a cycle of this directory is running.
 */
export async function controlStatus(c: ControlSources): Promise<ControlStatus> {
const { pipeline, store } = c;
  const lease = await leaseStatus(pipeline).catch((err: Error) => ({ lease: null, sentence: `the lease on ${pipeline.route.to.name} cannot be read: ${err.message}`, heartbeatAgeSeconds: null, expired: false }));
  let chain: ControlStatus['chain'] = null;
  let adopted = false;
  const client = await pipeline.connectTarget().catch(() => null);
  if (client)
    try {
      const state = new ChainState(client, pipeline.controlId);
      const doc = await state.read();
      if (doc)
        chain = {
          chainId: doc.chainId,
          term: doc.term,
          appliedSeq: doc.appliedSeq,
          appliedTs: doc.appliedTs ? tsToText(doc.appliedTs) : null,
          appliedWall: doc.appliedWall?.toISOString() ?? null,
          startedAt: doc.startedAt.toISOString(),
          updatedAt: doc.updatedAt.toISOString(),
          by: doc.by,
        };
      if (doc && !store.currentChain() && !store.liveLockHolder() && !c.cycleRunning()) {
        const held = { pipeline: pipeline.controlId, term: doc.term, token: '', expiresAt: new Date(0) };
        adopted = await pipeline.adoptTargetChain({ cycleId: 0, progress: new ProgressTracker({ cycleId: 0, kind: 'cycle' }, () => undefined), control: { chain: state, lease: () => held, by: 'status' } });
      }
    } finally {
      await client.close(true).catch(() => undefined);
    }
  const recorded = await new ReplicaSetLedgers({ topology: c.topology, secrets: c.secrets, workstation: c.dataDir, timeoutMs: 5_000 }).recorded(20).catch(() => ({ entries: [], ledgers: [] }));
  const executions = recorded.entries.map(({ sites, ...e }) => ({ ...e, site: sites.join(', ') }));
  const unanswered = recorded.ledgers.filter((l) => !l.answered).map((l) => ({ site: l.site, why: l.why ?? 'no answer' }));
  return { lease, chain, adopted, executions, unanswered };
}

/** The control status as DeskApi shows it on the Backups page. */
export async function controlView(src: ControlSources): Promise<BackupControlView> {
  const c = await controlStatus(src);
  const l = c.lease.lease;
  const o = src.options?.controlLease;
  const workstation = o?.workstation ?? src.dataDir;
  return {
    sentence: c.lease.sentence,
    holder: l ? { ...l.holder } : null,
    heartbeatAgeSeconds: c.lease.heartbeatAgeSeconds,
    expired: c.lease.expired,
    mine: l !== null && l.holder.workstation === workstation && l.holder.hostname === hostname(),
    term: l?.term ?? null,
    ttlSeconds: l ? l.ttlMs / 1000 : null,
    chain: c.chain,
    executions: c.executions,
  };
}
