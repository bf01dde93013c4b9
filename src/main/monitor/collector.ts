import type { Topology } from '../../shared/topology';
import { checkHttpHealth } from '../connectors/http-health';
import { withDeadline } from '../connectors/deadline';
import { MongoMemberProbe } from '../connectors/mongo-member';
import type { SecretStore } from '../store/secret-store';
import type { CycleObservation, MemberObservation } from './observations';

/** Slack on top of the request deadline for the whole cycle (timers, event-loop turns). */
const CYCLE_SLACK_MS = 500;

/**
 * One poll of everything: every member and every application URL at once, each bounded by the topology's
 * request deadline, so a dead site costs one deadline and never delays the others.
 */
export class Collector {
  readonly probes: MongoMemberProbe[];

  constructor(
    private readonly topology: Topology,
    secrets: SecretStore,
  ) {
    this.probes = topology.sites.flatMap((site) =>
      site.replicaSets.flatMap((replicaSet) => replicaSet.members.map((member) => new MongoMemberProbe({ site: site.name, replicaSet, member }, { timeoutMs: topology.requestTimeoutMs, secrets }))),
    );
  }

  async collect(): Promise<CycleObservation> {
    const startedAt = Date.now();
    const t = this.topology.requestTimeoutMs;
    const members = this.probes.map((p) =>
      withDeadline(p.probe(), t + CYCLE_SLACK_MS, `polling ${p.ref.address}`).catch(
        (err: unknown): MemberObservation => ({
          ...p.ref,
          at: Date.now(),
          durationMs: Date.now() - startedAt,
          reachable: false,
          error: { code: 'TIMEOUT', message: (err as Error).message },
          hello: null,
          pingMs: null,
          status: null,
          oplog: null,
          version: null,
        }),
      ),
    );
    const apps = this.topology.sites.flatMap((s) => s.appHealthUrls.map((url) => checkHttpHealth(s.name, url, t)));
    const [m, a] = await Promise.all([Promise.all(members), Promise.all(apps)]);
    return { startedAt, finishedAt: Date.now(), members: m, apps: a };
  }

  /** Reconnects every member on the next poll (after a password change). */
  async resetConnections(): Promise<void> {
    await Promise.all(this.probes.map((p) => p.reset()));
  }

  async close(): Promise<void> {
    await Promise.all(this.probes.map((p) => p.close()));
  }
}
