import { z } from 'zod';
import type { FaultInput, SandboxControlView } from '../../shared/api/monitor';
import { DeskError } from '../../shared/errors';
import { noInput, type MethodTable } from '../rpc/router';

/** What the Faults panel needs of the sandbox Desk started: its description, its state and its fault entry point. */
export interface FaultableSandbox {
  readonly description: { control: string; sites: Array<{ name: string }> };
  state(): {
    members: Array<{ name: string; site: string; alive: boolean; stateStr: string; lagInjectedMs?: number; clientsBlocked?: boolean }>;
    apps?: Array<{ site: string; running: boolean; healthy: boolean }>;
    partitions?: Array<[string, string]>;
  };
  fault(req: FaultInput): Promise<{ ok: true; message: string }>;
}

const target = z.string().min(1, 'a member name such as "dc-1" or a site name such as "DC"').max(100, 'at most 100 characters');

const faultInputSchema = z.discriminatedUnion(
  'action',
  [
    z.strictObject({ action: z.enum(['kill', 'revive', 'heal']), target }),
    z.strictObject({ action: z.literal('partition'), target, from: target.optional() }),
    z.strictObject({ action: z.literal('lag'), target, ms: z.number().int().min(0, 'from 0 to 3600000 ms').max(3_600_000, 'from 0 to 3600000 ms') }),
    z.strictObject({ action: z.literal('app'), target, running: z.boolean('true or false') }),
  ],
  'action: one of kill, revive, partition, heal, lag, app',
);

export function sandboxView(sb: FaultableSandbox): SandboxControlView {
  const st = sb.state();
  const cut = new Set((st.partitions ?? []).flat());
  return {
    control: sb.description.control,
    sites: sb.description.sites.map((s) => {
      const app = st.apps?.find((a) => a.site === s.name);
      return { name: s.name, appRunning: app?.running ?? false, appHealthy: app?.healthy ?? false };
    }),
    members: st.members.map((m) => ({
      name: m.name,
      site: m.site,
      alive: m.alive,
      stateStr: m.stateStr,
      lagInjectedMs: m.lagInjectedMs ?? 0,
      clientsBlocked: m.clientsBlocked ?? false,
      partitioned: cut.has(m.name),
    })),
  };
}

/**
 * The Faults panel's methods. Faults exist only on the sandbox Desk started itself: watching real sites,
 * injectFault is refused with NOT_SANDBOX and nothing is sent anywhere.
 */
export function sandboxFaultMethods(sb: FaultableSandbox | null): MethodTable {
  return {
    getSandboxControl: { input: noInput, handler: async () => (sb ? sandboxView(sb) : null) },
    injectFault: {
      input: faultInputSchema,
      handler: async (f: FaultInput) => {
        if (!sb) throw new DeskError('NOT_SANDBOX', 'Faults are injected only on the built-in sandbox: this desk watches real sites, so nothing was done.');
        return sb.fault(f);
      },
    },
  };
}
