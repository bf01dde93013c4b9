import type { ActivationInfo, BackupHeadline, MemberView, Overview, ReplicaSetView, SiteView } from '../../shared/monitor';
import { worst, type Reason, type Status } from '../../shared/status';
import type { Topology } from '../../shared/topology';
import type { ElectionSeen } from './memory';

/**
 * The rules engine: pure functions from the views (what was observed) to a GREEN / YELLOW / RED status with
 * reason codes and a sentence each, for every member, replica set, site and the whole topology. A parent's
 * reasons include its children's, so the overall status lists everything.
 */
export interface RuleContext {
  thresholds: Topology['thresholds'];
  now: number;
  /** The last election the monitor saw in each set, by "site/replicaSet". */
  elections: ReadonlyMap<string, ElectionSeen | null>;
  /**
   * The recorded DR activation (null: none, DC is active). Undefined when the monitor runs without the
   * backup feature (a one-shot status): then the active site is guessed from which application answers.
   */
  activation?: ActivationInfo | null;
  /** Backup readiness, merged into the overall status; undefined/null without the backup feature. */
  backup?: BackupHeadline | null;
}

const HEALTHY_STATES = new Set(['PRIMARY', 'SECONDARY', 'ARBITER']);
const NOT_SERVING = new Set(['STARTUP', 'STARTUP2', 'RECOVERING', 'ROLLBACK', 'REMOVED', 'UNKNOWN']);

const reason = (code: Reason['code'], level: Reason['level'], subject: string, message: string): Reason => ({ code, level, subject, message });
const status = (reasons: Reason[]): Status => ({ level: worst(reasons.map((r) => r.level)), reasons });
const fmt = (n: number, digits = 1): string => (Number.isInteger(n) ? String(n) : n.toFixed(digits));

export function ago(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  return `${fmt(s / 3600)} h ago`;
}

const isHealthy = (m: MemberView): boolean => HEALTHY_STATES.has(m.stateStr) && (m.reachable || m.health === 1);
const dataBearing = (m: MemberView): boolean => m.expectedRole !== 'arbiter' && m.stateStr !== 'ARBITER';

export function memberReasons(m: MemberView, rs: ReplicaSetView, site: SiteView, ctx: RuleContext): Reason[] {
  const subject = `${site.name}/${rs.name}/${m.name}`;
  const t = ctx.thresholds;
  const out: Reason[] = [];
  if (!site.reachable) {
    const known = m.lastSeen ? `last known ${m.lastKnownStateStr ?? m.stateStr}, ${ago(m.lastSeen, ctx.now)}` : 'never reached';
    return [reason('STALE_DATA', 'yellow', subject, `${m.name} unreachable since ${m.unreachableSince ?? 'start'} (${known}): the values shown are its last known state.`)];
  }
  if (!m.reachable) {
    if (m.health === 1)
      return [reason('STALE_DATA', 'yellow', subject, `${m.name} does not answer DR Desk since ${m.unreachableSince} but the primary sees it as ${m.stateStr}: check the network path and firewall from this machine to ${m.host}.`)];
    const healthyVoters = rs.members.filter(isHealthy).length;
    const majority = Math.floor(rs.members.length / 2) + 1;
    const margin = healthyVoters - majority;
    const since = `since ${m.unreachableSince ?? 'start'} (last known ${m.lastKnownStateStr ?? m.stateStr}${m.lastSeen ? `, seen ${ago(m.lastSeen, ctx.now)}` : ''})`;
    if (!dataBearing(m))
      return [
        reason(
          'ARBITER_DOWN',
          'yellow',
          subject,
          `Arbiter ${m.name} down ${since}: ${margin <= 0 ? `${rs.name} has no failover margin left — losing one more member leaves it without a primary` : `${rs.name}'s failover margin is reduced`}. Restart the arbiter.`,
        ),
      ];
    const copies = rs.members.filter((o) => dataBearing(o) && isHealthy(o)).length;
    return [
      reason(
        'MEMBER_DOWN',
        copies <= 1 ? 'red' : 'yellow',
        subject,
        `${m.name} down ${since}: ${copies <= 1 ? `only ${copies} healthy copy of the data is left in ${rs.name}` : `${rs.name} has ${copies} healthy data-bearing members left`}${margin <= 0 ? ' and no failover margin' : ''}. Restart it or find out why it stopped.`,
      ),
    ];
  }
  if (NOT_SERVING.has(m.stateStr))
    out.push(reason('MEMBER_DOWN', 'yellow', subject, `${m.name} is ${m.stateStr}: it answers but is not a usable copy of the data yet. Watch it catch up, or check its log.`));
  if (m.lagSeconds !== null && m.lagSeconds >= t.lagYellowSeconds) {
    const red = m.lagSeconds >= t.lagRedSeconds;
    out.push(
      reason(
        'LAG_HIGH',
        red ? 'red' : 'yellow',
        subject,
        `${m.name} is ${fmt(m.lagSeconds)} s behind the primary (${red ? `red from ${t.lagRedSeconds} s` : `yellow from ${t.lagYellowSeconds} s`}): check its disk, network and the write load.`,
      ),
    );
  }
  if (dataBearing(m) && m.oplogWindowHours !== null && m.oplogWindowHours < t.oplogWindowYellowHours) {
    const red = m.oplogWindowHours < t.oplogWindowRedHours;
    out.push(
      reason(
        'OPLOG_WINDOW_SHORT',
        red ? 'red' : 'yellow',
        subject,
        `${m.name}'s oplog window is ${fmt(m.oplogWindowHours, 2)} h (${red ? `red below ${t.oplogWindowRedHours} h` : `yellow below ${t.oplogWindowYellowHours} h`}): a member down longer than that needs a full resync. Grow the oplog.`,
      ),
    );
  }
  return out;
}

export function replicaSetReasons(rs: ReplicaSetView, site: SiteView, ctx: RuleContext): Reason[] {
  const subject = `${site.name}/${rs.name}`;
  const out: Reason[] = [];
  if (!site.reachable) return out;
  if (rs.primary === null && ctx.activation && ctx.activation.from === site.name) {
    // After an activation the old site must not take writes: no primary there is the fence holding, not an outage.
    out.push(reason('NO_PRIMARY', 'yellow', subject, `${rs.name} has no primary, as it must while ${ctx.activation.site} takes the writes (activated at ${ctx.activation.at}): leave it so until a failback.`));
  } else if (rs.primary === null) {
    const healthy = rs.members.filter(isHealthy).length;
    const majority = Math.floor(rs.members.length / 2) + 1;
    out.push(
      reason(
        'NO_PRIMARY',
        'red',
        subject,
        `${rs.name} has no primary: writes fail. ${healthy} of ${rs.members.length} members are healthy and an election needs ${majority}${healthy < majority ? ' — bring members back' : ' — an election should follow shortly'}.`,
      ),
    );
  }
  const e = ctx.elections.get(subject);
  if (e && ctx.now - e.at < ctx.thresholds.recentElectionMinutes * 60_000)
    out.push(
      reason(
        'RECENT_ELECTION',
        'yellow',
        subject,
        `${rs.name} elected ${e.to} as primary at ${new Date(e.at).toISOString()}${e.from && e.from !== e.to ? ` (was ${e.from})` : ''}: find out why the previous primary stepped down.`,
      ),
    );
  return out;
}

/**
 * The site that takes the writes. With a known activation state: DC until a DR activation was recorded, the
 * activated site after it (a failback ends the record, and DC is active again). Without it: DC, unless only
 * a DR site's application answers.
 */
export function activeSite(sites: SiteView[], activation?: ActivationInfo | null): SiteView | null {
  const dc = sites.find((s) => s.role === 'dc') ?? null;
  if (activation !== undefined) return (activation && sites.find((s) => s.name === activation.site)) || dc;
  const up = (s: SiteView): boolean => s.app.some((a) => a.ok === true);
  if (dc && !up(dc)) return sites.find((s) => s.role === 'dr' && up(s)) ?? dc;
  return dc;
}

/**
 * SPLIT_BRAIN: a site other than the active one takes writes — its application answers, or (after an
 * activation) one of its sets has a writable primary that DR Desk reaches itself. Before an activation DR's
 * sets have a primary by design (they apply DC's slices) and only DR's application answering counts.
 */
export function splitBrainReasons(sites: SiteView[], active: SiteView | null, activation: ActivationInfo | null | undefined): Array<{ site: string; reason: Reason }> {
  if (!active) return [];
  const out: Array<{ site: string; reason: Reason }> = [];
  const fence = activation
    ? `Fence ${'{site}'}: freeze its members and step its primary down (the failback runbook's fence, approval-gated), then bring ${active.name}'s writes back with a failback when ready.`
    : `Stop the application on ${'{site}'} now and find out who started it; nothing may write there while ${active.name} is active.`;
  for (const site of sites.filter((s) => s.name !== active.name)) {
    const what: string[] = [];
    const apps = site.app.filter((a) => a.ok === true).map((a) => a.url);
    if (apps.length) what.push(`its application answers at ${apps.join(', ')}`);
    if (activation) {
      const writable = site.replicaSets.filter((rs) => rs.members.some((m) => m.name === rs.primary && m.reachable && m.stateStr === 'PRIMARY'));
      if (writable.length) what.push(`${writable.map((rs) => `${rs.name} has a writable primary (${rs.primary})`).join(', ')}`);
    }
    if (what.length === 0) continue;
    const why = activation ? `${active.name} was activated at ${activation.at} and takes the writes` : `${active.name} is the active site`;
    out.push({
      site: site.name,
      reason: reason('SPLIT_BRAIN', 'red', site.name, `Split brain: ${why}, but on ${site.name} ${what.join(' and ')} — two sites can take writes and their data diverges. ${fence.replaceAll('{site}', site.name)}`),
    });
  }
  return out;
}

export function siteReasons(site: SiteView, active: boolean, ctx: RuleContext): Reason[] {
  const out: Reason[] = [];
  if (!site.reachable) {
    const last = site.replicaSets.map((rs) => `${rs.name}: ${rs.members.map((m) => `${m.name} ${m.lastKnownStateStr ?? m.stateStr}`).join(', ')}`).join('; ');
    out.push(
      reason(
        'SITE_UNREACHABLE',
        'red',
        site.name,
        site.lastSeen
          ? `${site.name} unreachable since ${site.unreachableSince}; last known state from ${site.lastSeen} (${ago(site.lastSeen, ctx.now)}): ${last}. Check the network or VPN to ${site.name}.`
          : `${site.name} has not answered since DR Desk started: check the network or VPN to ${site.name} and the member addresses in the topology.`,
      ),
    );
  }
  if (active)
    for (const a of site.app.filter((x) => x.ok === false))
      out.push(reason('APP_UNHEALTHY', 'red', site.name, `The application on ${site.name} (the active site) is unhealthy at ${a.url}: ${a.error ?? 'no answer'}.`));
  return out;
}

const majorMinor = (v: string): string => v.split('.').slice(0, 2).join('.');

export function versionReasons(sites: SiteView[]): Array<{ site: string; reason: Reason }> {
  const versions = new Map(
    sites.map((s) => [s, [...new Set(s.replicaSets.flatMap((rs) => rs.members.filter((m) => dataBearing(m) && m.version).map((m) => majorMinor(m.version!))))].sort()]),
  );
  const out: Array<{ site: string; reason: Reason }> = [];
  for (const dc of sites.filter((s) => s.role === 'dc'))
    for (const dr of sites.filter((s) => s.role === 'dr')) {
      const a = versions.get(dc)!;
      const b = versions.get(dr)!;
      if (a.length && b.length && a.join() !== b.join())
        out.push({
          site: dr.name,
          reason: reason('VERSION_MISMATCH', 'yellow', `${dc.name}/${dr.name}`, `${dc.name} runs MongoDB ${a.join(', ')} but ${dr.name} runs ${b.join(', ')}: restores and DR activation need the same major version. Upgrade the older site.`),
        });
    }
  return out;
}

/** Fills in every status of a drafted overview. */
export function evaluate(draft: Overview, ctx: RuleContext): Overview {
  if (draft.polledAt === null) return draft;
  const active = activeSite(draft.sites, ctx.activation);
  const versions = versionReasons(draft.sites);
  const split = splitBrainReasons(draft.sites, active, ctx.activation);
  const sites = draft.sites.map((site) => {
    const replicaSets = site.replicaSets.map((rs) => {
      const members = rs.members.map((m) => ({ ...m, status: status(memberReasons(m, rs, site, ctx)) }));
      return { ...rs, members, status: status([...replicaSetReasons(rs, site, ctx), ...members.flatMap((m) => m.status.reasons)]) };
    });
    const own = [
      ...split.filter((v) => v.site === site.name).map((v) => v.reason),
      ...siteReasons(site, active?.name === site.name, ctx),
      ...versions.filter((v) => v.site === site.name).map((v) => v.reason),
    ];
    return { ...site, active: active?.name === site.name, replicaSets, status: status([...own, ...replicaSets.flatMap((r) => r.status.reasons)]) };
  });
  const all = [...sites.flatMap((s) => s.status.reasons), ...(ctx.backup?.reasons ?? [])];
  // Split brain first: it is the one reason where waiting makes things worse.
  const ordered = [...all.filter((r) => r.code === 'SPLIT_BRAIN'), ...all.filter((r) => r.code !== 'SPLIT_BRAIN')];
  return { ...draft, sites, status: status(ordered), activeSite: active?.name ?? null, activation: ctx.activation ?? null, backup: ctx.backup ?? null };
}
