import { hostname } from 'node:os';
import type { MongoClient } from 'mongodb';
import { DeskError } from '../../shared/errors';
import type { ReplicaSetConfig, Topology } from '../../shared/topology';
import type { SecretStore } from '../store/secret-store';
import { connectReplicaSet } from '../connectors/mongo-endpoints';
import { ExecutionLedger, type LedgerClaim } from './ledger';

/**
 * The execution ledgers an execution writes to: those of the replica sets its action steps act on. A DR
 * activation acts on DR, so DR's ledger is required; it also records itself on the other sites' ledgers
 * when they answer, and goes ahead without them when they do not (DC may be gone: that is why it runs).
 * Every other runbook needs every ledger it acts on: an unreachable one refuses the start, since the
 * run could not be proved unique there.
 */
export interface PlanShape {
  runbook: string;
  steps: ReadonlyArray<{ kind: string; target: { site: string; replicaSet: string | null } }>;
}

export interface LedgerTarget {
  site: string;
  replicaSet: ReplicaSetConfig;
  required: boolean;
}

export function ledgerTargets(plan: PlanShape, topology: Topology): LedgerTarget[] {
  const out = new Map<string, LedgerTarget>();
  const add = (site: string, rsName: string | null, required: boolean) => {
    const s = topology.sites.find((x) => x.name === site);
    if (!s) return;
    for (const rs of rsName ? s.replicaSets.filter((r) => r.name === rsName) : s.replicaSets) {
      const key = `${s.name}/${rs.name}`;
      const prev = out.get(key);
      out.set(key, { site: s.name, replicaSet: rs, required: required || (prev?.required ?? false) });
    }
  };
  const acting = plan.steps.filter((s) => s.kind === 'action');
  // A DR activation may act on DC too (fencing it) but runs because DC may be gone: DR's ledger is the one required.
  const activation = plan.runbook === 'dr-activation';
  const required = (site: string) => !activation || topology.sites.find((x) => x.name === site)?.role === 'dr';
  for (const s of acting.length ? acting : plan.steps) add(s.target.site, s.target.replicaSet, required(s.target.site));
  if (activation) for (const s of topology.sites) add(s.name, null, s.role === 'dr');
  return [...out.values()];
}

export interface LedgerClaimResult {
  recorded: string[];
  skipped: Array<{ target: string; why: string }>;
}

export class ReplicaSetLedgers {
  constructor(
    private readonly d: { topology: Topology; secrets: SecretStore; timeoutMs?: number; workstation: string },
  ) {}

  private async withLedger<T>(t: LedgerTarget, fn: (l: ExecutionLedger) => Promise<T>): Promise<T> {
    // An optional ledger (DC during an activation) is not waited for long: it is most likely gone.
    const timeoutMs = Math.min(this.d.timeoutMs ?? 8_000, t.required ? Infinity : 3_000);
    const client: MongoClient = await connectReplicaSet(t.replicaSet, { secrets: this.d.secrets, timeoutMs, socketTimeoutMs: 30_000 });
    try {
      return await fn(new ExecutionLedger(client, `${t.site} (${t.replicaSet.name})`));
    } finally {
      await client.close(true).catch(() => undefined);
    }
  }

  /**
   * Claims the request on every ledger of the plan before its first step. ALREADY_EXECUTED from any of
   * them refuses the start; LEDGER_UNREACHABLE when a required ledger cannot be written.
   */
  async claim(plan: PlanShape, c: Omit<LedgerClaim, 'workstation'>): Promise<LedgerClaimResult> {
    const targets = ledgerTargets(plan, this.d.topology);
    if (!targets.some((t) => t.required))
      throw new DeskError('LEDGER_NO_TARGET', `The plan names no replica set of the topology to record its execution on: rebuild the plan from this topology.`);
    const claim: LedgerClaim = { ...c, workstation: `${hostname()}:${this.d.workstation}` };
    const result: LedgerClaimResult = { recorded: [], skipped: [] };
    // Required ledgers first: a refusal there must come before anything is written on the optional ones.
    for (const t of [...targets].sort((a, b) => Number(b.required) - Number(a.required))) {
      const name = `${t.site} (${t.replicaSet.name})`;
      try {
        await this.withLedger(t, (l) => l.claim(claim));
        result.recorded.push(name);
      } catch (err) {
        if ((err as DeskError).code === 'ALREADY_EXECUTED') throw err;
        const why = (err as Error).message.split('\n')[0];
        if (!t.required) {
          result.skipped.push({ target: name, why });
          continue;
        }
        throw new DeskError('LEDGER_UNREACHABLE', `Request ${c.requestId} was not started: the execution ledger of ${name} cannot be written (${why}), so its run could not be recorded once for every workstation. Nothing ran; try again when ${t.site} answers.`);
      }
    }
    return result;
  }

  /** Records the outcome where the claim was recorded; a ledger that does not answer keeps "started". */
  async finish(plan: PlanShape, requestId: string, executionId: string, outcome: string): Promise<void> {
    for (const t of ledgerTargets(plan, this.d.topology)) await this.withLedger(t, (l) => l.finish(requestId, executionId, outcome)).catch(() => undefined);
  }

  /** Every execution the reachable ledgers record, newest first (what a workstation without its database sees). */
  async list(limit = 50): Promise<Array<{ site: string; requestId: string; executionId: string; by: string; workstation: string; startedAt: string; finishedAt: string | null; outcome: string | null }>> {
    const seen = new Map<string, { site: string; requestId: string; executionId: string; by: string; workstation: string; startedAt: string; finishedAt: string | null; outcome: string | null }>();
    for (const s of this.d.topology.sites)
      for (const rs of s.replicaSets) {
        const docs = await this.withLedger({ site: s.name, replicaSet: rs, required: false }, (l) => l.recent(limit)).catch(() => []);
        for (const d of docs)
          if (!seen.has(d._id))
            seen.set(d._id, { site: `${s.name} (${rs.name})`, requestId: d._id, executionId: d.executionId, by: d.by, workstation: d.workstation, startedAt: d.startedAt.toISOString(), finishedAt: d.finishedAt?.toISOString() ?? null, outcome: d.outcome });
      }
    return [...seen.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt)).slice(0, limit);
  }
}
