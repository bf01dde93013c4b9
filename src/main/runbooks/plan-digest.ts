import { createHash } from 'node:crypto';
import { canonicalize } from '../../shared/canonical-json';
import type { Plan } from './runbook';

/**
 * "sha256:<hex>" of the plan's canonical JSON — the same digest the approvals engine records for the plan a
 * request carries, so the executor can check that what runs is exactly what was approved.
 */
export function planDigest(plan: Plan): string {
  return `sha256:${createHash('sha256').update(canonicalize(plan)).digest('hex')}`;
}
