import { z } from 'zod';
import type { FaultRequest } from './types';

/** Thrown for a fault request that cannot be carried out; the control endpoint answers 400 with it. */
export class FaultError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const faultSchema = z.strictObject({
  action: z.enum(['kill', 'revive', 'partition', 'heal', 'lag', 'slow', 'freeze', 'stepdown', 'app'], 'one of kill, revive, partition, heal, lag, slow, freeze, stepdown, app'),
  target: z.string('a member name such as "dc-1" or a site name such as "DC"').min(1, 'a member name such as "dc-1" or a site name such as "DC"'),
  ms: z.number('a number of milliseconds').int().min(0).max(3_600_000).optional(),
  seconds: z.number('a number of seconds').min(0).max(86_400).optional(),
  from: z.string().min(1).optional(),
  running: z.boolean('true or false').optional(),
});

/** Validates a fault request from outside (JSON body, CLI); the message names the field and the fix. */
export function parseFault(input: unknown): FaultRequest {
  const r = faultSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue.path.length ? issue.path.join('.') : 'body';
    throw new FaultError('BAD_FAULT', `${where}: ${issue.message}`);
  }
  const f = r.data;
  if ((f.action === 'lag' || f.action === 'slow') && f.ms === undefined) throw new FaultError('BAD_FAULT', `ms: "${f.action}" needs the delay in milliseconds, e.g. {"action":"${f.action}","target":"dc-2","ms":5000}`);
  if (f.action === 'app' && f.running === undefined) throw new FaultError('BAD_FAULT', 'running: "app" needs running: true or false');
  return f;
}
