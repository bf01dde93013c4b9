import { Binary, Long, type Document } from 'bson';
import { CommandError, errorReply } from '../errors';
import { bigToTs } from '../oplog';
import { toNumber } from '../query/values';
import { adminCommands } from './admin';
import { aggregateCommands } from './aggregate';
import type { CommandContext, CommandSpec, CommandTable } from './context';
import { readCommands } from './crud-read';
import { diagnosticsCommands } from './diagnostics';
import { explainCommands } from './explain';
import { writeCommands } from './crud-write';
import { handshakeCommands } from './handshake';
import { replicationCommands } from './replication';
import { transactionCommands } from './transactions';

const table: CommandTable = { ...handshakeCommands, ...readCommands, ...writeCommands, ...aggregateCommands, ...adminCommands, ...replicationCommands, ...transactionCommands, ...diagnosticsCommands, ...explainCommands };

/** Fields of a command document that are not its name or arguments but generic ("$db", "lsid", ...). */
export function commandName(cmd: Document): string {
  const first = Object.keys(cmd)[0];
  if (first === undefined) throw new CommandError('FailedToParse', 'empty command document');
  return first;
}

function checkState(ctx: CommandContext, name: string, spec: CommandSpec): void {
  const m = ctx.member;
  if (!spec.kind || spec.kind === 'none') return;
  if (!m.store || m.state === 'REMOVED') throw new CommandError('NotPrimaryOrSecondary', 'node is not in primary or recovering state');
  if (spec.kind === 'write') {
    if (m.state !== 'PRIMARY') throw new CommandError('NotWritablePrimary', 'not primary', { topologyVersion: m.topologyVersion() });
    return;
  }
  if (m.state === 'PRIMARY') return;
  if (m.state !== 'SECONDARY') throw new CommandError('NotPrimaryOrSecondary', `node is not in primary or recovering state (state ${m.state}) for ${name}`, { topologyVersion: m.topologyVersion() });
  if (!ctx.secondaryOk) throw new CommandError('NotPrimaryNoSecondaryOk', 'not primary and secondaryOk=false', { topologyVersion: m.topologyVersion() });
}

function wantsSecondaryOk(cmd: Document, opQuerySecondaryOk: boolean): boolean {
  const rp = cmd.$readPreference as Document | undefined;
  if (rp && typeof rp.mode === 'string') return rp.mode !== 'primary';
  return opQuerySecondaryOk;
}

/** Runs one command and always returns a reply document (errors become ok:0 replies). */
export async function dispatch(base: Omit<CommandContext, 'secondaryOk'>, opQuerySecondaryOk: boolean): Promise<Document> {
  const { cmd, member } = base;
  const retryable = cmd.txnNumber !== undefined;
  let reply: Document;
  const op = member.ops.begin(base.conn, base.db, cmd);
  let known: string | null = null;
  // maxTimeMS is the operation's deadline (MaxTimeMSExpired at its next interrupt point); on a getMore of a
  // tailable awaitData cursor it is the await time instead, which the cursor handles.
  const maxTime = cmd.maxTimeMS !== undefined && !('getMore' in cmd) ? toNumber(cmd.maxTimeMS) : 0;
  const deadline = maxTime > 0 ? setTimeout(() => op.kill('MaxTimeMSExpired'), maxTime) : undefined;
  try {
    const name = commandName(cmd);
    const spec = Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
    if (!spec) throw new CommandError('CommandNotFound', `no such command: '${name}'`);
    known = name;
    if (base.credentials && !spec.noAuth && !base.conn.user) throw new CommandError('Unauthorized', `Command ${name} requires authentication`);
    const ctx: CommandContext = { ...base, secondaryOk: wantsSecondaryOk(cmd, opQuerySecondaryOk), op };
    checkState(ctx, name, spec);
    if (cmd.autocommit !== undefined) {
      if (cmd.autocommit !== false) throw new CommandError('InvalidOptions', 'autocommit must be false');
      if (member.state !== 'PRIMARY') throw new CommandError('NotWritablePrimary', 'not primary', { topologyVersion: member.topologyVersion() });
      ctx.txn = member.transactions.forCommand(cmd);
    } else if (cmd.startTransaction !== undefined) throw new CommandError('InvalidOptions', 'startTransaction needs autocommit: false');
    if (spec.counter) member.opcounters[spec.counter]++;
    else if (spec.kind !== 'write') member.opcounters.command++;
    reply = await spec.run(ctx);
  } catch (err) {
    reply = errorReply(err, retryable);
  } finally {
    if (deadline) clearTimeout(deadline);
    member.ops.end(op);
  }
  // serverStatus.metrics.commands counts known commands only (an unknown one is counted as <UNKNOWN>).
  member.metrics.command(known ?? '<UNKNOWN>', reply.ok !== 1);
  if (member.store) {
    const last = member.lastApplied();
    const clusterTime = bigToTs(last.ts);
    reply.$clusterTime = { clusterTime, signature: { hash: new Binary(Buffer.alloc(20)), keyId: Long.ZERO } };
    reply.operationTime = clusterTime;
  }
  return reply;
}
