import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { MongoClient } from 'mongodb';
import { DeskError } from '../../shared/errors';
import { controlCollection, isDuplicateKey, serverNow } from './majority';

/**
 * The pipeline's lease on the target replica set: one document per pipeline, taken and renewed with a
 * compare-and-set on its term and token. A takeover is allowed only once the holder's lease expired by the
 * server's clock; it raises the term, and every chain write is conditioned on the writer's term
 * (chain-state.ts), so a holder that lost the lease has its late writes refused.
 */
export interface LeaseHolder {
  /** The workstation or agent (its data directory's identity). */
  workstation: string;
  /** The person or agent the holder acts for. */
  identity: string;
  hostname: string;
  pid: number;
}

export interface LeaseDoc {
  _id: string;
  term: number;
  /** Random per acquisition: a holder restarted with the same workstation id is a new holder. */
  token: string;
  holder: LeaseHolder;
  since: Date;
  heartbeat: Date;
  expiresAt: Date;
  ttlMs: number;
}

export interface HeldLease {
  pipeline: string;
  term: number;
  token: string;
  expiresAt: Date;
}

export const DEFAULT_LEASE_TTL_MS = 60_000;

export function localHolder(workstation: string, identity: string): LeaseHolder {
  return { workstation, identity, hostname: hostname(), pid: process.pid };
}

export function describeHolder(h: LeaseHolder): string {
  return `${h.identity} on ${h.hostname} (pid ${h.pid}, workstation ${h.workstation})`;
}

/** "backups are run by … (last heartbeat 12 s ago)", from the server's clock. */
export function leaseSentence(lease: LeaseDoc, now: Date): string {
  const ago = Math.max(0, Math.round((now.getTime() - lease.heartbeat.getTime()) / 1000));
  const expired = now.getTime() >= lease.expiresAt.getTime();
  // Given up at the end of a cycle (heartbeat fresh) is not the same as a holder that stopped.
  const stopped = now.getTime() - lease.heartbeat.getTime() >= lease.ttlMs;
  const state = !expired ? '' : stopped ? ', expired: it can be taken over' : ', given up after its last cycle';
  return `backups are run by ${describeHolder(lease.holder)} (last heartbeat ${ago} s ago${state})`;
}

/**
 * The same workstation restarting on the same host after its process died (SIGKILL, a crash): the pid in
 * the lease no longer runs here, so nothing can still be acting under it and the restart need not wait
 * out the time to live. Another workstation always waits for the expiry (it cannot see that process).
 */
function deadOnThisHost(held: LeaseHolder, me: LeaseHolder): boolean {
  if (held.workstation !== me.workstation || held.hostname !== me.hostname || held.pid === me.pid) return false;
  try {
    process.kill(held.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export function leaseLost(pipeline: string, why: string): DeskError {
  return new DeskError('LEASE_LOST', `This workstation no longer holds the backup lease of ${pipeline}: ${why}. It stopped; the current holder continues the chain.`);
}

export class PipelineLease {
  constructor(
    private readonly client: MongoClient,
    readonly pipeline: string,
    private readonly ttlMs = DEFAULT_LEASE_TTL_MS,
  ) {}

  private get coll() {
    return controlCollection<LeaseDoc>(this.client, 'lease');
  }

  async read(): Promise<{ lease: LeaseDoc | null; now: Date }> {
    const [lease, now] = await Promise.all([this.coll.findOne({ _id: this.pipeline }), serverNow(this.client)]);
    return { lease, now };
  }

  /**
   * Takes the lease when it is free, expired (server clock) or already ours; `takeOver` is an operator's
   * explicit request and still needs an expired heartbeat. Refused with LEASE_HELD naming the holder.
   */
  async acquire(holder: LeaseHolder): Promise<HeldLease> {
    const { lease, now } = await this.read();
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    const token = randomBytes(8).toString('hex');
    if (!lease) {
      try {
        await this.coll.insertOne({ _id: this.pipeline, term: 1, token, holder, since: now, heartbeat: now, expiresAt, ttlMs: this.ttlMs });
        return { pipeline: this.pipeline, term: 1, token, expiresAt };
      } catch (err) {
        if (isDuplicateKey(err)) return this.refuseRace();
        throw err;
      }
    }
    if (lease.expiresAt.getTime() > now.getTime() && !deadOnThisHost(lease.holder, holder)) throw new DeskError('LEASE_HELD', `The backup lease of ${this.pipeline} is held: ${leaseSentence(lease, now)}. This workstation waits; it can take over once the heartbeat is older than ${Math.round(lease.ttlMs / 1000)} s.`, { holder: lease.holder });
    const term = lease.term + 1;
    const r = await this.coll.findOneAndUpdate(
      { _id: this.pipeline, term: lease.term, token: lease.token },
      { $set: { term, token, holder, since: now, heartbeat: now, expiresAt, ttlMs: this.ttlMs } },
      { returnDocument: 'after' },
    );
    if (!r) return this.refuseRace();
    return { pipeline: this.pipeline, term, token, expiresAt };
  }

  private async refuseRace(): Promise<never> {
    const { lease, now } = await this.read();
    throw new DeskError('LEASE_HELD', `Another workstation took the backup lease of ${this.pipeline} at the same moment: ${lease ? leaseSentence(lease, now) : 'it was released again'}. Try again later.`);
  }

  /** Heartbeat: extends the lease only while term and token are still ours; LEASE_LOST otherwise. */
  async renew(held: HeldLease): Promise<HeldLease> {
    const now = await serverNow(this.client);
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    const r = await this.coll.findOneAndUpdate({ _id: this.pipeline, term: held.term, token: held.token }, { $set: { heartbeat: now, expiresAt } }, { returnDocument: 'after' });
    if (!r) {
      const { lease } = await this.read();
      throw leaseLost(this.pipeline, lease ? `${describeHolder(lease.holder)} holds it now (term ${lease.term})` : 'it was released');
    }
    return { ...held, expiresAt };
  }

  /** Gives the lease up at once (expires it), keeping the term so fencing stays monotonic. */
  async release(held: HeldLease): Promise<void> {
    const now = await serverNow(this.client);
    await this.coll.updateOne({ _id: this.pipeline, term: held.term, token: held.token }, { $set: { expiresAt: now } });
  }
}
