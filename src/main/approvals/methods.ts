import { z } from 'zod';
import { APPROVAL_ACTIONS, ROSTER_ROLES, type RosterChange } from '../../shared/api/approvals';
import { noInput, type MethodTable } from '../rpc/router';
import type { DeskApprovals } from './desk-approvals';
import { isFingerprint } from '../signing/keys';
import { actionPolicySchema, GROUP } from './policy';

/**
 * DeskApi's approvals and audit methods with their input schemas, for the engine's RpcRouter. Every input
 * is validated here before DeskApprovals sees it; outputs never contain private key material.
 */
const fingerprint = z.string().refine(isFingerprint, 'a key fingerprint "SHA256:…" (43 base64 characters)');
const text = z.string().min(1, 'a token (drdesk1.…) or the JSON of an exported file').max(8 * 1024 * 1024, 'at most 8 MiB');
const requestId = z.string().regex(/^req_[A-Za-z0-9_-]{20}$/, 'a request id "req_…"');
const dropDir = z.string().min(1).max(4096).optional();
const group = z.string().regex(GROUP, 'a group name such as "IT" or "business"').nullable();
const roles = z.array(z.enum(ROSTER_ROLES, `one of ${ROSTER_ROLES.join(', ')}`)).min(1, 'at least one role').max(4);
const iso = z.iso.datetime('an ISO time such as 2025-01-31T12:00:00Z');

const rosterChange: z.ZodType<RosterChange> = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('add'), enrollmentToken: z.string().min(1).max(2000), roles, group: group.optional(), person: fingerprint.optional() }),
  z.strictObject({ op: z.literal('remove'), fingerprint }),
  z.strictObject({ op: z.literal('update'), fingerprint, roles: roles.optional(), group: group.optional() }),
  z.strictObject({ op: z.literal('set-policy'), action: z.enum(APPROVAL_ACTIONS), policy: actionPolicySchema }),
  z.strictObject({ op: z.literal('set-admin-threshold'), threshold: z.number().int().min(1, 'at least 1 admin').max(10, 'at most 10 admins') }),
]);

const auditQuery = z.strictObject({
  actor: fingerprint.optional(),
  action: z.string().min(1).max(100).optional(),
  subject: z.string().min(1).max(200).optional(),
  since: iso.optional(),
  until: iso.optional(),
  breakGlassOnly: z.boolean().optional(),
  beforeSeq: z.number().int().min(1).optional(),
  limit: z.number().int().min(1).max(5000, 'at most 5000 entries per page').optional(),
});

const decide = z.strictObject({ id: requestId, comment: z.string().max(4000, 'at most 4000 characters') });

export function approvalsMethods(a: DeskApprovals): MethodTable {
  return {
    getIdentity: { input: noInput, handler: async () => a.getIdentity() },
    createIdentity: { input: z.strictObject({ name: z.string().min(1, 'your name as colleagues know it').max(80) }), handler: (i) => a.createIdentity(i.name) },
    exportEnrollmentToken: { input: noInput, handler: () => a.exportEnrollmentToken() },
    getRoster: { input: noInput, handler: () => a.getRoster() },
    initRoster: { input: noInput, handler: () => a.initRoster() },
    proposeRosterChange: {
      input: z.strictObject({ changes: z.array(rosterChange).min(1, 'at least one change').max(100), apply: z.boolean().optional() }),
      handler: (i) => a.proposeRosterChange(i.changes, i.apply ?? true),
    },
    applyRosterChange: { input: z.strictObject({ text, trustAdminFingerprint: fingerprint.optional() }), handler: (i) => a.applyRosterChange(i.text, i.trustAdminFingerprint) },
    reviewRosterChange: { input: z.strictObject({ text }), handler: (i) => a.reviewRosterChange(i.text) },
    cosignRosterChange: { input: z.strictObject({ text, trustAdminFingerprint: fingerprint.optional() }), handler: (i) => a.cosignRosterChange(i.text, i.trustAdminFingerprint) },
    exportRoster: { input: noInput, handler: () => a.exportRoster() },
    createRequest: {
      input: z.strictObject({
        action: z.enum(APPROVAL_ACTIONS, `one of ${APPROVAL_ACTIONS.join(', ')}`),
        target: z.string().min(1, 'what the action applies to, e.g. a replica set or site').max(200),
        reason: z.string().max(4000),
        plan: z.unknown().refine((v) => v !== undefined, 'the plan that will run (JSON from the runbook engine)'),
        statusSnapshot: z.unknown().optional(),
        expiresInMinutes: z.number().int().min(1).max(60 * 24 * 30).optional(),
      }),
      handler: (i) => a.createRequest(i),
    },
    listRequests: {
      input: z.union([noInput, z.strictObject({ state: z.enum(['pending', 'approved', 'denied', 'expired', 'invalid', 'executed']).optional(), limit: z.number().int().min(1).max(1000).optional() })]),
      handler: (i) => a.listRequests(i ?? {}),
    },
    getRequest: { input: z.strictObject({ id: requestId }), handler: (i) => a.getRequest(i.id) },
    exportRequest: { input: z.strictObject({ id: requestId, dropDir }), handler: (i) => a.exportRequest(i.id, i.dropDir) },
    importRequest: { input: z.strictObject({ text }), handler: async (i) => (await a.importRequest(i.text)).detail },
    approveRequest: { input: decide, handler: (i) => a.decide(i.id, 'approve', i.comment) },
    denyRequest: { input: decide, handler: (i) => a.decide(i.id, 'deny', i.comment) },
    exportApproval: { input: z.strictObject({ digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'a decision digest "sha256:…"'), dropDir }), handler: (i) => a.exportApproval(i.digest, i.dropDir) },
    importApproval: { input: z.strictObject({ text, requestId: requestId.optional() }), handler: async (i) => (await a.importApproval(i.text, i.requestId)).detail },
    syncDropFolder: { input: z.strictObject({ dir: z.string().min(1).max(4096) }), handler: (i) => a.syncDropFolder(i.dir) },
    getAudit: { input: z.union([noInput, auditQuery]), handler: (i) => a.getAudit(i ?? {}) },
    getIntegrity: { input: noInput, handler: () => a.integrity() },
    exportCheckpoint: { input: z.union([noInput, z.strictObject({ requestId: requestId.optional(), dropDir })]), handler: (i) => a.exportCheckpoint(i?.requestId ?? null, i?.dropDir) },
    witnessCheckpoint: { input: z.strictObject({ text }), handler: (i) => a.witnessCheckpoint(i.text) },
    importCosignedCheckpoint: { input: z.strictObject({ text }), handler: (i) => a.importCosignedCheckpoint(i.text) },
    verifyAudit: { input: z.union([noInput, z.strictObject({ full: z.boolean().optional() })]), handler: (i) => a.verifyAudit(i?.full ?? false) },
    exportAudit: { input: z.union([noInput, auditQuery]), handler: (i) => a.exportAudit(i ?? {}) },
  };
}
