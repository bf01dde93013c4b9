import type { AppObservation, CycleObservation, MemberObservation, ReplStatus } from '../connectors/probe-types';
import { primaryRow } from './lag';

export interface MemberMemory {
  last: MemberObservation;
  lastOk: MemberObservation | null;
  unreachableSince: number | null;
  /** The member's name in the replica-set config, learned from its hello. */
  me: string | null;
  /** The last state the member itself or a peer reported for it. */
  lastKnownStateStr: string | null;
  lastKnownState: number | null;
}

export interface ElectionSeen {
  at: number;
  from: string | null;
  to: string;
  term: number | null;
}

export interface ReplicaSetMemory {
  primary: string | null;
  term: number | null;
  /** The newest replSetGetStatus that shows a primary, with the member it came from. */
  view: { status: ReplStatus; from: string; at: number } | null;
  lastElection: ElectionSeen | null;
}

export const memberKey = (o: { site: string; replicaSet: string; member: string }): string => `${o.site}/${o.replicaSet}/${o.member}`;
export const replicaSetKey = (o: { site: string; replicaSet: string }): string => `${o.site}/${o.replicaSet}`;

/**
 * What the monitor remembers between polls: the last good observation of each member (shown, with its age,
 * while the member is unreachable), since when it is unreachable, and each set's primary and term, so an
 * election shows up as a change.
 */
export class MonitorMemory {
  readonly members = new Map<string, MemberMemory>();
  readonly replicaSets = new Map<string, ReplicaSetMemory>();
  readonly apps = new Map<string, AppObservation>();
  lastCycle: CycleObservation | null = null;

  /** Records a poll cycle, or (late = true) results that arrived after their cycle had ended. */
  record(cycle: CycleObservation, late = false): void {
    if (!late) this.lastCycle = cycle;
    for (const o of cycle.members) this.recordMember(o);
    for (const a of cycle.apps) this.apps.set(`${a.site} ${a.url}`, a);
    const bySet = new Map<string, MemberObservation[]>();
    for (const o of cycle.members) {
      const k = replicaSetKey(o);
      bySet.set(k, [...(bySet.get(k) ?? []), o]);
    }
    for (const [k, obs] of bySet) this.recordReplicaSet(k, obs);
  }

  private recordMember(o: MemberObservation): void {
    const k = memberKey(o);
    const prev = this.members.get(k);
    const self = o.status?.members.find((m) => m.self);
    const stateStr = self?.stateStr ?? (o.hello ? (o.hello.isWritablePrimary ? 'PRIMARY' : o.hello.arbiterOnly ? 'ARBITER' : o.hello.secondary ? 'SECONDARY' : null) : null);
    this.members.set(k, {
      last: o,
      lastOk: o.reachable ? o : (prev?.lastOk ?? null),
      unreachableSince: o.reachable ? null : (prev?.unreachableSince ?? o.at),
      me: o.hello?.me ?? prev?.me ?? null,
      lastKnownStateStr: (o.reachable ? stateStr : null) ?? prev?.lastKnownStateStr ?? null,
      lastKnownState: (o.reachable ? (self?.state ?? null) : null) ?? prev?.lastKnownState ?? null,
    });
  }

  /** The config name of a topology member: what its hello said, else host:port from the topology. */
  rsName(o: { site: string; replicaSet: string; member: string; address: string }): string {
    return this.members.get(memberKey(o))?.me ?? o.address;
  }

  /** Whether the member a replica-set view came from still answers: only then is the view current. */
  viewIsLive(site: string, replicaSet: string): boolean {
    const view = this.replicaSets.get(replicaSetKey({ site, replicaSet }))?.view;
    if (!view) return false;
    return this.members.get(memberKey({ site, replicaSet, member: view.from }))?.last.reachable ?? false;
  }

  private recordReplicaSet(key: string, obs: MemberObservation[]): void {
    const prev = this.replicaSets.get(key) ?? { primary: null, term: null, view: null, lastElection: null };
    // Prefer the primary's own view; else any reachable member that sees a primary.
    // A peer's replSetGetStatus keeps naming a dead primary until its heartbeats time out (~10 s): a view
    // whose primary DR Desk cannot reach itself names no primary.
    const primaryAnswers = (st: ReplStatus): boolean => obs.find((x) => this.rsName(x) === primaryRow(st)!.name)?.reachable !== false;
    const candidates = obs.filter((o) => o.reachable && o.status && primaryRow(o.status) && primaryAnswers(o.status));
    const best = candidates.find((o) => o.hello?.isWritablePrimary) ?? candidates[0];
    const view = best ? { status: best.status!, from: best.member, at: best.at } : prev.view;
    let primary: string | null = null;
    let term: number | null = prev.term;
    if (best) {
      const row = primaryRow(best.status!)!;
      primary = obs.find((o) => this.rsName(o) === row.name)?.member ?? row.name;
      term = best.status!.term;
    } else if (obs.some((o) => o.reachable)) {
      primary = null;
    } else {
      primary = prev.primary;
    }
    let lastElection = prev.lastElection;
    const changed = primary !== null && prev.view !== null && (primary !== prev.primary || (term !== null && prev.term !== null && term > prev.term));
    if (changed) lastElection = { at: best?.at ?? Date.now(), from: prev.primary, to: primary!, term };
    this.replicaSets.set(key, { primary, term, view, lastElection });
  }
}
