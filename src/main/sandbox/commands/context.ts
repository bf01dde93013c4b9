import type { Document } from 'bson';
import type { Elections } from '../elections';
import { CommandError } from '../errors';
import type { Member } from '../member';
import type { ReplicaSet } from '../replica-set';
import type { ScramConversation, ScramCredential } from '../scram';
import { toNumber } from '../query/values';
import type { InProgressOp } from '../ops';
import type { Transaction } from '../transactions';

/** Per TCP connection: who authenticated and the SCRAM conversations under way. */
export interface ConnectionState {
  id: number;
  /** The client's address, "host:port", as currentOp shows it. */
  client: string;
  /** The driver's handshake metadata (hello's "client" field), as currentOp shows it. */
  clientMetadata?: Document;
  user: string | null;
  conversations: Map<number, ScramConversation>;
  nextConversationId: number;
}

/** What every command of one member can reach. */
export interface MemberRuntime {
  member: Member;
  set: ReplicaSet;
  elections: Elections;
  /** Users when auth is on (null: no auth, as a mongod without --auth). */
  credentials: Map<string, ScramCredential> | null;
  /** Stops this member the way its process would stop (the sandbox closes its listener). */
  shutdown?: () => Promise<void>;
}

export interface CommandContext extends MemberRuntime {
  cmd: Document;
  db: string;
  conn: ConnectionState;
  /** Whether the request allows a non-primary to answer ($readPreference other than primary, or OP_QUERY flag). */
  secondaryOk: boolean;
  /** The multi-document transaction the command runs in (autocommit: false). */
  txn?: Transaction;
  /** This command as an operation in progress (currentOp, killOp). */
  op?: InProgressOp;
}

export type CommandKind = 'read' | 'write' | 'none';

export interface CommandSpec {
  run(ctx: CommandContext): Document | Promise<Document>;
  /** Runs without authentication (handshake, SASL, ping, buildInfo), as on mongod. */
  noAuth?: boolean;
  /** 'write' needs the primary; 'read' needs data and primary or secondaryOk. */
  kind?: CommandKind;
  /** Counted in opcounters under this name instead of "command". */
  counter?: 'insert' | 'query' | 'update' | 'delete' | 'getmore';
}

export type CommandTable = Record<string, CommandSpec>;

export function intArg(cmd: Document, field: string, fallback: number): number {
  const v = cmd[field];
  if (v === undefined || v === null) return fallback;
  const n = toNumber(v);
  if (Number.isNaN(n)) throw new CommandError('TypeMismatch', `"${field}" must be a number`);
  return n;
}

export function stringArg(cmd: Document, field: string): string {
  const v = cmd[field];
  if (typeof v !== 'string' || v.length === 0) throw new CommandError('InvalidNamespace', `"${field}" must be a non-empty string (a collection name)`);
  return v;
}

export function docArg(cmd: Document, field: string, fallback: Document = {}): Document {
  const v = cmd[field];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'object' || Array.isArray(v)) throw new CommandError('TypeMismatch', `"${field}" must be a document`);
  return v as Document;
}

export function boolArg(cmd: Document, field: string, fallback: boolean): boolean {
  const v = cmd[field];
  if (v === undefined || v === null) return fallback;
  return typeof v === 'boolean' ? v : toNumber(v) !== 0;
}
