import { DeskError } from '../../shared/errors';
import { DEFAULT_LEASE_TTL_MS, localHolder } from '../control/lease';
import { LeaseSession } from '../control/lease-session';
import { leaseStatus, type LeaseStatus } from './control-status';
import type { BackupPipeline } from './pipeline';

export interface BackupLeaseOptions {
  ttlMs?: number;
  workstation?: string;
  identity?: string;
}

/**
 * This process's side of the pipeline's lease on the target replica set (one pipeline across every
 * workstation): taken for a cycle, kept and renewed between cycles while the schedule runs here (the
 * standing lease), released when nothing is scheduled here any more, and taken over from a holder whose
 * heartbeat stopped. Without lease options nothing is taken (null sessions).
 */
export class BackupLeaseHolder {
  /** The lease kept between scheduled cycles while this process runs the schedule. */
  private standing: LeaseSession | null = null;

  constructor(
    private readonly d: {
      options: BackupLeaseOptions | undefined;
      /** The holder's workstation when the options name none. */
      dataDir: string;
      /** The configured pipeline (throws the configuration error when there is none). */
      pipeline: () => BackupPipeline;
    },
  ) {}

  /**
   * The lease for a cycle when the options ask for one; LEASE_HELD (naming the holder) when another has it.
   * `keep`: the schedule runs here, so the lease stays held (and renewed) between cycles — the other
   * workstations' schedules wait and watch until this one stops or its heartbeat does.
   */
  async take(keep: boolean): Promise<LeaseSession | null> {
    const o = this.d.options;
    if (!o) return null;
    if (this.standing) {
      const state = await this.standing.confirm();
      if (state === 'held') return this.standing;
      const target = this.d.pipeline().route.to.name;
      if (state === 'unreachable') throw new DeskError('MONGO_UNREACHABLE', `The backup lease on ${target} cannot be renewed: ${target} does not answer.`);
    }
    if (this.standing) await this.standing.close();
    this.standing = null;
    const session = await this.open(o);
    if (keep) this.standing = session;
    return session;
  }

  /**
   * After a cycle: a standing lease (the schedule runs here) is kept and heartbeats on until the schedule
   * stops; any other session is closed — as is the standing one once it was lost or `scheduled` is false
   * (paused or activated: nothing is scheduled here any more, so nobody should wait for this holder).
   */
  async release(session: LeaseSession | null, scheduled: boolean): Promise<void> {
    if (!session) return;
    if (session === this.standing && !session.signal.aborted && scheduled) return;
    if (session === this.standing) this.standing = null;
    await session.close();
  }

  /** Who runs this pipeline's backups, as the target replica set says (majority read, server clock). */
  status(): Promise<LeaseStatus> {
    return leaseStatus(this.d.pipeline());
  }

  /** Refused (LEASE_HELD, naming the holder) while the holder's heartbeat is younger than its time to live. */
  async assertTakeable(): Promise<void> {
    const before = await this.status();
    if (before.lease && !before.expired)
      throw new DeskError('LEASE_HELD', `Not taken over: ${before.sentence}. A lease is taken over only once its heartbeat is older than its time to live.`, { holder: before.lease.holder });
  }

  /** The schedule stopped: the standing lease is given up, so another workstation need not wait for it to expire. */
  async stop(): Promise<void> {
    const standing = this.standing;
    this.standing = null;
    await standing?.close();
  }

  private async open(o: BackupLeaseOptions): Promise<LeaseSession> {
    const pipeline = this.d.pipeline();
    const client = await pipeline.connectTarget();
    try {
      const session = await LeaseSession.open(client, pipeline.controlId, localHolder(o.workstation ?? this.d.dataDir, o.identity ?? 'drdesk'), o.ttlMs ?? DEFAULT_LEASE_TTL_MS);
      session.signal.addEventListener('abort', () => void client.close(true).catch(() => undefined), { once: true });
      const close = session.close.bind(session);
      session.close = async () => {
        await close();
        await client.close(true).catch(() => undefined);
      };
      return session;
    } catch (err) {
      await client.close(true).catch(() => undefined);
      throw err;
    }
  }
}
