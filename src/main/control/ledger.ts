import type { MongoClient } from 'mongodb';
import { DeskError } from '../../shared/errors';
import { controlCollection, isDuplicateKey } from './majority';

/**
 * The execution ledger on the replica set an execution acts on: a request runs once, anywhere. The request
 * id is the document's _id and the approval nonce has a unique index, so a second claim — from an older copy
 * of a workstation's database, another workstation, or a replayed approval file — fails on the server.
 */
export interface LedgerDoc {
  _id: string;
  nonce: string;
  planDigest: string;
  executionId: string;
  by: string;
  workstation: string;
  startedAt: Date;
  finishedAt: Date | null;
  outcome: string | null;
}

export interface LedgerClaim {
  requestId: string;
  nonce: string;
  planDigest: string;
  executionId: string;
  by: string;
  workstation: string;
}

export function alreadyExecuted(site: string, doc: LedgerDoc): DeskError {
  return new DeskError(
    'ALREADY_EXECUTED',
    `Request ${doc._id} was already executed by ${doc.by} (workstation ${doc.workstation}) at ${doc.startedAt.toISOString()} as ${doc.executionId}, as ${site}'s execution ledger records: an approved request runs once. Request and approve a new one.`,
    { requestId: doc._id, executionId: doc.executionId, by: doc.by, at: doc.startedAt.toISOString() },
  );
}

export class ExecutionLedger {
  constructor(
    private readonly client: MongoClient,
    /** The site's name, for messages. */
    readonly site: string,
  ) {}

  private get coll() {
    return controlCollection<LedgerDoc>(this.client, 'ledger');
  }

  async ensureIndexes(): Promise<void> {
    await this.coll.createIndex({ nonce: 1 }, { unique: true, name: 'nonce_unique' });
  }

  /** Records the execution before its first action; ALREADY_EXECUTED when the request id or nonce is there. */
  async claim(c: LedgerClaim): Promise<void> {
    await this.ensureIndexes();
    try {
      await this.coll.insertOne({ _id: c.requestId, nonce: c.nonce, planDigest: c.planDigest, executionId: c.executionId, by: c.by, workstation: c.workstation, startedAt: new Date(), finishedAt: null, outcome: null });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const prior = await this.coll.findOne({ $or: [{ _id: c.requestId }, { nonce: c.nonce }] });
      // Our own execution claiming again (a resume of the same execution) is not a second run.
      if (prior?.executionId === c.executionId) return;
      if (prior) throw alreadyExecuted(this.site, prior);
      throw new DeskError('ALREADY_EXECUTED', `Request ${c.requestId} or its approval nonce is already in ${this.site}'s execution ledger: an approved request runs once.`);
    }
  }

  async finish(requestId: string, executionId: string, outcome: string): Promise<void> {
    await this.coll.updateOne({ _id: requestId, executionId }, { $set: { finishedAt: new Date(), outcome } });
  }

  async get(requestId: string): Promise<LedgerDoc | null> {
    return this.coll.findOne({ _id: requestId });
  }

  async recent(limit: number): Promise<LedgerDoc[]> {
    return this.coll.find({}, { sort: { startedAt: -1 }, limit }).toArray();
  }
}
