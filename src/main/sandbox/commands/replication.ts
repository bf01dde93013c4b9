import type { Document } from 'bson';
import type { ConfigMember } from '../election-rules';
import { CommandError } from '../errors';
import { compareOpTime } from '../oplog';
import { toNumber } from '../query/values';
import type { ReplSetConfig } from '../replica-set';
import { applyOps } from './apply-ops';
import { boolArg, intArg, type CommandContext, type CommandTable } from './context';
import { replSetConfigDoc, replSetStatus } from './repl-status';

/** replSet* commands and applyOps (the way mongorestore --oplogReplay feeds a primary). */
function requirePrimary(ctx: CommandContext): void {
  if (ctx.member.state !== 'PRIMARY') throw new CommandError('NotWritablePrimary', 'not primary', { topologyVersion: ctx.member.topologyVersion() });
}

async function stepDown(ctx: CommandContext): Promise<Document> {
  requirePrimary(ctx);
  const secs = intArg(ctx.cmd, 'replSetStepDown', 60);
  const catchUp = intArg(ctx.cmd, 'secondaryCatchUpPeriodSecs', Math.min(10, secs));
  if (secs < catchUp) throw new CommandError('BadValue', 'stepdown period must be longer than secondaryCatchUpPeriodSecs');
  const force = boolArg(ctx.cmd, 'force', false);
  const { member: m, set } = ctx;
  const caughtUp = (): boolean =>
    set.members.some((s) => s !== m && s.state === 'SECONDARY' && set.isElectable(s) && set.reachable(m, s) && compareOpTime(s.lastApplied(), m.lastApplied()) >= 0);
  const deadline = Date.now() + catchUp * 1000;
  while (!caughtUp() && Date.now() < deadline && m.state === 'PRIMARY') {
    ctx.op?.check();
    await new Promise((r) => setTimeout(r, 25));
  }
  if (m.state !== 'PRIMARY') throw new CommandError('NotWritablePrimary', 'not primary (stepped down while waiting for secondaries)');
  if (!caughtUp() && !force) throw new CommandError('ExceededTimeLimit', `No electable secondaries caught up as of ${new Date().toISOString()}. Please use the replSetStepDown command with the argument {force: true} to force node to step down.`);
  set.stepDown(m, secs, 'replSetStepDown');
  ctx.elections.nominateSuccessor(m);
  return { ok: 1 };
}

function freeze(ctx: CommandContext): Document {
  const secs = intArg(ctx.cmd, 'replSetFreeze', 0);
  if (ctx.member.state === 'PRIMARY') throw new CommandError('NotSecondary', 'cannot freeze node when primary or running for election. state: Primary');
  if (ctx.member.arbiter) throw new CommandError('NotSecondary', 'cannot freeze an arbiter: it never stands for election');
  ctx.member.frozenUntil = secs > 0 ? Date.now() + secs * 1000 : 0;
  return secs > 0 ? { ok: 1 } : { info: 'unfreezing', ok: 1 };
}

/** Checks a proposed config against the sandbox: hosts must be its own members of this set. */
function parseConfig(ctx: CommandContext, raw: unknown, force: boolean): ReplSetConfig {
  const { set } = ctx;
  if (!raw || typeof raw !== 'object') throw new CommandError('InvalidReplicaSetConfig', 'replSetReconfig needs a config document');
  const c = raw as Document;
  if (c._id !== set.name) throw new CommandError('InvalidReplicaSetConfig', `config _id "${String(c._id)}" does not match the set name "${set.name}"`);
  if (!Array.isArray(c.members) || c.members.length === 0) throw new CommandError('InvalidReplicaSetConfig', 'config needs a non-empty members array');
  const members: ConfigMember[] = (c.members as Document[]).map((raw) => {
    const host = String(raw.host);
    const m = set.memberByHost(host);
    if (!m) throw new CommandError('NodeNotFound', `${host} is not a member of the sandbox set ${set.name}; members are ${set.members.map((x) => x.host).join(', ')}`);
    const arbiterOnly = raw.arbiterOnly === true;
    if (arbiterOnly !== m.arbiter) throw new CommandError('NewReplicaSetConfigurationIncompatible', `${m.name} cannot change between arbiter and data-bearing member`);
    const votes = raw.votes === undefined ? 1 : toNumber(raw.votes);
    const priority = arbiterOnly ? 0 : raw.priority === undefined ? 1 : toNumber(raw.priority);
    if (votes !== 0 && votes !== 1) throw new CommandError('InvalidReplicaSetConfig', `votes of ${host} must be 0 or 1`);
    if (votes === 0 && priority > 0) throw new CommandError('InvalidReplicaSetConfig', `${host}: a non-voting member must have priority 0`);
    return { _id: toNumber(raw._id), name: m.name, host, arbiterOnly, priority, votes };
  });
  if (new Set(members.map((m) => m._id)).size !== members.length) throw new CommandError('InvalidReplicaSetConfig', 'member _id values must be unique');
  if (new Set(members.map((m) => m.host)).size !== members.length) throw new CommandError('InvalidReplicaSetConfig', 'member hosts must be unique');
  if (!members.some((m) => m.votes > 0 && !m.arbiterOnly && m.priority > 0)) throw new CommandError('InvalidReplicaSetConfig', 'at least one electable member is needed');
  const version = force ? set.config.version + 10_000 + Math.floor(Math.random() * 90_000) : toNumber(c.version);
  if (!force && !(version > set.config.version)) throw new CommandError('NewReplicaSetConfigurationIncompatible', `version ${version} must be greater than the current version ${set.config.version}`);
  return { _id: set.name, version, term: set.config.term, members, replicaSetId: set.config.replicaSetId };
}

function reconfig(ctx: CommandContext): Document {
  const force = boolArg(ctx.cmd, 'force', false);
  if (!force) requirePrimary(ctx);
  if (ctx.member.arbiter && force) throw new CommandError('NotSecondary', 'run a forced reconfig on a data-bearing member');
  const next = parseConfig(ctx, ctx.cmd.replSetReconfig, force);
  ctx.set.reconfig(next, force);
  for (const m of ctx.set.members) ctx.elections.heartbeatFrom(m);
  return { ok: 1 };
}

/**
 * shutdown: a primary first steps down (waiting up to timeoutSecs for a caught-up secondary unless force),
 * then the member stops; its reply is lost with the connection, as with mongod. Revive it with a fault.
 */
async function shutdown(ctx: CommandContext): Promise<Document> {
  if (ctx.db !== 'admin') throw new CommandError('Unauthorized', 'shutdown may only be run against the admin database.');
  if (!ctx.shutdown) throw new CommandError('IllegalOperation', 'this member cannot be shut down from a client');
  const force = boolArg(ctx.cmd, 'force', false);
  if (ctx.member.state === 'PRIMARY') {
    const timeoutSecs = intArg(ctx.cmd, 'timeoutSecs', 15);
    try {
      await stepDown({ ...ctx, cmd: { replSetStepDown: Math.max(timeoutSecs, 60), secondaryCatchUpPeriodSecs: timeoutSecs, force } });
    } catch (err) {
      if (!force) throw err;
    }
  }
  setImmediate(() => void ctx.shutdown!());
  return { ok: 1 };
}

export const replicationCommands: CommandTable = {
  shutdown: { run: shutdown },
  replSetGetStatus: { run: (ctx) => replSetStatus(ctx) },
  replSetGetConfig: { run: (ctx) => ({ config: replSetConfigDoc(ctx), ok: 1 }) },
  replSetStepDown: { run: stepDown },
  replSetFreeze: { run: freeze },
  replSetReconfig: { run: reconfig },
  // replSetStepUp: an election if this member is eligible; success means it is primary afterwards, else
  // CommandFailed "Election failed." (replication_coordinator_impl_elect_v1.cpp, stepUpIfEligible).
  replSetStepUp: {
    run: (ctx) => {
      const m = ctx.member;
      if (m.state === 'SECONDARY' && ctx.set.isElectable(m) && Date.now() >= m.frozenUntil) ctx.elections.runElection(m, boolArg(ctx.cmd, 'skipDryRun', false) ? 'stepUpRequestSkipDryRun' : 'replSetStepUp');
      if (m.state !== 'PRIMARY') throw new CommandError('CommandFailed', 'Election failed.');
      return { ok: 1 };
    },
  },
  applyOps: { run: applyOps },
};
