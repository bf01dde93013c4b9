import { EventEmitter } from 'node:events';
import { Long, ObjectId, type Document } from 'bson';
import { CursorRegistry } from './cursors';
import { MemberStore } from './member-store';
import { MemberMetrics } from './metrics';
import { OpTable } from './ops';
import { NULL_OPTIME, type OpTime } from './oplog';
import { SessionTable } from './sessions';
import { TransactionTable } from './transactions';

export const STATE_CODES = {
  STARTUP: 0,
  PRIMARY: 1,
  SECONDARY: 2,
  RECOVERING: 3,
  STARTUP2: 5,
  UNKNOWN: 6,
  ARBITER: 7,
  DOWN: 8,
  ROLLBACK: 9,
  REMOVED: 10,
} as const;

export type MemberStateName = keyof typeof STATE_CODES;

/** What one member knows about another from heartbeats (the rows of replSetGetStatus.members). */
export interface PeerView {
  health: 0 | 1;
  state: MemberStateName;
  optime: OpTime;
  optimeWall: number;
  lastHeartbeat: number;
  lastHeartbeatRecv: number;
  pingMs: number;
  lastHeartbeatMessage: string;
  upSince: number;
  syncSource: string;
  electionDate: number;
  term: number;
}

export interface MemberSpec {
  name: string;
  site: string;
  setName: string;
  id: number;
  arbiter: boolean;
  priority: number;
  votes: number;
}

/** electionId as mongod builds it (OID::fromTerm): 0x7fffffff then the term as a big-endian 64-bit integer. */
export function electionIdForTerm(term: number): ObjectId {
  const b = Buffer.alloc(12);
  b.writeUInt32BE(0x7fffffff, 0);
  b.writeBigUInt64BE(BigInt(term), 4);
  return new ObjectId(b);
}

export interface OpCounters {
  insert: number;
  query: number;
  update: number;
  delete: number;
  getmore: number;
  command: number;
}

/** What every sandbox member reports unless its site is given another version (SandboxOptions.serverVersions). */
export const DEFAULT_SERVER_VERSION = '7.0.0';

/** One replica-set member: its state, its data (unless an arbiter) and what it knows of its peers. */
export class Member {
  readonly name: string;
  readonly site: string;
  readonly setName: string;
  readonly id: number;
  readonly arbiter: boolean;
  port = 0;
  /** The server version it reports (buildInfo, serverStatus): a site can run another release than its peer. */
  version = DEFAULT_SERVER_VERSION;

  alive = true;
  state: MemberStateName;
  /** Persisted across restarts, like mongod's local.replset.election. */
  term = 0;
  lastVoteTerm = 0;
  electionDate = 0;
  upSince = Date.now();
  frozenUntil = 0;
  /** Injected faults: replication delay and response delay. */
  lagMs = 0;
  slowMs = 0;
  syncSource: string | null = null;
  infoMessage = '';
  /** Wall clock of the last oplog entry applied. */
  lastAppliedWall = 0;
  /** When this member first noticed it has no primary, and the random offset it drew then. */
  noPrimarySince: number | null = null;
  electionOffsetMs = 0;
  /** When a higher-priority member first found itself eligible to take over. */
  takeoverSince: number | null = null;
  /** When a primary last had a majority of voters in reach (for stepping down on majority loss). */
  majoritySeenAt = Date.now();
  rollbacks = 0;
  rolledBackOps = 0;

  readonly store: MemberStore | null;
  readonly sessions = new SessionTable();
  readonly transactions = new TransactionTable();
  readonly cursors = new CursorRegistry();
  readonly ops = new OpTable();
  readonly metrics = new MemberMetrics();
  readonly peers = new Map<string, PeerView>();
  readonly opcounters: OpCounters = { insert: 0, query: 0, update: 0, delete: 0, getmore: 0, command: 0 };
  readonly opcountersRepl: OpCounters = { insert: 0, query: 0, update: 0, delete: 0, getmore: 0, command: 0 };
  connectionsCurrent = 0;
  connectionsTotal = 0;

  private processId = new ObjectId();
  private topologyCounter = 0;
  private readonly topologyEvents = new EventEmitter();

  constructor(spec: MemberSpec, oplogSizeBytes: number) {
    this.name = spec.name;
    this.site = spec.site;
    this.setName = spec.setName;
    this.id = spec.id;
    this.arbiter = spec.arbiter;
    this.state = spec.arbiter ? 'ARBITER' : 'SECONDARY';
    this.store = spec.arbiter ? null : new MemberStore(oplogSizeBytes);
    this.topologyEvents.setMaxListeners(0);
  }

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  get isPrimary(): boolean {
    return this.alive && this.state === 'PRIMARY';
  }

  lastApplied(): OpTime {
    return this.store ? this.store.oplog.lastOpTime() : NULL_OPTIME;
  }

  topologyVersion(): Document {
    return { processId: this.processId, counter: Long.fromNumber(this.topologyCounter) };
  }

  /** Any change a driver's hello would show: wakes awaitable hellos, as the server's topologyVersion does. */
  bumpTopology(): void {
    this.topologyCounter++;
    this.topologyEvents.emit('change');
  }

  setState(state: MemberStateName): void {
    if (this.state === state) return;
    this.state = state;
    this.bumpTopology();
  }

  /** Resolves when topologyVersion changes or after ms, whichever is first; false when it timed out. */
  waitTopologyChange(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const onChange = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.topologyEvents.off('change', onChange);
        resolve(false);
      }, ms);
      // A monitor waiting on a member must not keep the process alive after the sandbox stops.
      timer.unref();
      this.topologyEvents.once('change', onChange);
    });
  }

  isCurrentTopology(tv: unknown): boolean {
    if (!tv || typeof tv !== 'object') return false;
    const { processId, counter } = tv as { processId?: unknown; counter?: unknown };
    return processId instanceof ObjectId && processId.equals(this.processId) && Number(counter) === this.topologyCounter;
  }

  /**
   * A restart: new process id, fresh uptime, no cursors; data, term and oplog survive (they are on disk).
   * A data-bearing member comes back as SECONDARY (its data is consistent) and syncs or rolls back from there.
   */
  restart(): void {
    this.processId = new ObjectId();
    this.topologyCounter = 0;
    this.upSince = Date.now();
    this.cursors.clear();
    this.transactions.abortAll();
    this.peers.clear();
    this.syncSource = null;
    this.noPrimarySince = null;
    this.takeoverSince = null;
    this.electionDate = 0;
    // Freeze and step-down periods live in memory: a restart forgets them.
    this.frozenUntil = 0;
    this.state = this.arbiter ? 'ARBITER' : 'SECONDARY';
    this.topologyEvents.emit('change');
  }
}
