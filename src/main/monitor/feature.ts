import type { DeskFeature } from '../feature/contract';
import { monitorMethods } from './methods';
import type { Monitor } from './monitor';

/**
 * The monitor's DeskApi methods (overview, history, alerts, topology, credentials) as a feature like the
 * others. The Monitor itself is built by the composition root, because every other feature reads it.
 */
export function monitorFeature(monitor: Monitor): DeskFeature {
  return (ctx) => ({ methods: monitorMethods({ monitor, secrets: ctx.secrets, topology: ctx.topology, sandbox: ctx.sandbox !== null }) });
}
