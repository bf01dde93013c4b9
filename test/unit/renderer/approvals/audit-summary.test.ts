import { describe, expect, it } from 'vitest';
import type { AuditEntryView } from '../../../../src/shared/api/approvals';
import { auditSummary } from '../../../../src/renderer/pages/audit/audit-summary';
import { expiryText, requirementTitle, shortFingerprint } from '../../../../src/renderer/pages/approvals-common/labels';

const FP_IVAN = `SHA256:${'I'.repeat(43)}`;
const names = (fp: string) => (fp === FP_IVAN ? 'Ivan IT' : null);
const entry = (action: string, details: unknown): AuditEntryView => ({ seq: 1, time: '', actor: '', actorName: null, action, subject: 's', details, prev: '', hash: '', breakGlass: false });

describe('auditSummary', () => {
  it('reads approvals with the approver’s roster name and comment', () => {
    expect(auditSummary(entry('request.approved', { approver: FP_IVAN, comment: 'ok for IT', imported: true }), names)).toBe('approved by Ivan IT (imported): “ok for IT”');
    expect(auditSummary(entry('request.denied', { approver: 'SHA256:unknown', comment: '' }), names)).toBe('denied by SHA256:unknown');
  });

  it('lists roster changes and imported versions', () => {
    expect(auditSummary(entry('roster.changed', { changes: [{ op: 'add', name: 'Bea', roles: ['approver'], group: 'business' }, { op: 'remove', fingerprint: FP_IVAN }] }), names)).toBe(
      'added Bea (approver, business); removed Ivan IT',
    );
    expect(auditSummary(entry('roster.changed', { version: 4, signer: FP_IVAN, imported: true }), names)).toBe('roster version 4 signed by Ivan IT, imported');
  });

  it('falls back to code and message, and to null for unknown shapes', () => {
    expect(auditSummary(entry('request.refused', { code: 'SELF_APPROVAL', message: 'no' }), names)).toBe('SELF_APPROVAL: no');
    expect(auditSummary(entry('drill.started', { scenario: 'x' }), names)).toBeNull();
  });
});

describe('approval labels', () => {
  it('titles requirements the way people say them', () => {
    expect(requirementTitle({ group: 'IT', needed: 1 })).toBe('IT approver');
    expect(requirementTitle({ group: null, needed: 2 })).toBe('2 approvers (any group)');
  });

  it('shortens fingerprints and counts expiry both ways', () => {
    expect(shortFingerprint(FP_IVAN)).toBe('SHA256:IIIIIIIIIIII…');
    expect(expiryText('2025-01-01T01:00:00Z', Date.parse('2025-01-01T00:00:00Z'))).toBe('in 1 h');
    expect(expiryText('2025-01-01T00:00:00Z', Date.parse('2025-01-01T00:03:00Z'))).toBe('expired 3 min ago');
  });
});
