import { createHash } from 'node:crypto';
import { DeskError } from '../../shared/errors';
import type { Plan } from './runbook';

/** Canonical JSON (sorted keys, no whitespace) so the digest does not depend on how a plan was assembled. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (value === undefined || typeof value === 'function' || typeof value === 'bigint' || (typeof value === 'number' && !Number.isFinite(value)))
      throw new DeskError('PLAN_NOT_JSON', 'A plan may only hold JSON values (strings, finite numbers, booleans, null, arrays, objects).');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function planDigest(plan: Plan): string {
  return `sha256:${createHash('sha256').update(canonicalJson(plan)).digest('hex')}`;
}
