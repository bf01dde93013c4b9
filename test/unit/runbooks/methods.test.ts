import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalResult, auditCheckpoint } from '../../../src/main/reports/approval-report';
import { DrillService } from '../../../src/main/drills/drill-service';
import { createLocalDrillDesks, type LocalDrillDesks } from '../../../src/main/drills/local-approvers';
import { RpcRouter } from '../../../src/main/rpc/router';
import { drillMethods } from '../../../src/main/drills/methods';
import { runbookMethods } from '../../../src/main/runbooks/methods';
import { mongoHandlers } from '../../../src/main/runbooks/steps/mongo-handlers';
import { RunbookService } from '../../../src/main/runbooks/runbook-service';
import { runbookSettingsSchema } from '../../../src/main/runbooks/settings';
import type { ExecutionView } from '../../../src/shared/api/runbooks';
import { FakeMongo } from './fake-mongo';
import { twoSiteTopology } from './fixtures';

const dir = mkdtempSync(join(tmpdir(), 'drdesk-desk-rb-'));
let desks: LocalDrillDesks;
let router: RpcRouter;
let service: RunbookService;
const db = new Database(join(dir, 'desk.sqlite'));

beforeAll(async () => {
  desks = await createLocalDrillDesks(dir);
  const op = desks.operator;
  const mongo = FakeMongo.of({ '127.0.0.1:27017': 'PRIMARY', '127.0.0.1:27018': 'SECONDARY' });
  service = new RunbookService({
    db,
    topology: twoSiteTopology(),
    settings: runbookSettingsSchema.parse({}),
    handlers: mongoHandlers(mongo),
    audit: desks.audit.sink,
    gate: {
      authorize: async (id) => {
        const d = await op.authorizeExecution(id);
        return { plan: d.plan, planDigest: d.planDigest, breakGlass: null };
      },
      operator: () => desks.operatorName,
      describe: async (id) => approvalResult(await op.getRequest(id)),
      checkpoint: (requestId) => auditCheckpoint(op, requestId),
    },
  });
  router = new RpcRouter();
  router.register(runbookMethods(service));
  router.register(drillMethods(new DrillService({ db, onProgress: () => undefined })));
});
afterAll(() => {
  service.close();
  desks.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('DeskApi runbook methods', () => {
  it('validates inputs before anything runs', async () => {
    await expect(router.call('previewPlan', { runbook: 'reboot-everything' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(router.call('startExecution', { requestId: 'x; rm -rf /' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(router.call('getExecution', { id: 'ex-1' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });

  it('runs only an approved request, exactly its plan, once — and exports its report', async () => {
    const { plan, digest } = (await router.call('previewPlan', { runbook: 'switchover', currentPrimary: 'dc-1' })) as { plan: { steps: unknown[] }; digest: string };
    const req = await desks.operator.createRequest({ action: 'switchover', target: 'rs-dc on DC', reason: 'planned maintenance of dc-1', plan });
    expect(req.planDigest).toBe(digest);
    await expect(router.call('startExecution', { requestId: req.id })).rejects.toMatchObject({ code: 'EXECUTION_LOCKED' });
    await desks.cosign(req.id);
    const started = (await router.call('startExecution', { requestId: req.id })) as ExecutionView;
    expect(started.planDigest).toBe(digest);
    const done = await service.executor.settled(started.id);
    expect(done.status).toBe('succeeded');
    // A request runs once: the approvals engine refuses it now that it has executed.
    await expect(router.call('startExecution', { requestId: req.id })).rejects.toMatchObject({ message: expect.stringMatching(/xecuted/) });
    const list = (await router.call('listExecutions', {})) as Array<{ id: string }>;
    expect(list.map((e) => e.id)).toContain(started.id);
    const report = (await router.call('getExecutionReport', { id: started.id })) as { approvals: Array<{ group: string }>; outcome: string; audit: { checkpoint: { entries: number; token?: string } | null } };
    expect(report.outcome).toBe('passed');
    expect(report.approvals.map((a) => a.group).sort()).toEqual(['IT', 'business']);
    // The result carries the operator's head for the approvers: one co-signs it, and it stands on the operator's side.
    const head = report.audit.checkpoint;
    expect(head?.token).toMatch(/^drdesk1\./);
    const back = await desks.witness(head!.token!);
    const kept = await desks.operator.importCosignedCheckpoint(back.token);
    expect(kept).toMatchObject({ count: head!.entries, problem: null });
    expect(kept.witnesses.join(' ')).toMatch(/Ivan/);
    const html = (await router.call('exportExecutionReport', { id: started.id, format: 'html' })) as { mime: string; base64: string };
    expect(html.mime).toBe('text/html');
    expect(Buffer.from(html.base64, 'base64').toString()).toContain('Local switchover of rs-dc on DC');
    const audited = (await desks.operator.getAudit({ subject: `execution:${started.id}` })).entries.map((e) => e.action);
    expect(audited).toContain('runbook.step.started');
    expect(audited).toContain('runbook.execution.succeeded');
  });

  it('lists the drill scenarios', async () => {
    const list = (await router.call('listDrills', undefined)) as Array<{ name: string }>;
    expect(list.map((s) => s.name)).toEqual(['dc-primary-failure', 'dc-site-loss', 'partition', 'corrupted-slice', 'failback']);
  });
});
