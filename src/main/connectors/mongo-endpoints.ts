import { MongoClient, Timestamp, type Document, type MongoClientOptions } from 'mongodb';
import { DeskError } from '../../shared/errors';
import type { MemberConfig, ReplicaSetConfig, SiteConfig, SshHostConfig, Topology } from '../../shared/topology';
import { forPurpose, type SecretStore } from '../store/secret-store';

/**
 * The two ends of the pipeline through the official driver: the source replica set (capture) and the
 * target's (apply), plus where slices land on the target site: its SSH host, or — only when DR Desk runs
 * the built-in sandbox, whose sites are this machine — a local directory. Every client has deadlines.
 */
export type LandingTarget = { kind: 'ssh'; host: SshHostConfig } | { kind: 'local'; dir: string };

export interface BackupRoute {
  from: SiteConfig;
  to: SiteConfig;
  source: ReplicaSetConfig;
  target: ReplicaSetConfig;
  landing: LandingTarget;
  subject: string;
}

/** `localLanding`: the sandbox's landing directory for a receiving site without SSH host; never for a real topology. */
export function resolveRoute(t: Topology, localLanding?: string): BackupRoute {
  const from = t.backup.from ? t.sites.find((s) => s.name === t.backup.from) : t.sites.find((s) => s.role === 'dc');
  const to = t.backup.to ? t.sites.find((s) => s.name === t.backup.to) : t.sites.find((s) => s.role === 'dr');
  if (!from) throw new DeskError('BACKUP_NO_SOURCE', 'The topology has no DC site to back up: mark the production site with role: dc (or set backup.from).');
  if (!to || to === from) throw new DeskError('BACKUP_NO_TARGET', 'The topology has no DR site to restore to: add a site with role: dr (or set backup.to).');
  const host = to.ssh[0];
  const landing: LandingTarget | null = host ? { kind: 'ssh', host } : localLanding ? { kind: 'local', dir: localLanding } : null;
  if (!landing)
    throw new DeskError('BACKUP_NO_LANDING', `Site ${to.name} has no SSH host for backup slices: add one under sites[${to.name}].ssh with host, username, keySecret or passwordSecret and backupDir.`);
  return { from, to, source: from.replicaSets[0], target: to.replicaSets[0], landing, subject: `${from.name}→${to.name}` };
}

export interface ClientOptions {
  secrets: SecretStore;
  timeoutMs: number;
  /** Per-operation socket timeout; long copies and applies need more than a health probe. */
  socketTimeoutMs?: number;
}

async function baseOptions(rs: ReplicaSetConfig, o: ClientOptions): Promise<MongoClientOptions> {
  const opts: MongoClientOptions = {
    connectTimeoutMS: o.timeoutMs,
    serverSelectionTimeoutMS: o.timeoutMs,
    socketTimeoutMS: o.socketTimeoutMs ?? 120_000,
    maxPoolSize: 4,
    appName: 'dr-desk-backup',
  };
  if (rs.auth) {
    const password = await forPurpose(o.secrets, 'db-password').get(rs.auth.passwordSecret, 'passwordSecret');
    if (password === null)
      throw new DeskError('SECRET_MISSING', `The password secret "${rs.auth.passwordSecret}" for ${rs.name} user ${rs.auth.username} is not set: add it on the Credentials page or with drdesk secret set ${rs.auth.passwordSecret}.`);
    opts.auth = { username: rs.auth.username, password };
    opts.authSource = rs.auth.authSource;
  }
  if (rs.tls?.enabled) {
    opts.tls = true;
    if (rs.tls.caFile) opts.tlsCAFile = rs.tls.caFile;
    opts.tlsAllowInvalidHostnames = rs.tls.allowInvalidHostnames;
  }
  return opts;
}

async function open(uri: string, opts: MongoClientOptions, what: string): Promise<MongoClient> {
  const client = new MongoClient(uri, opts);
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (err) {
    await client.close(true).catch(() => undefined);
    throw new DeskError('MONGO_UNREACHABLE', `Cannot connect to ${what}: ${(err as Error).message.split('\n')[0]}. Check that its members are up and reachable from this machine.`);
  }
}

/** A client for the whole replica set (follows elections); reads go to the primary when there is one. */
export async function connectReplicaSet(rs: ReplicaSetConfig, o: ClientOptions): Promise<MongoClient> {
  const seeds = rs.members.map((m) => `${m.host}:${m.port}`).join(',');
  return open(`mongodb://${seeds}/?replicaSet=${encodeURIComponent(rs.name)}`, { ...(await baseOptions(rs, o)), readPreference: 'primaryPreferred' }, `replica set ${rs.name}`);
}

/** A client for one member, so a position and the reads after it come from the same oplog. */
export async function connectMember(rs: ReplicaSetConfig, m: MemberConfig, o: ClientOptions): Promise<MongoClient> {
  return open(`mongodb://${m.host}:${m.port}/`, { ...(await baseOptions(rs, o)), directConnection: true, readPreference: 'secondaryPreferred' }, `${m.name} (${m.host}:${m.port})`);
}

export async function serverVersion(client: MongoClient): Promise<string> {
  const info = await client.db('admin').command({ buildInfo: 1 });
  return String(info.version);
}

/** Oplog entries replay faithfully only between servers of the same major.minor release. */
export function versionsCompatible(a: string, b: string): boolean {
  const mm = (v: string) => v.split('.').slice(0, 2).join('.');
  return mm(a) === mm(b);
}

export function versionMismatchError(dc: string, dr: string, dcName: string, drName: string): DeskError {
  return new DeskError(
    'VERSION_MISMATCH',
    `DC (${dcName}) runs MongoDB ${dc} but DR (${drName}) runs ${dr}: slices are applied only between the same major.minor release. Nothing was applied; upgrade DR to ${dc.split('.').slice(0, 2).join('.')} (or DC to match) first.`,
    { dcVersion: dc, drVersion: dr },
  );
}

/** The member's newest oplog position and its wall time: where a capture or a safety point starts. */
export async function lastPosition(client: MongoClient): Promise<{ ts: Timestamp; wall: Date | null } | null> {
  const hello = await client.db('admin').command({ hello: 1 });
  const opTs = (hello.lastWrite as Document | undefined)?.opTime as Document | undefined;
  if (opTs?.ts instanceof Timestamp) {
    const wall = (hello.lastWrite as Document).lastWriteDate;
    return { ts: opTs.ts, wall: wall instanceof Date ? wall : null };
  }
  const last = await client.db('local').collection('oplog.rs').find({}, { sort: { $natural: -1 }, limit: 1 }).next();
  return last && last.ts instanceof Timestamp ? { ts: last.ts, wall: last.wall instanceof Date ? last.wall : null } : null;
}

export interface CopySource {
  member: MemberConfig;
  why: string;
}

/** A healthy secondary close to the primary when there is one (the copy does not load the primary), else the primary. */
export async function pickCopySource(rsClient: MongoClient, rs: ReplicaSetConfig, maxLagSeconds = 10): Promise<CopySource> {
  const status = await rsClient.db('admin').command({ replSetGetStatus: 1 });
  const members = (status.members as Document[]) ?? [];
  const primary = members.find((m) => m.stateStr === 'PRIMARY');
  const primaryOptime = primary?.optimeDate instanceof Date ? primary.optimeDate.getTime() : null;
  const byName = (host: string) => rs.members.find((m) => `${m.host}:${m.port}` === host);
  const candidates = members.filter(
    (m) =>
      m.stateStr === 'SECONDARY' &&
      Number(m.health) === 1 &&
      m.optimeDate instanceof Date &&
      (primaryOptime === null || (primaryOptime - m.optimeDate.getTime()) / 1000 <= maxLagSeconds) &&
      byName(String(m.name)),
  );
  if (candidates.length) return { member: byName(String(candidates[0].name)) as MemberConfig, why: `healthy secondary ${String(candidates[0].name)}` };
  const p = primary && byName(String(primary.name));
  if (p) return { member: p, why: `no healthy secondary within ${maxLagSeconds} s of the primary: copying from the primary ${p.name}` };
  throw new DeskError('BASELINE_NO_SOURCE', `Replica set ${rs.name} has neither a primary nor a healthy secondary to copy from: restore the DC replica set first.`);
}
