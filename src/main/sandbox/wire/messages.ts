import { deserialize, serialize, type Document } from 'bson';
import { HEADER_SIZE, MAX_BSON_OBJECT_SIZE, MSG_CHECKSUM_PRESENT, MSG_EXHAUST_ALLOWED, MSG_MORE_TO_COME, OP_MSG, OP_QUERY, OP_REPLY } from './protocol';

export class ProtocolError extends Error {}

/** Command documents keep exact BSON types (Int32, Double, Long) so stored data round-trips unchanged. */
const DESERIALIZE_OPTIONS = { promoteValues: false, validation: { utf8: true } } as const;

export interface ParsedCommand {
  /** The command document with document-sequence sections folded in as arrays. */
  command: Document;
  db: string;
  opCode: typeof OP_MSG | typeof OP_QUERY;
  moreToCome: boolean;
  exhaustAllowed: boolean;
}

function readDocument(buf: Buffer, offset: number, end: number): { doc: Document; next: number } {
  if (offset + 5 > end) throw new ProtocolError('truncated BSON document');
  const size = buf.readInt32LE(offset);
  if (size < 5 || offset + size > end) throw new ProtocolError(`BSON document length ${size} exceeds the message`);
  if (size > MAX_BSON_OBJECT_SIZE + 16 * 1024) throw new ProtocolError(`BSON document of ${size} bytes exceeds maxBsonObjectSize`);
  try {
    return { doc: deserialize(buf.subarray(offset, offset + size), DESERIALIZE_OPTIONS), next: offset + size };
  } catch (err) {
    throw new ProtocolError(`invalid BSON: ${(err as Error).message}`);
  }
}

function readCString(buf: Buffer, offset: number, end: number): { value: string; next: number } {
  const zero = buf.indexOf(0, offset);
  if (zero < 0 || zero >= end) throw new ProtocolError('unterminated C string');
  return { value: buf.toString('utf8', offset, zero), next: zero + 1 };
}

/** OP_MSG: flag bits, one kind-0 body section and any number of kind-1 document sequences. */
export function parseOpMsg(body: Buffer): ParsedCommand {
  if (body.length < 5) throw new ProtocolError('OP_MSG too short');
  const flags = body.readUInt32LE(0);
  // Required flag bits (0-15) other than the two we know must be rejected, per the OP_MSG spec.
  if ((flags & 0xffff & ~(MSG_CHECKSUM_PRESENT | MSG_MORE_TO_COME)) !== 0) throw new ProtocolError(`unsupported OP_MSG flag bits 0x${flags.toString(16)}`);
  const end = flags & MSG_CHECKSUM_PRESENT ? body.length - 4 : body.length;
  let offset = 4;
  let command: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  while (offset < end) {
    const kind = body[offset++];
    if (kind === 0) {
      if (command) throw new ProtocolError('OP_MSG has more than one body section');
      const r = readDocument(body, offset, end);
      command = r.doc;
      offset = r.next;
    } else if (kind === 1) {
      if (offset + 4 > end) throw new ProtocolError('truncated document sequence');
      const size = body.readInt32LE(offset);
      const seqEnd = offset + size;
      if (size < 5 || seqEnd > end) throw new ProtocolError(`document sequence length ${size} exceeds the message`);
      const id = readCString(body, offset + 4, seqEnd);
      const docs: Document[] = [];
      let p = id.next;
      while (p < seqEnd) {
        const r = readDocument(body, p, seqEnd);
        docs.push(r.doc);
        p = r.next;
      }
      sequences.push([id.value, docs]);
      offset = seqEnd;
    } else {
      throw new ProtocolError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!command) throw new ProtocolError('OP_MSG has no body section');
  for (const [field, docs] of sequences) {
    if (field in command) throw new ProtocolError(`duplicate field "${field}" in body and document sequence`);
    command[field] = docs;
  }
  const db = command.$db;
  if (typeof db !== 'string' || db.length === 0) throw new ProtocolError('OP_MSG command lacks $db');
  return { command, db, opCode: OP_MSG, moreToCome: (flags & MSG_MORE_TO_COME) !== 0, exhaustAllowed: (flags & MSG_EXHAUST_ALLOWED) !== 0 };
}

/** OP_QUERY survives only for the first handshake and legacy commands on "<db>.$cmd". */
export function parseOpQuery(body: Buffer): ParsedCommand {
  if (body.length < 4) throw new ProtocolError('OP_QUERY too short');
  const ns = readCString(body, 4, body.length);
  if (ns.next + 8 > body.length) throw new ProtocolError('truncated OP_QUERY');
  const { doc } = readDocument(body, ns.next + 8, body.length);
  const dot = ns.value.indexOf('.');
  const db = dot > 0 ? ns.value.slice(0, dot) : '';
  if (!db || ns.value.slice(dot + 1) !== '$cmd') throw new ProtocolError(`OP_QUERY is supported only for commands ("<db>.$cmd"), got "${ns.value}"`);
  const command = doc.$query && typeof doc.$query === 'object' ? (doc.$query as Document) : doc;
  return { command, db, opCode: OP_QUERY, moreToCome: false, exhaustAllowed: false };
}

function header(length: number, requestId: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.allocUnsafe(HEADER_SIZE);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(requestId, 4);
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

export function encodeOpMsg(doc: Document, requestId: number, responseTo: number, moreToCome = false): Buffer {
  const bson = serialize(doc);
  const head = header(HEADER_SIZE + 5 + bson.length, requestId, responseTo, OP_MSG);
  const flagsAndKind = Buffer.alloc(5);
  flagsAndKind.writeUInt32LE(moreToCome ? MSG_MORE_TO_COME : 0, 0);
  return Buffer.concat([head, flagsAndKind, bson]);
}

export function encodeOpReply(doc: Document, requestId: number, responseTo: number): Buffer {
  const bson = serialize(doc);
  const head = header(HEADER_SIZE + 20 + bson.length, requestId, responseTo, OP_REPLY);
  const fields = Buffer.alloc(20); // responseFlags 0, cursorID 0, startingFrom 0, numberReturned 1
  fields.writeInt32LE(1, 16);
  return Buffer.concat([head, fields, bson]);
}
