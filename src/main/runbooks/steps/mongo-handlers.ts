import { randomUUID } from 'node:crypto';
import { DeskError } from '../../../shared/errors';
import type { OperationHandlers, StepContext } from './step-handler';
import { pollUntil } from './step-handler';
import type { MemberAddress } from '../runbook';
import { hello, isUnreachable, type HelloState, type MongoAccess } from './mongo-access';

const CALL_MS = 5000;

async function survey(mongo: MongoAccess, members: MemberAddress[]): Promise<Array<MemberAddress & HelloState>> {
  return Promise.all(members.map(async (m) => ({ ...m, ...(await hello(mongo, m.address, CALL_MS)) })));
}

function stateOf(s: HelloState): string {
  return !s.reachable ? `unreachable (${s.error})` : s.writablePrimary ? 'PRIMARY' : s.secondary ? 'SECONDARY' : 'not primary';
}

async function waitPrimary(mongo: MongoAccess, members: MemberAddress[], notMember: string | null, pollMs: number, ctx: StepContext): Promise<MemberAddress & HelloState> {
  let last = '';
  return pollUntil(
    async () => {
      const all = await survey(mongo, members);
      const seen = all.map((m) => `${m.name}: ${stateOf(m)}`).join(', ');
      // Only changes are logged, so a step that runs into its deadline shows what it last saw.
      if (seen !== last) ctx.log(`${new Date().toISOString()} ${seen}`);
      last = seen;
      return all.find((m) => m.writablePrimary && m.name !== notMember);
    },
    pollMs,
    ctx.signal,
  );
}

/** stepDown closes the connection it arrives on in some server versions: a network error there is expected. */
async function stepDown(mongo: MongoAccess, address: string, secs: number, catchUp: number, force: boolean): Promise<void> {
  try {
    await mongo.command(address, { replSetStepDown: secs, secondaryCatchUpPeriodSecs: catchUp, force }, { timeoutMs: (catchUp + 10) * 1000 });
  } catch (err) {
    if (!isUnreachable(err)) throw err;
  }
}

/** Where the fence step leaves its standing order for members it could not reach (standing-fence.ts). */
export interface StandingFenceSink {
  record(executionId: string, order: { site: string; members: MemberAddress[]; seconds: number }, unreachable: string[]): void;
}

/**
 * Fences a site: freezes its reachable secondaries, then steps down a writable primary (force), and checks
 * that no member answers as a writable primary afterwards. Members that do not answer are counted as down
 * and returned, so the caller can leave a standing order for them.
 */
export async function fenceSite(mongo: MongoAccess, op: { site: string; members: MemberAddress[]; seconds: number }): Promise<{ lines: string[]; unreachable: string[] }> {
  const all = await survey(mongo, op.members);
  const lines: string[] = [];
  // Secondaries first, so none of them can win the election the step-down would otherwise trigger.
  for (const m of all.filter((x) => x.reachable && !x.writablePrimary)) {
    await mongo.command(m.address, { replSetFreeze: op.seconds }, { timeoutMs: CALL_MS });
    lines.push(`${m.name}: frozen ${op.seconds} s`);
  }
  for (const m of all.filter((x) => x.writablePrimary)) {
    await stepDown(mongo, m.address, op.seconds, 0, true);
    lines.push(`${m.name}: stepped down for ${op.seconds} s (force)`);
  }
  const unreachable = all.filter((x) => !x.reachable).map((m) => m.name);
  for (const m of unreachable) lines.push(`${m}: unreachable, counted as down`);
  const after = await survey(mongo, op.members);
  const still = after.find((m) => m.writablePrimary);
  if (still) throw new DeskError('FENCE_FAILED', `${still.name} (${still.address}) still answers as a writable primary after fencing: stop it by hand (shut down mongod) before activating DR.`);
  return { lines, unreachable };
}

/**
 * MongoDB operations of the runbooks. Every action checks the member's state first so that running it
 * again (after a crash) does what the plan meant: stepping down a member that is no longer primary is done.
 */
export function mongoHandlers(mongo: MongoAccess, opts: { standing?: StandingFenceSink } = {}): OperationHandlers {
  return {
    'mongo.expectPrimary': async (op) => {
      const all = await survey(mongo, op.members);
      const expected = all.find((m) => m.name === op.expected);
      if (!expected?.writablePrimary) {
        const actual = all.find((m) => m.writablePrimary)?.name ?? 'none';
        throw new DeskError('PRIMARY_CHANGED', `${op.expected} is not the primary of ${op.replicaSet} now (${expected ? stateOf(expected) : 'not in the plan'}; primary: ${actual}): build a new plan and request approval again.`);
      }
      return { summary: `${op.expected} is the writable primary of ${op.replicaSet}`, data: { members: all.map((m) => ({ name: m.name, state: stateOf(m) })) } };
    },
    'mongo.stepDown': async (op) => {
      const before = await hello(mongo, op.member.address, CALL_MS);
      if (!before.reachable) throw new DeskError('UNREACHABLE', `${op.member.name} (${op.member.address}) does not answer: ${before.error}`);
      if (!before.writablePrimary) return { summary: `${op.member.name} is already not primary (${stateOf(before)}): nothing to step down` };
      await stepDown(mongo, op.member.address, op.stepDownSecs, op.secondaryCatchUpPeriodSecs, op.force);
      const after = await hello(mongo, op.member.address, CALL_MS);
      if (after.writablePrimary) throw new DeskError('STEPDOWN_FAILED', `${op.member.name} is still primary after replSetStepDown: no secondary caught up within ${op.secondaryCatchUpPeriodSecs} s; check replication lag.`);
      return { summary: `${op.member.name} stepped down (now ${stateOf(after)})`, data: { steppedDownAt: new Date().toISOString() } };
    },
    'mongo.freeze': async (op) => {
      await mongo.command(op.member.address, { replSetFreeze: op.seconds }, { timeoutMs: CALL_MS });
      return { summary: `${op.member.name} frozen for ${op.seconds} s` };
    },
    'mongo.waitWritablePrimary': async (op, ctx) => {
      const p = await waitPrimary(mongo, op.members, op.notMember, op.pollMs, ctx);
      return { summary: `${p.name} is the writable primary of ${op.replicaSet}`, data: { primary: p.name, at: new Date().toISOString() } };
    },
    'mongo.writeProbe': async (op, ctx) => {
      const p = await waitPrimary(mongo, op.members, null, 200, ctx);
      const id = `probe-${ctx.executionId}-${ctx.step.n}-${randomUUID().slice(0, 8)}`;
      const r = await mongo.command(
        p.address,
        { insert: op.collection, documents: [{ _id: id, at: new Date(), execution: ctx.executionId, step: ctx.step.n }], writeConcern: { w: 'majority', wtimeout: 10_000 } },
        { db: op.database, timeoutMs: 15_000 },
      );
      if (r.n !== 1 || r.writeConcernError) throw new DeskError('WRITE_PROBE_FAILED', `The probe write on ${p.name} was not acknowledged by a majority (${JSON.stringify(r.writeConcernError ?? r)}): check the secondaries of ${op.replicaSet}.`);
      return { summary: `write ${id} acknowledged by a majority via ${p.name}`, data: { primary: p.name, id } };
    },
    'mongo.fence': async (op, ctx) => {
      const out = await fenceSite(mongo, op);
      if (out.unreachable.length && opts.standing) {
        opts.standing.record(ctx.executionId, { site: op.site, members: op.members, seconds: op.seconds }, out.unreachable);
        out.lines.push(`standing instruction: DR Desk fences ${op.site} the moment it answers again`);
      }
      return { summary: `${op.site} fenced: ${out.lines.join('; ')}`, data: { fencedAt: new Date().toISOString(), members: out.lines, standing: out.unreachable.length > 0 && opts.standing !== undefined } };
    },
    'mongo.unfence': async (op) => {
      const lines: string[] = [];
      for (const m of await survey(mongo, op.members)) {
        if (!m.reachable) {
          lines.push(`${m.name}: unreachable`);
          continue;
        }
        if (m.writablePrimary) {
          lines.push(`${m.name}: primary, not frozen`);
          continue;
        }
        await mongo.command(m.address, { replSetFreeze: 0 }, { timeoutMs: CALL_MS });
        lines.push(`${m.name}: unfrozen`);
      }
      return { summary: `${op.site}: ${lines.join('; ')}` };
    },
    'guard.siteNotWritable': async (op, ctx) => {
      const all = await survey(mongo, op.members);
      const writable = all.filter((m) => m.writablePrimary);
      const seen = all.map((m) => `${m.name}: ${stateOf(m)}`).join(', ');
      if (writable.length === 0) return { summary: `no ${op.site} member takes writes (${seen})`, data: { members: seen } };
      if (ctx.breakGlass)
        return { summary: `BREAK-GLASS override by ${ctx.breakGlass.approvers.join(' and ')}: ${writable.map((m) => m.name).join(', ')} still writable (${ctx.breakGlass.reason})`, data: { breakGlass: true } };
      throw new DeskError(
        'SPLIT_BRAIN_RISK',
        `${writable.map((m) => `${m.name} (${m.address})`).join(', ')} on ${op.site} is reachable and a writable primary: promoting DR now would create two primaries. Run the plan that fences ${op.site}, or get a break-glass approval.`,
        { writable: writable.map((m) => m.name) },
      );
    },
    'mongo.promote': async (op, ctx) => {
      const all = await survey(mongo, op.members);
      const current = all.find((m) => m.writablePrimary);
      if (current) return { summary: `${op.replicaSet} already serves writes (primary ${current.name})`, data: { primary: current.name } };
      const preferred = op.members.find((m) => m.name === op.preferred);
      if (!preferred) throw new DeskError('PLAN_INVALID', `Preferred member ${op.preferred} is not in ${op.replicaSet}: rebuild the plan.`);
      await mongo.command(preferred.address, { replSetFreeze: 0 }, { timeoutMs: CALL_MS }).catch(() => undefined);
      await mongo.command(preferred.address, { replSetStepUp: 1 }, { timeoutMs: 10_000 }).catch((err: Error) => ctx.log(`replSetStepUp on ${preferred.name}: ${err.message}`));
      const p = await waitPrimary(mongo, op.members, null, 200, ctx);
      return { summary: `${op.replicaSet} serves writes (primary ${p.name})`, data: { primary: p.name } };
    },
  };
}
