import { UUID, type Document } from 'bson';
import { applyEntry } from '../apply-oplog';
import { CommandError } from '../errors';
import type { OpTime } from '../oplog';
import type { OpEntry } from '../replica-set';
import { parseWriteConcern } from '../write-concern';
import type { CommandContext } from './context';

/**
 * The applyOps command as mongod runs it (src/mongo/db/repl/apply_ops.cpp, oplog.cpp's command table in
 * kApplyOpsCmd mode), because mongorestore --oplogReplay and DR Desk's replay feed a primary through it:
 * - the command itself refuses `prepare` (BadValue), `partialTxn` (31056) and `count` (31240);
 * - a dropDatabase entry must be the only one (6275900);
 * - index builds are not accepted in applyOps mode: createIndexes, startIndexBuild, commitIndexBuild and
 *   abortIndexBuild answer CommandNotSupported (115);
 * - a CRUD entry whose `ui` names no collection or another one than `ns` fails with 3318200, as a status:
 *   later entries still run, and the command ends with UnknownError and the `results` array;
 * - an insert or update on a namespace that does not exist throws NamespaceNotFound and stops there, as does
 *   every command failure; the reply then carries `applied` (counting the failed entry) and `results`.
 * - `preCondition` is not read: 6.2 removed it (SERVER-67116) and 7.0's apply_ops.cpp never looks at it, while
 *   the command's IDL struct is not strict, so the field is accepted and ignored — it fences nothing.
 */
const OP_TYPES = new Set(['i', 'u', 'd', 'c', 'n']);
const INDEX_BUILD_COMMANDS = new Set(['createIndexes', 'startIndexBuild', 'commitIndexBuild', 'abortIndexBuild']);

function requirePrimary(ctx: CommandContext): void {
  if (ctx.member.state !== 'PRIMARY') throw new CommandError('NotWritablePrimary', `Not primary while applying ops to database ${ctx.db}`, { topologyVersion: ctx.member.topologyVersion() });
}

function commandName(e: Document): string {
  return Object.keys((e.o as Document) ?? {})[0] ?? '';
}

/** One CRUD entry's checks that fail as a status (the command goes on). */
function uuidMismatch(ctx: CommandContext, e: Document): string | null {
  if (e.ui === undefined) return null;
  const uuid = e.ui instanceof UUID ? e.ui : null;
  const named = uuid ? ctx.member.store!.byUuid(uuid) : undefined;
  if (named && named.name === e.ns) return null;
  return `Namespace '${String(e.ns)}' and UUID '${uuid ? uuid.toHexString(true) : String(e.ui)}' point to different collections`;
}

export async function applyOps(ctx: CommandContext): Promise<Document> {
  const ops = ctx.cmd.applyOps;
  if (!Array.isArray(ops)) throw new CommandError('FailedToParse', '"applyOps" must be an array of oplog entries');
  if (ctx.cmd.prepare !== undefined) throw new CommandError('BadValue', "applyOps command can't have 'prepare' field");
  if (ctx.cmd.partialTxn !== undefined) throw new CommandError('Location31056', "applyOps command can't have 'partialTxn' field.");
  if (ctx.cmd.count !== undefined) throw new CommandError('Location31240', "applyOps command can't have 'count' field.");
  requirePrimary(ctx);
  const entries = ops as Document[];
  if (entries.length > 1 && entries.some((e) => e?.op === 'c' && commandName(e) === 'dropDatabase'))
    throw new CommandError('Location6275900', 'dropDatabase in an applyOps must be the only entry');
  const store = ctx.member.store!;
  const results: boolean[] = [];
  let errors = 0;
  let last: OpTime | null = null;
  for (const e of entries) {
    if (!e || typeof e !== 'object' || typeof e.op !== 'string' || typeof e.ns !== 'string') throw new CommandError('FailedToParse', 'each applyOps entry needs "op" and "ns"');
    if (e.op === 'n') continue;
    try {
      // OplogEntry::parse runs first: an op type outside the enumeration stops the batch there.
      if (!OP_TYPES.has(e.op)) throw new CommandError('BadValue', `Enumeration value '${e.op}' for field 'op' is not a valid value.`);
      if (e.op === 'c') {
        const name = commandName(e);
        if (INDEX_BUILD_COMMANDS.has(name)) throw new CommandError('CommandNotSupported', `The ${name} operation is not supported in applyOps mode`);
        const inner = e.o as Document;
        // Transaction entries: a nested applyOps goes through the same checks as the command (apply_ops.cpp),
        // a prepared one is refused by transaction_oplog_application.cpp, as are commit/abortTransaction.
        if (name === 'applyOps' && inner.prepare !== undefined) throw new CommandError('Location50945', 'applyOps with prepared flag is only used internally by secondaries.');
        if (name === 'applyOps' && inner.partialTxn !== undefined) throw new CommandError('Location31056', "applyOps command can't have 'partialTxn' field.");
        if (name === 'applyOps' && inner.count !== undefined) throw new CommandError('Location31240', "applyOps command can't have 'count' field.");
        if (name === 'commitTransaction') throw new CommandError('Location50987', 'commitTransaction is only used internally by secondaries.');
        if (name === 'abortTransaction') throw new CommandError('Location50972', 'abortTransaction is only used internally by secondaries.');
        applyEntry(store, e);
        last = ctx.set.logOp(ctx.member, { op: 'c', ns: e.ns, ...(e.ui instanceof UUID ? { ui: e.ui } : {}), o: inner });
        results.push(true);
        continue;
      }
      const mismatch = uuidMismatch(ctx, e);
      if (mismatch) {
        results.push(false);
        errors++;
        continue;
      }
      const coll = store.collection(e.ns);
      if (!coll && e.op !== 'd') throw new CommandError('NamespaceNotFound', `cannot apply insert or update operation on a non-existent namespace ${e.ns}`);
      // An update that finds no document (and is not an upsert, b:true) fails as a status, UpdateOperationFailed
      // in oplog.cpp's applyOperation_inlock: the entry is false in results and the batch goes on.
      if (coll && e.op === 'u' && e.b !== true && coll.get((e.o2 as Document | undefined)?._id) === null) {
        results.push(false);
        errors++;
        continue;
      }
      if (coll) {
        applyEntry(store, e);
        last = ctx.set.logOp(ctx.member, { op: e.op as OpEntry['op'], ns: e.ns, ui: coll.uuid, o: e.o as Document, ...(e.o2 ? { o2: e.o2 as Document } : {}) });
      }
      results.push(true);
    } catch (err) {
      results.push(false);
      const ce = err instanceof CommandError ? err : new CommandError('BadValue', String(err));
      throw ce.rewrap(ce.message, { applied: results.length, results });
    }
  }
  if (errors) throw new CommandError('UnknownError', 'applyOps had one or more errors applying ops', { applied: results.length, results });
  const reply: Document = { applied: results.length, results, ok: 1 };
  const err = await ctx.set.awaitWriteConcern(ctx.member, last ?? ctx.member.lastApplied(), parseWriteConcern(ctx.cmd.writeConcern), ctx.op);
  if (err) reply.writeConcernError = err;
  return reply;
}
