import { hostname } from 'node:os';
import type { MongoClient } from 'mongodb';
import { DeskError } from '../../shared/errors';
import type { ReplicaSetConfig, Topology } from '../../shared/topology';
import type { SecretStore } from '../store/secret-store';
import { connectReplicaSet } from '../connectors/mongo-endpoints';
import type { LedgerExecution, LedgerExecutions } from '../../shared/api/runbooks';
import { ExecutionLedger, type LedgerClaim, type LedgerDoc } from './ledger';

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

  /**
   * Every execution the topology's ledgers record, newest first, merged by request id (what a workstation
   * without its database sees). Each ledger is read with majority read concern (controlCollection) and a
   * short timeout, all at once, so a gone DC neither stalls the answer nor disappears from it: a ledger
   * that does not answer is named with its reason.
   */
  async recorded(limit = 50): Promise<LedgerExecutions> {
    const reads = await Promise.all(
      this.d.topology.sites.flatMap((s) =>
        s.replicaSets.map(async (rs): Promise<LedgerRead> => {
          const site = `${s.name} (${rs.name})`;
          try {
            return { site, docs: await this.withLedger({ site: s.name, replicaSet: rs, required: false }, (l) => l.recent(limit)) };
          } catch (err) {
            return { site, docs: null, why: (err as Error).message.split('\n')[0] };
          }
        }),
      ),
    );
    return mergeLedgerReads(reads, limit);
  }

  /** The merged entries alone, one `site` text each (the Backups page's control status). */
  async list(limit = 50): Promise<Array<Omit<LedgerExecution, 'sites'> & { site: string }>> {
    const { entries } = await this.recorded(limit);
    return entries.map(({ sites, ...e }) => ({ ...e, site: sites.join(', ') }));
  }
}

/** One ledger's answer: its newest documents, or null and why it did not answer. */
export interface LedgerRead {
  site: string;
  docs: LedgerDoc[] | null;
  why?: string;
}

/**
 * Merges the ledgers' documents by request id: one entry per execution of a request, naming every ledger
 * that holds it. A ledger that missed the finish (it did not answer then) keeps "started"; the entry takes
 * the outcome from the ledgers that have it. Two executions under one request id (which the claim refuses)
 * stay two entries, so the conflict shows.
 */
export function mergeLedgerReads(reads: readonly LedgerRead[], limit: number): LedgerExecutions {
  const byKey = new Map<string, LedgerExecution>();
  for (const r of reads)
    for (const d of r.docs ?? []) {
      const key = `${d._id}\u0000${d.executionId}`;
      const startedAt = d.startedAt.toISOString();
      const finishedAt = d.finishedAt?.toISOString() ?? null;
      const prev = byKey.get(key);
      if (!prev) {
        byKey.set(key, { requestId: d._id, executionId: d.executionId, by: d.by, workstation: d.workstation, startedAt, finishedAt, outcome: d.outcome, sites: [r.site] });
        continue;
      }
      prev.sites.push(r.site);
      if (startedAt < prev.startedAt) prev.startedAt = startedAt;
      if (d.outcome !== null && (prev.outcome === null || (finishedAt ?? '') > (prev.finishedAt ?? ''))) {
        prev.outcome = d.outcome;
        prev.finishedAt = finishedAt;
      }
    }
  const entries = [...byKey.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt) || a.requestId.localeCompare(b.requestId)).slice(0, limit);
  const ledgers = reads.map((r) => (r.docs ? { site: r.site, answered: true } : { site: r.site, answered: false, why: r.why ?? 'no answer' }));
  return { entries, ledgers };
}
