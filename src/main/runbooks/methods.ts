import { z } from 'zod';
import { noInput, type MethodTable } from '../rpc/router';
import { RUNBOOKS } from './plans/index';
import { runbookIdSchema } from './runbook';
import type { RunbookService } from './runbook-service';

/**
 * DeskApi's runbook and execution methods: each with the zod schema of its input, for the engine's router.
 * Execution only starts from a request whose approvals the approvals engine has verified.
 */
const executionId = z.string().regex(/^ex-[0-9]{14}-[0-9a-f]{8}$/, 'an execution id "ex-…"');
const requestId = z.string().regex(/^req_[A-Za-z0-9_-]{20}$/, 'a request id "req_…"');
export const limit = z.strictObject({ limit: z.number().int().min(1).max(500).optional() }).optional().transform((v) => v ?? {});
export const name = z.string().min(1).max(80);

export function runbookMethods(runbooks: RunbookService): MethodTable {
  return {
    listRunbooks: { input: noInput, handler: async () => RUNBOOKS },
    previewPlan: {
      input: z.strictObject({ runbook: runbookIdSchema, currentPrimary: name.optional(), site: name.optional() }),
      handler: async (i) => runbooks.preview(i.runbook, { currentPrimary: i.currentPrimary, site: i.site }),
    },
    startExecution: { input: z.strictObject({ requestId }), handler: (i) => runbooks.start(i.requestId) },
    listExecutions: { input: limit, handler: async (i) => runbooks.list(i?.limit) },
    listLedgerExecutions: { input: limit, handler: (i) => runbooks.ledgerExecutions(i?.limit) },
    getExecution: { input: z.strictObject({ id: executionId }), handler: async (i) => runbooks.get(i.id) },
    resumeExecution: {
      input: z.strictObject({ id: executionId, confirmSteps: z.array(z.number().int().min(1).max(1000)).max(100).optional() }),
      handler: async (i) => runbooks.resume(i.id, i.confirmSteps ?? []),
    },
    abortExecution: { input: z.strictObject({ id: executionId }), handler: (i) => runbooks.abort(i.id) },
    confirmStep: { input: z.strictObject({ id: executionId, step: z.number().int().min(1).max(1000) }), handler: async (i) => runbooks.confirm(i.id, i.step) },
    getExecutionReport: { input: z.strictObject({ id: executionId }), handler: (i) => runbooks.report(i.id) },
    exportExecutionReport: { input: z.strictObject({ id: executionId, format: z.enum(['pdf', 'html']) }), handler: (i) => runbooks.export(i.id, i.format) },
  };
}
