import type { Document } from 'bson';
import { CommandError } from './errors';

/** What a connection is, for currentOp: its id, the client's address and the driver's handshake metadata. */
export interface OpClient {
  id: number;
  client: string;
  clientMetadata?: Document;
}

const CRUD_OPS: Record<string, string> = { find: 'query', insert: 'insert', update: 'update', delete: 'remove', getMore: 'getmore', killCursors: 'killcursors' };

/**
 * One operation in progress on a member. mongod marks a killed operation and the operation stops at its next
 * interrupt point with Interrupted (11601); here the interrupt points are where a command waits (getMore on a
 * tailable cursor, write concern, awaitable hello, step-down catch-up), the only places where another client
 * can reach it, since every command otherwise runs to completion on one event loop.
 */
export class InProgressOp {
  killed = false;
  /** Why it was interrupted: killOp (Interrupted, 11601) or its maxTimeMS (MaxTimeMSExpired, 50). */
  reason: InterruptReason = 'Interrupted';
  readonly startedAt = new Date();
  private readonly startNs = process.hrtime.bigint();
  private wake!: () => void;
  /** Resolves when the operation is killed. */
  readonly interrupted = new Promise<void>((resolve) => (this.wake = resolve));

  constructor(
    readonly opid: number,
    readonly conn: OpClient,
    readonly db: string,
    readonly cmd: Document,
  ) {}

  kill(reason: InterruptReason = 'Interrupted'): void {
    if (this.killed) return;
    this.killed = true;
    this.reason = reason;
    this.wake();
  }

  /** An interrupt point: throws Interrupted (or MaxTimeMSExpired) when the operation was killed. */
  check(): void {
    if (this.killed) throw interrupted(this.reason);
  }

  /** Waits for p, or fails as soon as the operation is killed. */
  race<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.interrupted.then((): never => { throw interrupted(this.reason); })]);
  }

  /** The interruption as a writeConcernError (the write itself stays done). */
  writeConcernError(): Document {
    const e = interrupted(this.reason);
    return { code: e.code, codeName: e.codeName, errmsg: e.message };
  }

  get micros(): bigint {
    return (process.hrtime.bigint() - this.startNs) / 1000n;
  }

  /** The operation's namespace and kind as currentOp shows them (CurOp: "db.coll" for CRUD, "db.$cmd" otherwise). */
  describe(): { op: string; ns: string } {
    const name = Object.keys(this.cmd)[0] ?? '';
    const arg = this.cmd[name];
    const op = CRUD_OPS[name] ?? 'command';
    if (name === 'getMore' && typeof this.cmd.collection === 'string') return { op, ns: `${this.db}.${this.cmd.collection}` };
    if (typeof arg === 'string' && name !== 'killCursors') return { op, ns: `${this.db}.${arg}` };
    if (name === 'aggregate') return { op, ns: `${this.db}.$cmd.aggregate` };
    return { op, ns: `${this.db}.$cmd` };
  }
}

export type InterruptReason = 'Interrupted' | 'MaxTimeMSExpired';

export function interrupted(reason: InterruptReason = 'Interrupted'): CommandError {
  return reason === 'MaxTimeMSExpired' ? new CommandError('MaxTimeMSExpired', 'operation exceeded time limit') : new CommandError('Interrupted', 'operation was interrupted');
}

/** Operations in progress and open connections of one member; opids count up from 1 per process, as on mongod. */
export class OpTable {
  private nextOpid = 1;
  private readonly ops = new Map<number, InProgressOp>();
  private readonly conns = new Map<number, OpClient>();

  connect(c: OpClient): void {
    this.conns.set(c.id, c);
  }

  disconnect(id: number): void {
    this.conns.delete(id);
    for (const op of this.ops.values()) if (op.conn.id === id) op.kill();
  }

  begin(conn: OpClient, db: string, cmd: Document): InProgressOp {
    const op = new InProgressOp(this.nextOpid++, conn, db, cmd);
    this.ops.set(op.opid, op);
    return op;
  }

  end(op: InProgressOp): void {
    this.ops.delete(op.opid);
  }

  /** Marks the operation killed; false when no such operation is running (killOp answers ok either way). */
  kill(opid: number): boolean {
    const op = this.ops.get(opid);
    op?.kill();
    return op !== undefined;
  }

  list(): InProgressOp[] {
    return [...this.ops.values()];
  }

  /** Connections with no operation in progress (currentOp's idle connections). */
  idle(): OpClient[] {
    const busy = new Set([...this.ops.values()].map((o) => o.conn.id));
    return [...this.conns.values()].filter((c) => !busy.has(c.id));
  }
}
