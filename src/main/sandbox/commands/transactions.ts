import type { Document } from 'bson';
import { CommandError } from '../errors';
import { logCommit } from '../transactions';
import { parseWriteConcern } from '../write-concern';
import type { CommandContext, CommandTable } from './context';

/**
 * commitTransaction / abortTransaction, as the driver's session API sends them (on admin, autocommit:false,
 * the session's txnNumber). A retried commit of a committed transaction answers ok again.
 */
function current(ctx: CommandContext): NonNullable<CommandContext['txn']> {
  if (ctx.db !== 'admin') throw new CommandError('Unauthorized', `${Object.keys(ctx.cmd)[0]} may only be run against the admin database.`);
  if (!ctx.txn) throw new CommandError('InvalidOptions', `${Object.keys(ctx.cmd)[0]} needs autocommit: false and the transaction's txnNumber`);
  return ctx.txn;
}

async function commitTransaction(ctx: CommandContext): Promise<Document> {
  const txn = current(ctx);
  if (txn.state === 'aborted') throw new CommandError('NoSuchTransaction', `Transaction with { txnNumber: ${String(txn.txnNumber)} } has been aborted.`, { errorLabels: ['TransientTransactionError'] });
  if (txn.state === 'open') {
    txn.commitOpTime = logCommit(ctx.set, ctx.member, txn, ctx.set.txnEntryMaxBytes);
    ctx.member.transactions.committed(txn);
  }
  const reply: Document = { ok: 1 };
  const err = await ctx.set.awaitWriteConcern(ctx.member, txn.commitOpTime ?? ctx.member.lastApplied(), parseWriteConcern(ctx.cmd.writeConcern), ctx.op);
  if (err) reply.writeConcernError = err;
  return reply;
}

function abortTransaction(ctx: CommandContext): Document {
  const txn = current(ctx);
  if (txn.state === 'committed') throw new CommandError('TransactionCommitted', `Transaction with { txnNumber: ${String(txn.txnNumber)} } has been committed.`);
  ctx.member.transactions.abort(txn);
  return { ok: 1 };
}

export const transactionCommands: CommandTable = {
  commitTransaction: { run: commitTransaction, kind: 'write' },
  abortTransaction: { run: abortTransaction, kind: 'write' },
};
