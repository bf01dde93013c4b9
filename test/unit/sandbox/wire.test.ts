import { deserialize, serialize } from 'bson';
import { describe, expect, it } from 'vitest';
import { FramingError, MessageFramer } from '../../../src/main/sandbox/wire/framing';
import { encodeOpMsg, encodeOpReply, parseOpMsg, parseOpQuery, ProtocolError } from '../../../src/main/sandbox/wire/messages';
import { MSG_CHECKSUM_PRESENT, MSG_EXHAUST_ALLOWED, MSG_MORE_TO_COME, OP_MSG, OP_QUERY } from '../../../src/main/sandbox/wire/protocol';

function header(len: number, requestId: number, opCode: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(len, 0);
  h.writeInt32LE(requestId, 4);
  h.writeInt32LE(opCode, 12);
  return h;
}

function opMsgBody(flags: number, sections: Buffer[]): Buffer {
  const f = Buffer.alloc(4);
  f.writeUInt32LE(flags >>> 0, 0);
  return Buffer.concat([f, ...sections]);
}

const kind0 = (doc: object): Buffer => Buffer.concat([Buffer.from([0]), serialize(doc)]);

function kind1(id: string, docs: object[]): Buffer {
  const payload = Buffer.concat([Buffer.from(`${id}\0`), ...docs.map((d) => serialize(d))]);
  const size = Buffer.alloc(4);
  size.writeInt32LE(4 + payload.length, 0);
  return Buffer.concat([Buffer.from([1]), size, payload]);
}

describe('MessageFramer', () => {
  it('reassembles messages split across chunks and splits several in one chunk', () => {
    const a = encodeOpMsg({ ping: 1 }, 1, 0);
    const b = encodeOpMsg({ hello: 1 }, 2, 0);
    const framer = new MessageFramer();
    const all = Buffer.concat([a, b]);
    expect(framer.push(all.subarray(0, 3))).toEqual([]);
    expect(framer.push(all.subarray(3, a.length + 5)).map((f) => f.header.requestId)).toEqual([1]);
    const rest = framer.push(all.subarray(a.length + 5));
    expect(rest.map((f) => f.header.requestId)).toEqual([2]);
    expect(rest[0].header.opCode).toBe(OP_MSG);
    expect(rest[0].body.length).toBe(b.length - 16);
  });

  it('rejects lengths below the header size or above maxMessageSizeBytes', () => {
    expect(() => new MessageFramer().push(header(8, 1, OP_MSG))).toThrow(FramingError);
    expect(() => new MessageFramer().push(header(-5, 1, OP_MSG))).toThrow(FramingError);
    expect(() => new MessageFramer(1024).push(header(4096, 1, OP_MSG))).toThrow(FramingError);
  });
});

describe('OP_MSG', () => {
  it('folds kind-1 document sequences into the command', () => {
    const body = opMsgBody(0, [kind0({ insert: 'events', $db: 'soar' }), kind1('documents', [{ a: 1 }, { a: 2 }])]);
    const p = parseOpMsg(body);
    expect(p.db).toBe('soar');
    expect(p.command.documents.map((d: { a: { value: number } }) => d.a.value)).toEqual([1, 2]);
  });

  it('reads the moreToCome and exhaustAllowed flags and skips a checksum', () => {
    const body = opMsgBody(MSG_MORE_TO_COME | MSG_EXHAUST_ALLOWED | MSG_CHECKSUM_PRESENT, [kind0({ hello: 1, $db: 'admin' }), Buffer.alloc(4)]);
    const p = parseOpMsg(body);
    expect(p.moreToCome).toBe(true);
    expect(p.exhaustAllowed).toBe(true);
  });

  it('refuses malformed sections with a ProtocolError', () => {
    expect(() => parseOpMsg(opMsgBody(0, []))).toThrow(ProtocolError);
    expect(() => parseOpMsg(opMsgBody(0, [kind0({ ping: 1 })]))).toThrow(/\$db/);
    expect(() => parseOpMsg(opMsgBody(0, [kind0({ ping: 1, $db: 'a' }), kind0({ ping: 1, $db: 'a' })]))).toThrow(/more than one body/);
    expect(() => parseOpMsg(opMsgBody(0, [Buffer.from([7, 1, 2, 3])]))).toThrow(/section kind 7/);
    expect(() => parseOpMsg(opMsgBody(0, [kind0({ insert: 'x', documents: [], $db: 'a' }), kind1('documents', [{ a: 1 }])]))).toThrow(/duplicate field/);
    const truncated = kind0({ ping: 1, $db: 'admin' });
    expect(() => parseOpMsg(opMsgBody(0, [truncated.subarray(0, truncated.length - 3)]))).toThrow(ProtocolError);
    expect(() => parseOpMsg(opMsgBody(1 << 5, [kind0({ ping: 1, $db: 'a' })]))).toThrow(/flag bits/);
  });

  it('encodes replies with the moreToCome flag when streaming', () => {
    const msg = encodeOpMsg({ ok: 1 }, 9, 4, true);
    expect(msg.readInt32LE(0)).toBe(msg.length);
    expect(msg.readInt32LE(8)).toBe(4);
    expect(msg.readUInt32LE(16) & MSG_MORE_TO_COME).toBe(MSG_MORE_TO_COME);
    expect(deserialize(msg.subarray(21))).toEqual({ ok: 1 });
  });
});

describe('OP_QUERY and OP_REPLY (legacy handshake)', () => {
  function opQuery(ns: string, doc: object, flags = 0): Buffer {
    const f = Buffer.alloc(4);
    f.writeInt32LE(flags, 0);
    const skipReturn = Buffer.alloc(8);
    skipReturn.writeInt32LE(-1, 4);
    return Buffer.concat([f, Buffer.from(`${ns}\0`), skipReturn, serialize(doc)]);
  }

  it('accepts commands on <db>.$cmd, unwrapping $query', () => {
    expect(parseOpQuery(opQuery('admin.$cmd', { isMaster: 1, helloOk: true })).command.helloOk).toBe(true);
    const wrapped = parseOpQuery(opQuery('admin.$cmd', { $query: { ping: 1 }, $readPreference: { mode: 'secondary' } }));
    expect(Object.keys(wrapped.command)).toEqual(['ping']);
    expect(wrapped.opCode).toBe(OP_QUERY);
  });

  it('refuses legacy queries on collections', () => {
    expect(() => parseOpQuery(opQuery('soar.events', { a: 1 }))).toThrow(/only for commands/);
  });

  it('builds an OP_REPLY with one document', () => {
    const r = encodeOpReply({ ismaster: true }, 3, 2);
    expect(r.readInt32LE(12)).toBe(1);
    expect(r.readInt32LE(16 + 16)).toBe(1);
    expect(deserialize(r.subarray(36))).toEqual({ ismaster: true });
  });
});
