import { SandboxImpl } from './sandbox';
import type { Sandbox, SandboxOptions } from './types';

export type * from './types';
export { FaultError, parseFault } from './faults';
export { DEFAULT_LAYOUT, SANDBOX_PASSWORD_SECRET } from './topology-file';

/**
 * Starts the built-in practice topology on loopback: DC (rs-dc: dc-1 primary, dc-2 secondary, dc-3 arbiter)
 * and DR (rs-dr: dr-1, dr-2, dr-3), each member on its own 127.0.0.1 port, plus the control endpoint.
 * Always call stop(): it frees every port.
 */
export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const sb = new SandboxImpl(opts);
  await sb.start();
  return sb;
}
