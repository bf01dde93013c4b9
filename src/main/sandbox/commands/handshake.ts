import { Binary, Long, type Document } from 'bson';
import { CommandError } from '../errors';
import { bigToTs, NULL_OPTIME } from '../oplog';
import { ScramConversation } from '../scram';
import { MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE_BYTES, MAX_WRITE_BATCH_SIZE } from '../wire/protocol';
import { intArg, type CommandContext, type CommandTable, type MemberRuntime } from './context';

/** The server this sandbox imitates: MongoDB 7.0 (wire version 21). */
export const MAX_WIRE_VERSION = 21;

/** The replica-set part of hello, shared with serverStatus.repl. */
export function replicaSetHello(rt: MemberRuntime): Document {
  const { member: m, set, elections } = rt;
  const cm = set.configMember(m.name);
  if (!cm) return { isreplicaset: true, info: 'Does not have a valid replica set config', setName: set.name };
  const hosts: string[] = [];
  const passives: string[] = [];
  const arbiters: string[] = [];
  for (const c of set.config.members) {
    if (c.arbiterOnly) arbiters.push(c.host);
    else if (c.priority === 0) passives.push(c.host);
    else hosts.push(c.host);
  }
  const doc: Document = { hosts };
  if (passives.length) doc.passives = passives;
  if (arbiters.length) doc.arbiters = arbiters;
  doc.setName = set.name;
  doc.setVersion = set.config.version;
  doc.isWritablePrimary = m.state === 'PRIMARY';
  doc.secondary = m.state === 'SECONDARY';
  const primary = elections.knownPrimary(m);
  if (primary) doc.primary = primary.host;
  if (m.arbiter) doc.arbiterOnly = true;
  if (cm.priority === 0 && !m.arbiter) doc.passive = true;
  doc.me = m.host;
  if (m.state === 'PRIMARY') doc.electionId = set.electionId(m);
  if (m.store) {
    const applied = m.lastApplied();
    const commit = set.commitPoint();
    const committed = commit?.opTime ?? NULL_OPTIME;
    doc.lastWrite = {
      opTime: { ts: bigToTs(applied.ts), t: Long.fromNumber(applied.t) },
      lastWriteDate: new Date(Math.floor(m.lastAppliedWall / 1000) * 1000),
      majorityOpTime: { ts: bigToTs(committed.ts), t: Long.fromNumber(committed.t) },
      majorityWriteDate: new Date(Math.floor((commit?.wall ?? 0) / 1000) * 1000),
    };
  }
  return doc;
}

export function helloReply(ctx: CommandContext, legacy: boolean): Document {
  const rs = replicaSetHello(ctx);
  const doc: Document = { topologyVersion: ctx.member.topologyVersion(), ...rs };
  if (legacy) {
    doc.ismaster = rs.isWritablePrimary;
    delete doc.isWritablePrimary;
  }
  Object.assign(doc, {
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
    maxWriteBatchSize: MAX_WRITE_BATCH_SIZE,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.conn.id,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
  });
  if (ctx.cmd.helloOk === true) doc.helloOk = true;
  const mechsFor = ctx.cmd.saslSupportedMechs;
  if (typeof mechsFor === 'string' && ctx.credentials) {
    const user = mechsFor.slice(mechsFor.indexOf('.') + 1);
    if (ctx.credentials.has(user)) doc.saslSupportedMechs = ['SCRAM-SHA-256'];
  }
  const spec = ctx.cmd.speculativeAuthenticate as Document | undefined;
  if (spec && ctx.credentials && spec.mechanism === 'SCRAM-SHA-256' && spec.payload instanceof Binary) {
    try {
      doc.speculativeAuthenticate = saslStartReply(ctx, spec.payload);
    } catch {
      // A failed speculative attempt is not an error: the driver falls back to saslStart.
    }
  }
  doc.ok = 1;
  return doc;
}

function saslStartReply(ctx: CommandContext, payload: Binary): Document {
  const creds = ctx.credentials;
  if (!creds) throw new CommandError('AuthenticationFailed', 'Authentication failed: this member runs without users.');
  const conv = new ScramConversation((u) => creds.get(u));
  const serverFirst = conv.start(Buffer.from(payload.value()));
  const id = ctx.conn.nextConversationId++;
  ctx.conn.conversations.set(id, conv);
  return { conversationId: id, done: false, payload: new Binary(Buffer.from(serverFirst)), ok: 1 };
}

/** hello / isMaster: awaitable when the driver streams (topologyVersion + maxAwaitTimeMS). */
async function hello(ctx: CommandContext, legacy: boolean): Promise<Document> {
  // The first hello of a connection carries the driver's metadata; currentOp shows it (clientMetadata, appName).
  const meta = ctx.cmd.client;
  if (meta && typeof meta === 'object' && !ctx.conn.clientMetadata) ctx.conn.clientMetadata = meta as Document;
  const tv = ctx.cmd.topologyVersion;
  if (tv !== undefined && ctx.cmd.maxAwaitTimeMS !== undefined && ctx.member.isCurrentTopology(tv)) {
    const wait = ctx.member.waitTopologyChange(Math.max(0, intArg(ctx.cmd, 'maxAwaitTimeMS', 10_000)));
    await (ctx.op ? ctx.op.race(wait) : wait);
  }
  return helloReply(ctx, legacy);
}

export const handshakeCommands: CommandTable = {
  hello: { run: (ctx) => hello(ctx, false), noAuth: true },
  isMaster: { run: (ctx) => hello(ctx, true), noAuth: true },
  ismaster: { run: (ctx) => hello(ctx, true), noAuth: true },
  ping: { run: () => ({ ok: 1 }), noAuth: true },
  buildInfo: { run: (ctx) => buildInfo(ctx.member.version), noAuth: true },
  buildinfo: { run: (ctx) => buildInfo(ctx.member.version), noAuth: true },
  saslStart: {
    noAuth: true,
    run: (ctx) => {
      if (ctx.cmd.mechanism !== 'SCRAM-SHA-256') throw new CommandError('BadValue', `Unsupported mechanism "${String(ctx.cmd.mechanism)}": the sandbox offers SCRAM-SHA-256`);
      if (!(ctx.cmd.payload instanceof Binary)) throw new CommandError('BadValue', 'saslStart needs a binary payload');
      return saslStartReply(ctx, ctx.cmd.payload);
    },
  },
  saslContinue: {
    noAuth: true,
    run: (ctx) => {
      const id = intArg(ctx.cmd, 'conversationId', -1);
      const conv = ctx.conn.conversations.get(id);
      if (!conv) throw new CommandError('ProtocolError', `No SASL session state found for conversation ${id}`);
      if (conv.done) {
        ctx.conn.conversations.delete(id);
        return { conversationId: id, done: true, payload: new Binary(Buffer.alloc(0)), ok: 1 };
      }
      const payload = ctx.cmd.payload instanceof Binary ? Buffer.from(ctx.cmd.payload.value()) : Buffer.alloc(0);
      let final: string;
      try {
        final = conv.finish(payload);
      } catch (err) {
        ctx.conn.conversations.delete(id);
        throw err;
      }
      ctx.conn.user = conv.authenticatedUser;
      // skipEmptyExchange (the driver always sets it): finish in this round trip.
      ctx.conn.conversations.delete(id);
      return { conversationId: id, done: true, payload: new Binary(Buffer.from(final)), ok: 1 };
    },
  },
  logout: { run: (ctx) => ((ctx.conn.user = null), { ok: 1 }) },
  endSessions: {
    run: (ctx) => {
      for (const lsid of (ctx.cmd.endSessions as unknown[]) ?? []) ctx.member.sessions.forget(lsid);
      return { ok: 1 };
    },
  },
  refreshSessions: { run: () => ({ ok: 1 }) },
  whatsmyuri: { run: (ctx) => ({ you: `127.0.0.1:${ctx.conn.id}`, ok: 1 }), noAuth: true },
  connectionStatus: {
    noAuth: true,
    run: (ctx) => ({
      authInfo: {
        authenticatedUsers: ctx.conn.user ? [{ user: ctx.conn.user, db: 'admin' }] : [],
        authenticatedUserRoles: ctx.conn.user ? [{ role: 'root', db: 'admin' }] : [],
      },
      ok: 1,
    }),
  },
  getParameter: { run: (ctx) => ({ ...(ctx.cmd.featureCompatibilityVersion ? { featureCompatibilityVersion: { version: '7.0' } } : {}), ok: 1 }) },
  hostInfo: {
    run: () => ({ system: { currentTime: new Date(), hostname: '127.0.0.1', numCores: 1, memSizeMB: 1024 }, os: { type: 'sandbox', name: 'DR Desk sandbox' }, extra: {}, ok: 1 }),
  },
};

function buildInfo(version: string): Document {
  const parts = version.split('.').map((n) => Number.parseInt(n, 10) || 0);
  return {
    version,
    gitVersion: 'drdesk-sandbox',
    versionArray: [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0, 0],
    modules: [],
    allocator: 'system',
    javascriptEngine: 'none',
    sysInfo: 'deprecated',
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    storageEngines: ['inMemory'],
    drdeskSandbox: true,
    ok: 1,
  };
}
