import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TopologyInput } from '../../shared/topology';
import type { MemberRuntime } from './commands/context';
import { ControlServer } from './control-server';
import { Elections } from './elections';
import { FaultError } from './faults';
import { Ledger } from './ledger';
import { Member } from './member';
import { Network } from './network';
import { formatTs } from './oplog';
import { ReplicaSet } from './replica-set';
import { makeCredential, type ScramCredential } from './scram';
import { MemberListener } from './server/listener';
import { FAST_TIMING, DEFAULT_TIMING } from './timing';
import { buildTopology, DEFAULT_LAYOUT, type SiteLayout } from './topology-file';
import type { FaultRequest, Sandbox, SandboxDescription, SandboxMemberInfo, SandboxOptions, SandboxState } from './types';
import { Workload } from './workload';
import { applyFault } from './fault-actions';

export interface SiteRuntime {
  layout: SiteLayout;
  set: ReplicaSet;
  elections: Elections;
  appRunning: boolean;
}

/** The running practice topology: members, their listeners, the control endpoint and the workload. */
export class SandboxImpl implements Sandbox {
  readonly network = new Network();
  readonly sites: SiteRuntime[] = [];
  readonly listeners = new Map<string, MemberListener>();
  readonly ledger = new Ledger();
  private workload: Workload | null = null;
  private control: ControlServer | null = null;
  private createdDir: string | null = null;
  private stopped = false;
  description!: SandboxDescription;
  topology!: TopologyInput;

  constructor(readonly opts: SandboxOptions) {}

  async start(): Promise<void> {
    const timing = this.opts.fast ? FAST_TIMING : DEFAULT_TIMING;
    const credentials = this.opts.auth ? new Map<string, ScramCredential>([[this.opts.auth.username, makeCredential(this.opts.auth.username, this.opts.auth.password)]]) : null;
    const oplogBytes = this.opts.oplogSizeBytes ?? 64 * 1024 * 1024;
    let portIndex = 0;
    try {
      for (const layout of DEFAULT_LAYOUT) {
        const members = layout.members.map((m, i) => new Member({ name: m.name, site: layout.name, setName: layout.replicaSet, id: i, arbiter: m.arbiter, priority: m.priority, votes: 1 }, oplogBytes));
        const set = new ReplicaSet(layout.replicaSet, members, timing, this.network, Object.fromEntries(layout.members.map((m) => [m.name, m.priority])));
        if (this.opts.periodicNoopIntervalMs !== undefined) set.noopIntervalMs = this.opts.periodicNoopIntervalMs;
        const elections = new Elections(set);
        if (this.opts.transactionEntryMaxBytes) set.txnEntryMaxBytes = this.opts.transactionEntryMaxBytes;
        for (const m of members) {
          m.version = this.opts.serverVersions?.[layout.name] ?? m.version;
          const rt: MemberRuntime = { member: m, set, elections, credentials };
          rt.shutdown = () => this.kill(m, this.sites.find((x) => x.set === set)!);
          const listener = new MemberListener(rt);
          const base = this.opts.basePort ?? 0;
          m.port = base > 0 ? await listener.listen(base + portIndex) : await listener.listenOnFreePort();
          portIndex++;
          this.listeners.set(m.name, listener);
        }
        set.setHosts();
        this.sites.push({ layout, set, elections, appRunning: layout.role === 'dc' });
      }
      for (const s of this.sites) {
        s.elections.bootstrap(s.set.members[0]);
        s.elections.start();
      }
      const base = this.opts.basePort ?? 0;
      this.control = new ControlServer(this);
      const controlPort = await this.control.listen(this.opts.controlPort ?? (base > 0 ? base + portIndex : 0));
      const control = `http://127.0.0.1:${controlPort}`;
      const dir = this.opts.dir ?? (this.createdDir = await mkdtemp(join(tmpdir(), 'drdesk-sandbox-')));
      const topologyFile = join(dir, 'topology.json');
      const infos = new Map<string, SandboxMemberInfo>();
      for (const s of this.sites) for (const m of s.set.members) infos.set(m.name, { name: m.name, host: m.host, role: m.arbiter ? 'arbiter' : m === s.set.members[0] ? 'primary' : 'secondary' });
      this.topology = buildTopology(DEFAULT_LAYOUT, infos, control, { username: this.opts.auth?.username, fast: !!this.opts.fast });
      await writeFile(topologyFile, `${JSON.stringify(this.topology, null, 2)}\n`);
      this.description = {
        sites: this.sites.map((s) => ({
          name: s.layout.name,
          replicaSet: s.set.name,
          members: s.set.members.map((m) => infos.get(m.name)!),
          appHealthUrl: `${control}/app/${s.layout.name}/health`,
        })),
        topologyFile,
        control,
      };
      if (this.opts.workloadOpsPerSec && this.opts.workloadOpsPerSec > 0) this.startWorkload(this.opts.workloadOpsPerSec);
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** A mongodb:// URI for one site's replica set (with the sandbox's credentials when auth is on). */
  uri(siteName: string): string {
    const site = this.site(siteName);
    if (!site) throw new FaultError('UNKNOWN_TARGET', `unknown site "${siteName}"`);
    const hosts = site.set.members.map((m) => m.host).join(',');
    const auth = this.opts.auth ? `${encodeURIComponent(this.opts.auth.username)}:${encodeURIComponent(this.opts.auth.password)}@` : '';
    return `mongodb://${auth}${hosts}/?replicaSet=${site.set.name}${auth ? '&authSource=admin' : ''}`;
  }

  site(name: string): SiteRuntime | undefined {
    return this.sites.find((s) => s.layout.name.toLowerCase() === name.toLowerCase());
  }

  findMember(name: string): { member: Member; site: SiteRuntime } | undefined {
    for (const site of this.sites) {
      const member = site.set.member(name);
      if (member) return { member, site };
    }
    return undefined;
  }

  /** Why a site's application is not healthy, or null when it is running against a writable primary. */
  appProblem(siteName: string): string | null {
    const site = this.site(siteName);
    if (!site) return `unknown site "${siteName}"`;
    if (!site.appRunning) return `the ${site.layout.name} application is stopped (standby)`;
    if (!site.set.primary()) return `the ${site.layout.name} application cannot write: replica set ${site.set.name} has no writable primary`;
    return null;
  }

  state(): SandboxState {
    const members = this.sites.flatMap((s) =>
      s.set.members.map((m) => {
        const primary = s.set.primary();
        const applied = m.store ? m.lastApplied() : null;
        const lagMs = m.store && primary && primary !== m && m.alive ? Math.max(0, primary.lastAppliedWall - m.lastAppliedWall) : m.store && m.alive ? 0 : null;
        return {
          name: m.name,
          site: s.layout.name,
          replicaSet: s.set.name,
          alive: m.alive,
          stateStr: m.alive ? m.state : '(not reachable/healthy)',
          term: m.term,
          optime: applied ? { ts: formatTs(applied.ts), t: applied.t } : null,
          lagMs,
          host: m.host,
          lagInjectedMs: m.lagMs,
          slowMs: m.slowMs,
          frozenUntil: m.frozenUntil > Date.now() ? new Date(m.frozenUntil).toISOString() : null,
          oplogEntries: m.store?.oplog.size ?? null,
          clientsBlocked: this.listeners.get(m.name)?.clientsBlocked ?? false,
          rollbacks: m.rollbacks,
          rolledBackOps: m.rolledBackOps,
        };
      }),
    );
    return {
      members,
      workload: {
        running: this.workload?.running ?? false,
        opsPerSec: this.workload?.opsPerSec ?? 0,
        acknowledged: this.ledger.acknowledged,
        acknowledgedMajority: this.ledger.acknowledgedMajority,
        failed: this.ledger.failed,
        lastAckAt: this.ledger.lastAckAt,
      },
      apps: this.sites.map((s) => ({ site: s.layout.name, running: s.appRunning, healthy: this.appProblem(s.layout.name) === null })),
      partitions: this.network.partitions(),
      elections: this.sites.flatMap((s) => s.set.events.map((e) => ({ ...e, replicaSet: s.set.name, at: new Date(e.at).toISOString() }))),
    };
  }

  fault(req: FaultRequest): Promise<{ ok: true; message: string }> {
    return applyFault(this, req);
  }

  startWorkload(opsPerSec: number): void {
    if (this.stopped) return;
    if (!this.workload) this.workload = new Workload({ uri: this.uri('DC'), transactions: this.opts.workloadTransactions }, this.ledger);
    if (this.workload.running) this.workload.opsPerSec = opsPerSec;
    else this.workload.start(opsPerSec);
  }

  async stopWorkload(): Promise<void> {
    await this.workload?.stop();
  }

  /** Kills a member: its listener and connections close; its data stays for a revive. */
  async kill(member: Member, site: SiteRuntime): Promise<void> {
    site.set.kill(member);
    await this.listeners.get(member.name)!.close();
  }

  async revive(member: Member, site: SiteRuntime): Promise<void> {
    if (member.alive) return;
    await this.listeners.get(member.name)!.listen(member.port, 20);
    site.set.revive(member);
    site.elections.heartbeatFrom(member);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.workload?.stop(0);
    for (const s of this.sites) {
      s.elections.stop();
      s.set.stop();
      for (const m of s.set.members) m.alive = false;
    }
    await Promise.all([...this.listeners.values()].map((l) => l.close()));
    await this.control?.close();
    if (this.createdDir) await rm(this.createdDir, { recursive: true, force: true });
  }
}
