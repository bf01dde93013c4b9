import { MongoClient, type Document, type MongoClientOptions } from 'mongodb';
import { DeskError } from '../../shared/errors';
import type { MemberConfig, ReplicaSetConfig } from '../../shared/topology';
import type { HelloInfo, MemberObservation, MemberTargetRef, OplogInfo, ProbeError, ReplStatus } from './probe-types';
import { forPurpose, type SecretStore } from '../store/secret-store';
import { withDeadline } from './deadline';
import { describeDriverError } from './mongo-errors';
import { oplogWindow, readOplogInfo } from './mongo-oplog';

export interface MemberProbeTarget {
  site: string;
  replicaSet: ReplicaSetConfig;
  member: MemberConfig;
}

export interface MemberProbeOptions {
  /** Deadline for each call and for the whole probe (topology.requestTimeoutMs). */
  timeoutMs: number;
  secrets: SecretStore;
  /** How often to re-read the oplog's ends and size (default 30 s, plus up to 10 s of jitter). */
  oplogRefreshMs?: number;
}

/** Failures that mean the member cannot be asked anything now (as opposed to refusing one command). */
const UNREACHABLE_CODES = new Set(['UNREACHABLE', 'TIMEOUT', 'AUTH_FAILED', 'SECRET_MISSING']);

/** The server version changes only with a restart (a new processId); re-read it at least this often. */
const VERSION_TTL_MS = 10 * 60_000;

const toMs = (d: unknown): number | null => (d instanceof Date ? d.getTime() : null);
const toNum = (v: unknown): number | null => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : v && typeof v === 'object' && 'toNumber' in v ? (v as { toNumber(): number }).toNumber() : null);

export function parseReplStatus(doc: Document): ReplStatus {
  const members = Array.isArray(doc.members) ? (doc.members as Document[]) : [];
  return {
    set: String(doc.set ?? ''),
    myState: toNum(doc.myState) ?? -1,
    term: toNum(doc.term),
    dateMs: toMs(doc.date) ?? Date.now(),
    members: members.map((m) => ({
      name: String(m.name),
      self: m.self === true,
      health: toNum(m.health),
      state: toNum(m.state) ?? 6,
      stateStr: String(m.stateStr ?? 'UNKNOWN'),
      optimeDateMs: toMs(m.optimeDate),
      electionDateMs: toMs(m.electionDate),
      syncSourceHost: typeof m.syncSourceHost === 'string' && m.syncSourceHost ? m.syncSourceHost : null,
      pingMs: toNum(m.pingMs),
    })),
  };
}

/** What hello would say, read from the member's own replSetGetStatus (no restart marker there). */
export function helloFromStatus(s: ReplStatus): HelloInfo {
  const self = s.members.find((m) => m.self);
  return {
    processId: null,
    isWritablePrimary: s.myState === 1,
    secondary: s.myState === 2,
    arbiterOnly: s.myState === 7,
    setName: s.set || null,
    primary: s.members.find((m) => m.state === 1 && m.health !== 0)?.name ?? null,
    me: self?.name ?? null,
  };
}

export function parseHello(doc: Document): HelloInfo {
  const pid = (doc.topologyVersion as { processId?: { toHexString?: () => string } } | undefined)?.processId;
  return {
    processId: pid && typeof pid.toHexString === 'function' ? pid.toHexString() : null,
    isWritablePrimary: doc.isWritablePrimary === true || doc.ismaster === true,
    secondary: doc.secondary === true,
    arbiterOnly: doc.arbiterOnly === true,
    setName: typeof doc.setName === 'string' ? doc.setName : null,
    primary: typeof doc.primary === 'string' ? doc.primary : null,
    me: typeof doc.me === 'string' ? doc.me : null,
  };
}

/**
 * A direct connection to one replica-set member (directConnection=true, the official driver), kept open
 * between polls. Every call has a deadline, and a probe never throws: an unreachable member becomes an
 * observation with `reachable: false` and the reason, so it never blocks the others.
 */
export class MongoMemberProbe {
  readonly ref: MemberTargetRef;
  private client: MongoClient | null = null;
  private version: { processId: string | null; value: string; at: number } | null = null;
  private oplog: { processId: string | null; raw: Omit<Parameters<typeof oplogWindow>[0], 'nowMs'>; at: number } | null = null;
  private readonly oplogRefreshMs: number;

  constructor(
    private readonly target: MemberProbeTarget,
    private readonly opts: MemberProbeOptions,
  ) {
    this.ref = {
      site: target.site,
      replicaSet: target.replicaSet.name,
      member: target.member.name,
      address: `${target.member.host}:${target.member.port}`,
      expectedRole: target.member.role,
    };
    // Jitter spreads the oplog reads of many members over several polls instead of all in one.
    this.oplogRefreshMs = (opts.oplogRefreshMs ?? 30_000) + Math.random() * 10_000;
  }

  private async clientOptions(): Promise<MongoClientOptions> {
    const t = this.opts.timeoutMs;
    const { auth, tls } = this.target.replicaSet;
    const o: MongoClientOptions = {
      directConnection: true,
      connectTimeoutMS: t,
      serverSelectionTimeoutMS: t,
      socketTimeoutMS: t,
      // DR Desk polls on its own schedule; the driver's monitor only needs to notice a server coming back.
      heartbeatFrequencyMS: 30_000,
      serverMonitoringMode: 'poll',
      maxPoolSize: 2,
      minPoolSize: 0,
      maxIdleTimeMS: 60_000,
      retryReads: false,
      retryWrites: false,
      appName: 'dr-desk-monitor',
      readPreference: 'primaryPreferred',
    };
    // Arbiters hold no users, so they cannot authenticate; hello and buildInfo need no credentials.
    if (auth && this.target.member.role !== 'arbiter') {
      const password = await forPurpose(this.opts.secrets, 'db-password').get(auth.passwordSecret, 'passwordSecret');
      if (password === null)
        throw new DeskError('SECRET_MISSING', `The password secret "${auth.passwordSecret}" for user ${auth.username} is not set: run "drdesk secret set ${auth.passwordSecret}" or add it on the Credentials page`);
      o.auth = { username: auth.username, password };
      o.authSource = auth.authSource;
    }
    if (tls?.enabled) {
      o.tls = true;
      if (tls.caFile) o.tlsCAFile = tls.caFile;
      o.tlsAllowInvalidHostnames = tls.allowInvalidHostnames;
    }
    return o;
  }

  private async connect(): Promise<MongoClient> {
    if (this.client) return this.client;
    const client = new MongoClient(`mongodb://${this.ref.address}/`, await this.clientOptions());
    // Driver-level errors (a heartbeat failing on a dead member) must not surface as unhandled events.
    client.on('error', () => undefined);
    this.client = client;
    return client;
  }

  /** Drops the connection, e.g. after a password change; the next probe reconnects. */
  async reset(): Promise<void> {
    const c = this.client;
    this.client = null;
    if (c) await c.close(true).catch(() => undefined);
  }

  async probe(): Promise<MemberObservation> {
    const start = Date.now();
    const t = this.opts.timeoutMs;
    const base = { ...this.ref, hello: null, pingMs: null, status: null, oplog: null, version: null };
    let client: MongoClient;
    try {
      client = await this.connect();
    } catch (err) {
      return { ...base, at: Date.now(), durationMs: Date.now() - start, reachable: false, error: describeDriverError(err, this.ref.address, t) };
    }
    const admin = client.db('admin');
    const errors: ProbeError[] = [];
    // One round trip per poll: replSetGetStatus gives the member's state, its name and its view of the set.
    // hello stands in where that is refused: an arbiter under auth (it has no users), a member not initiated.
    const arbiterUnderAuth = this.target.member.role === 'arbiter' && this.target.replicaSet.auth !== undefined;
    let status: ReplStatus | null = null;
    let hello: HelloInfo;
    let pingMs: number;
    const h0 = Date.now();
    try {
      if (!arbiterUnderAuth) {
        try {
          status = parseReplStatus(await withDeadline(admin.command({ replSetGetStatus: 1 }), t, `replSetGetStatus on ${this.ref.address}`));
        } catch (err) {
          const e = describeDriverError(err, this.ref.address, t);
          if (UNREACHABLE_CODES.has(e.code)) throw err;
          errors.push(e);
        }
      }
      hello = status ? helloFromStatus(status) : parseHello(await withDeadline(admin.command({ hello: 1 }), Math.max(100, t - (Date.now() - h0)), `hello on ${this.ref.address}`));
      pingMs = Date.now() - h0;
    } catch (err) {
      const error = describeDriverError(err, this.ref.address, t);
      // A client whose first connect failed keeps a closed topology for good ("Topology is closed"), and a
      // failed login needs a new handshake: start afresh on the next probe. Any other client is kept (it
      // reconnects by itself), so a slow start under load does not turn into a reconnect storm.
      if (error.code === 'AUTH_FAILED' || (err as Error).name === 'MongoTopologyClosedError') await this.reset();
      return { ...base, at: Date.now(), durationMs: Date.now() - start, reachable: false, error };
    }
    const left = Math.max(100, t - (Date.now() - start));
    const soft = <T>(p: Promise<T>, what: string): Promise<T | null> =>
      withDeadline(p, left, `${what} on ${this.ref.address}`).catch((err: unknown) => {
        errors.push(describeDriverError(err, this.ref.address, left));
        return null;
      });
    const arbiter = hello.arbiterOnly || this.target.member.role === 'arbiter';
    const now = Date.now();
    const pid = hello.processId;
    const needVersion = !this.version || this.version.processId !== pid || now - this.version.at > VERSION_TTL_MS;
    const needOplog = !arbiter && (!this.oplog || this.oplog.processId !== pid || now - this.oplog.at > this.oplogRefreshMs);
    const [build, oplog] = await Promise.all([
      needVersion ? soft(admin.command({ buildInfo: 1 }), 'buildInfo') : Promise.resolve(null),
      needOplog ? soft(readOplogInfo(client), 'oplog read') : Promise.resolve<OplogInfo | null>(null),
    ]);
    if (build && typeof build.version === 'string') this.version = { processId: pid, value: build.version, at: now };
    if (oplog) this.oplog = { processId: pid, raw: { firstMs: oplog.firstMs, lastMs: oplog.lastMs, usedBytes: oplog.usedBytes, maxBytes: oplog.maxBytes }, at: now };
    return {
      ...base,
      at: Date.now(),
      durationMs: Date.now() - start,
      reachable: true,
      error: errors[0] ?? null,
      hello,
      pingMs,
      status,
      // Between reads, the window of a still-filling oplog keeps growing with the clock: recompute it.
      oplog: arbiter || !this.oplog ? null : oplogWindow({ ...this.oplog.raw, nowMs: Date.now() }),
      version: this.version?.processId === pid ? this.version.value : null,
    };
  }

  async close(): Promise<void> {
    await this.reset();
  }
}
