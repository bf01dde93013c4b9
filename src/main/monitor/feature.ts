import type { DeskFeature } from '../feature/contract';
import { monitorMethods } from './methods';
import { sandboxFaultMethods } from './sandbox-faults';
import type { Monitor } from './monitor';

/**
 * The monitor's DeskApi methods (overview, history, alerts, topology, credentials, the sandbox's faults) as a feature like the
 * others. The Monitor itself is built by the composition root, because every other feature reads it.
 */
export function monitorFeature(monitor: Monitor): DeskFeature {
  return (ctx) => ({ methods: { ...monitorMethods({ monitor, secrets: ctx.secrets, topology: ctx.topology, sandbox: ctx.sandbox !== null }), ...sandboxFaultMethods(ctx.sandbox) } });
}
