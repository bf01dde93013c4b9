import { MongoClient, type Document, type MongoClientOptions } from 'mongodb';
import { DeskError } from '../../shared/errors';
import type { MemberConfig, ReplicaSetConfig } from '../../shared/topology';
import type { HelloInfo, MemberObservation, MemberTargetRef, OplogInfo, ProbeError, ReplStatus } from '../monitor/observations';
import type { SecretStore } from '../store/secret-store';
import { withDeadline } from './deadline';
import { describeDriverError } from './mongo-errors';
import { readOplogInfo } from './mongo-oplog';

export interface MemberProbeTarget {
  site: string;
  replicaSet: ReplicaSetConfig;
  member: MemberConfig;
}

export interface MemberProbeOptions {
  /** Deadline for each call and for the whole probe (topology.requestTimeoutMs). */
  timeoutMs: number;
  secrets: SecretStore;
}

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

export function parseHello(doc: Document): HelloInfo {
  return {
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
  }

  private async clientOptions(): Promise<MongoClientOptions> {
    const t = this.opts.timeoutMs;
    const { auth, tls } = this.target.replicaSet;
    const o: MongoClientOptions = {
      directConnection: true,
      connectTimeoutMS: t,
      serverSelectionTimeoutMS: t,
      socketTimeoutMS: t,
      heartbeatFrequencyMS: 10_000,
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
      const password = await this.opts.secrets.get(auth.passwordSecret);
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
    let hello: HelloInfo;
    let pingMs: number;
    try {
      const h0 = Date.now();
      hello = parseHello(await withDeadline(admin.command({ hello: 1 }), t, `hello on ${this.ref.address}`));
      pingMs = Date.now() - h0;
    } catch (err) {
      const error = describeDriverError(err, this.ref.address, t);
      if (error.code === 'AUTH_FAILED') await this.reset();
      return { ...base, at: Date.now(), durationMs: Date.now() - start, reachable: false, error };
    }
    const left = Math.max(100, t - (Date.now() - start));
    const errors: ProbeError[] = [];
    const soft = <T>(p: Promise<T>, what: string): Promise<T | null> =>
      withDeadline(p, left, `${what} on ${this.ref.address}`).catch((err: unknown) => {
        errors.push(describeDriverError(err, this.ref.address, left));
        return null;
      });
    const arbiter = hello.arbiterOnly || this.target.member.role === 'arbiter';
    // Where auth is on, an arbiter (no users to log in as) refuses replSetGetStatus; hello says what it is.
    const noStatus = arbiter && this.target.replicaSet.auth !== undefined;
    const [statusDoc, build, oplog] = await Promise.all([
      noStatus ? Promise.resolve(null) : soft(admin.command({ replSetGetStatus: 1 }), 'replSetGetStatus'),
      soft(admin.command({ buildInfo: 1 }), 'buildInfo'),
      arbiter ? Promise.resolve<OplogInfo | null>(null) : soft(readOplogInfo(client), 'oplog read'),
    ]);
    return {
      ...base,
      at: Date.now(),
      durationMs: Date.now() - start,
      reachable: true,
      error: errors[0] ?? null,
      hello,
      pingMs,
      status: statusDoc ? parseReplStatus(statusDoc) : null,
      oplog,
      version: build && typeof build.version === 'string' ? build.version : null,
    };
  }

  async close(): Promise<void> {
    await this.reset();
  }
}
