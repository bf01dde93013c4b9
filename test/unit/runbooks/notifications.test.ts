import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalsFeature, APPROVALS } from '../../../src/main/approvals/feature';
import { createDesk, type Desk } from '../../../src/main/desk';
import { enrollTestApprovers, type TestApprovers } from '../../../src/main/drills/local-approvers';
import { runbooksFeature } from '../../../src/main/runbooks/feature';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import { DeskError } from '../../../src/shared/errors';
import type { DeskNotification } from '../../../src/shared/desk-api';
import { twoSiteTopology } from './fixtures';

/** An execution that fails (or completes) reaches every host as a 'notification' event from DeskContext.notify. */
const dir = mkdtempSync(join(tmpdir(), 'drdesk-notify-'));
let desk: Desk;
let approvers: TestApprovers;
const seen: DeskNotification[] = [];

beforeAll(async () => {
  const topology = join(dir, 'topology.json');
  writeFileSync(topology, JSON.stringify({ ...twoSiteTopology(), alerts: { desktop: false, webhookRetries: 0 } }));
  // The fixture's members do not exist: no execution ledger to claim on (exactly-once.test.ts tests the ledger).
  const backup = () => ({
    verifyLatest: async () => {
      throw new DeskError('BACKUP_VERIFY_FAILED', 'slice #3 refused: sha256 mismatch');
    },
    applyLatest: async () => ({ sequence: null, appliedTo: null, summary: 'not reached' }),
    cycle: async () => ({ sequence: null, appliedTo: null, summary: 'not reached' }),
  });
  desk = await createDesk({ dataDir: join(dir, 'data'), topologyPath: topology, secretStore: new MemorySecretStore(), autoStart: false, features: [approvalsFeature, runbooksFeature({ backup, ledger: () => null })] });
  desk.subscribe('notification', (n) => seen.push(n));
  await desk.api().createIdentity({ name: 'Olivia Operator' });
  await desk.api().initRoster();
  approvers = await enrollTestApprovers(desk.services.get(APPROVALS), dir);
});

afterAll(async () => {
  approvers?.close();
  await desk?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('execution notifications', () => {
  it('notifies the failure of an approved execution, with its step and reason', async () => {
    const api = desk.api();
    const { plan } = await api.previewPlan({ runbook: 'dr-activation' });
    const req = await api.createRequest({ action: 'dr-activation', target: plan.title, reason: 'Notification test: activate DR.', plan });
    await approvers.cosign(req.id);
    const started = await api.startExecution({ requestId: req.id });
    for (let e = started; e.status === 'running'; e = await api.getExecution({ id: started.id })) await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual([
      expect.objectContaining({
        level: 'error',
        title: 'DR activation: DC → DR: failed at step 1',
        body: expect.stringContaining('slice #3 refused: sha256 mismatch'),
        subject: `execution:${started.id}`,
        // The topology turned desktop alerts off: hosts list it but raise no desktop notification.
        desktop: false,
      }),
    ]);
  });
});
