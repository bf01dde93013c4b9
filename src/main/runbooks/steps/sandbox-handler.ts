import type { FaultRequest } from '../../sandbox/types';
import type { OperationHandlers } from './step-handler';

/** Sandbox faults as plan steps (drills, and the simulated applications of the practice topology). */
export function sandboxHandlers(fault: (req: FaultRequest) => Promise<{ message: string }>): OperationHandlers {
  return {
    'sandbox.fault': async (op) => {
      const f = op.fault;
      const req: FaultRequest = {
        action: f.action,
        target: f.target,
        ...(f.ms === null ? {} : { ms: f.ms }),
        ...(f.seconds === null ? {} : { seconds: f.seconds }),
        ...(f.from === null ? {} : { from: f.from }),
        ...(f.running === null ? {} : { running: f.running }),
      };
      const r = await fault(req);
      return { summary: r.message };
    },
  };
}
