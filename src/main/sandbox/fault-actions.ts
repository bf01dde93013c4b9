import type { Member } from './member';
import { FaultError, parseFault } from './faults';
import type { SandboxImpl, SiteRuntime } from './sandbox';
import type { FaultRequest } from './types';

interface Resolved {
  member: Member;
  site: SiteRuntime;
}

/** A target is a member ("dc-1") or a whole site ("DC"). */
function resolve(sb: SandboxImpl, target: string): Resolved[] {
  const site = sb.site(target);
  if (site) return site.set.members.map((member) => ({ member, site }));
  const found = sb.findMember(target);
  if (found) return [found];
  const names = sb.sites.flatMap((s) => [s.layout.name, ...s.set.members.map((m) => m.name)]);
  throw new FaultError('UNKNOWN_TARGET', `target: unknown member or site "${target}"; use one of ${names.join(', ')}`);
}

function names(rs: Resolved[]): string {
  return rs.map((r) => r.member.name).join(', ');
}

/** Carries out a fault request (validated first); the message says what changed. */
export async function applyFault(sb: SandboxImpl, input: FaultRequest): Promise<{ ok: true; message: string }> {
  const req = parseFault(input);
  const targets = resolve(sb, req.target);
  switch (req.action) {
    case 'kill':
      for (const t of targets) await sb.kill(t.member, t.site);
      return { ok: true, message: `killed ${names(targets)}` };
    case 'revive':
      for (const t of targets) await sb.revive(t.member, t.site);
      return { ok: true, message: `revived ${names(targets)}` };
    case 'partition': {
      if (req.from === 'clients') {
        for (const t of targets) await sb.listeners.get(t.member.name)!.blockClients(true);
        return { ok: true, message: `partitioned ${names(targets)} from every client (members still see each other)` };
      }
      const others = req.from ? resolve(sb, req.from) : sb.sites.flatMap((site) => site.set.members.map((member) => ({ member, site })));
      const mine = new Set(targets.map((t) => t.member.name));
      let n = 0;
      for (const a of targets) {
        for (const b of others) {
          if (mine.has(b.member.name)) continue;
          sb.network.block(a.member.name, b.member.name);
          n++;
        }
      }
      if (n === 0) throw new FaultError('BAD_FAULT', 'from: the two sides of a partition must differ');
      for (const s of sb.sites) for (const m of s.set.members) s.elections.heartbeatFrom(m);
      return { ok: true, message: `partitioned ${names(targets)} from ${req.from ? names(others.filter((o) => !mine.has(o.member.name))) : 'every other member'}` };
    }
    case 'heal': {
      let n = sb.network.healMembers(targets.map((t) => t.member.name));
      for (const t of targets) {
        const l = sb.listeners.get(t.member.name)!;
        if (l.clientsBlocked) n++;
        await l.blockClients(false);
      }
      for (const s of sb.sites) for (const m of s.set.members) s.elections.heartbeatFrom(m);
      for (const s of sb.sites) s.set.replicator.kick();
      return { ok: true, message: `healed ${n} partitioned link(s) of ${names(targets)}` };
    }
    case 'lag': {
      const secondaries = targets.filter((t) => !t.member.arbiter && (targets.length === 1 || t.member.state !== 'PRIMARY'));
      if (secondaries.length === 0) throw new FaultError('BAD_FAULT', `target: ${req.target} holds no data to lag (arbiters do not replicate)`);
      for (const t of secondaries) t.member.lagMs = req.ms!;
      for (const s of sb.sites) s.set.replicator.kick();
      return { ok: true, message: `replication lag of ${names(secondaries)} set to ${req.ms} ms` };
    }
    case 'slow':
      for (const t of targets) t.member.slowMs = req.ms!;
      return { ok: true, message: `responses of ${names(targets)} delayed by ${req.ms} ms` };
    case 'freeze': {
      const secs = req.seconds ?? 60;
      const frozen = targets.filter((t) => !t.member.arbiter && t.member.state !== 'PRIMARY');
      if (frozen.length === 0) throw new FaultError('BAD_FAULT', `target: ${req.target} has no secondary to freeze (a primary must step down first)`);
      for (const t of frozen) t.member.frozenUntil = secs > 0 ? Date.now() + secs * 1000 : 0;
      return { ok: true, message: secs > 0 ? `froze ${names(frozen)} for ${secs} s` : `unfroze ${names(frozen)}` };
    }
    case 'stepdown': {
      const primaries = targets.filter((t) => t.member.isPrimary);
      if (primaries.length === 0) throw new FaultError('NOT_PRIMARY', `target: ${req.target} is not (or has no) primary to step down`);
      const secs = req.seconds ?? 60;
      for (const t of primaries) {
        t.site.set.stepDown(t.member, secs, 'fault: stepdown');
        t.site.elections.nominateSuccessor(t.member);
      }
      return { ok: true, message: `stepped down ${names(primaries)} for ${secs} s` };
    }
    case 'app': {
      const site = sb.site(req.target);
      if (!site) throw new FaultError('BAD_FAULT', `target: "app" needs a site name (${sb.sites.map((s) => s.layout.name).join(', ')})`);
      site.appRunning = req.running!;
      return { ok: true, message: `${site.layout.name} application ${req.running ? 'started' : 'stopped'}` };
    }
  }
}
