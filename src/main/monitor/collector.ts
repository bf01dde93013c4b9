import type { Topology } from '../../shared/topology';
import { checkHttpHealth } from '../connectors/http-health';
import { withDeadline } from '../connectors/deadline';
import { MongoMemberProbe } from '../connectors/mongo-member';
import type { SecretStore } from '../store/secret-store';
import type { AppObservation, CycleObservation, MemberObservation } from '../connectors/probe-types';

/** Slack on top of the request deadline for one probe (timers, event-loop turns). */
export const PROBE_SLACK_MS = 500;

/**
 * Polls every member and every application URL at once, each probe bounded by the topology's request
 * deadline. A cycle waits for its probes at most `budgetMs`: a probe still running then (a dead or
 * black-holed member) keeps running without holding the cycle up, is not started again while it runs, and
 * its result is handed to `onLate` as soon as it arrives. So a dead site costs nothing to the others.
 */
export class Collector {
  readonly probes: MongoMemberProbe[];
  /** Results that arrived after their cycle had ended, batched per event-loop turn. */
  onLate: ((c: CycleObservation) => void) | null = null;
  private readonly inflight = new Set<string>();
  private late: CycleObservation | null = null;

  constructor(
    private readonly topology: Topology,
    secrets: SecretStore,
  ) {
    this.probes = topology.sites.flatMap((site) =>
      site.replicaSets.flatMap((replicaSet) => replicaSet.members.map((member) => new MongoMemberProbe({ site: site.name, replicaSet, member }, { timeoutMs: topology.requestTimeoutMs, secrets }))),
    );
  }

  /** The longest one probe can take. */
  get probeBoundMs(): number {
    return this.topology.requestTimeoutMs + PROBE_SLACK_MS;
  }

  private probeMember(p: MongoMemberProbe): Promise<MemberObservation> {
    const started = Date.now();
    return withDeadline(p.probe(), this.probeBoundMs, `polling ${p.ref.address}`).catch(
      (err: unknown): MemberObservation => ({
        ...p.ref,
        at: Date.now(),
        durationMs: Date.now() - started,
        reachable: false,
        error: { code: 'TIMEOUT', message: (err as Error).message },
        hello: null,
        pingMs: null,
        status: null,
        oplog: null,
        version: null,
      }),
    );
  }

  async collect(budgetMs: number = this.probeBoundMs): Promise<CycleObservation> {
    const startedAt = Date.now();
    const cycle: CycleObservation = { startedAt, finishedAt: startedAt, members: [], apps: [] };
    let open = true;
    const launched: Array<Promise<void>> = [];
    const launch = <T extends MemberObservation | AppObservation>(key: string, run: () => Promise<T>, into: (c: CycleObservation, o: T) => void): void => {
      if (this.inflight.has(key)) return;
      this.inflight.add(key);
      launched.push(
        run().then((o) => {
          this.inflight.delete(key);
          if (open) into(cycle, o);
          else this.deliverLate(o, into);
        }),
      );
    };
    for (const p of this.probes) launch(`m ${p.ref.site}/${p.ref.replicaSet}/${p.ref.member}`, () => this.probeMember(p), (c, o) => c.members.push(o));
    for (const s of this.topology.sites)
      for (const url of s.appHealthUrls) launch(`a ${s.name} ${url}`, () => checkHttpHealth(s.name, url, this.topology.requestTimeoutMs), (c, o) => c.apps.push(o));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(launched), new Promise<void>((r) => (timer = setTimeout(r, budgetMs)))]);
    clearTimeout(timer);
    open = false;
    cycle.finishedAt = Date.now();
    return cycle;
  }

  private deliverLate<T>(o: T, into: (c: CycleObservation, o: T) => void): void {
    if (!this.late) {
      const now = Date.now();
      this.late = { startedAt: now, finishedAt: now, members: [], apps: [] };
      setImmediate(() => {
        const batch = this.late!;
        this.late = null;
        batch.finishedAt = Date.now();
        this.onLate?.(batch);
      });
    }
    into(this.late, o);
  }

  /** Reconnects every member on the next poll (after a password change). */
  async resetConnections(): Promise<void> {
    await Promise.all(this.probes.map((p) => p.reset()));
  }

  async close(): Promise<void> {
    this.onLate = null;
    await Promise.all(this.probes.map((p) => p.close()));
  }
}
