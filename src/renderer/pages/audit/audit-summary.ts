import type { AuditEntryView } from '../../../shared/api/approvals';

type Details = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * One readable line for the entries the approvals engine writes, with fingerprints turned into the
 * roster's names; the signed JSON stays one click away. Null when there is nothing better than the JSON.
 */
export function auditSummary(e: AuditEntryView, nameOf: (fingerprint: string) => string | null): string | null {
  const d = (e.details && typeof e.details === 'object' ? e.details : {}) as Details;
  const who = (fp: unknown) => (typeof fp === 'string' ? (nameOf(fp) ?? fp) : 'someone');
  const quoted = (v: unknown) => (str(v) ? `: “${str(v)}”` : '');
  switch (e.action) {
    case 'identity.created':
      return `identity "${str(d.name)}" created; private key in the ${str(d.keyStorage)}`;
    case 'roster.created':
      return `roster started with ${who(d.admin)} as admin`;
    case 'roster.changed': {
      const changes = Array.isArray(d.changes) ? (d.changes as Details[]) : [];
      if (d.imported === true) return `roster version ${String(d.version)} signed by ${who(d.signer)}, imported`;
      return changes
        .map((c) => {
          if (c.op === 'add') return `added ${str(c.name)} (${Array.isArray(c.roles) ? c.roles.join(', ') : ''}${str(c.group) ? `, ${str(c.group)}` : ''})`;
          if (c.op === 'remove') return `removed ${who(c.fingerprint)}`;
          if (c.op === 'set-policy') return `policy for ${str(c.action)} changed`;
          return `${who(c.fingerprint)} updated`;
        })
        .join('; ');
    }
    case 'request.created':
      return `${str(d.action)} on ${str(d.target)}${quoted(d.reason)}`;
    case 'request.imported':
      return `${str(d.action)} on ${str(d.target)} from ${who(d.requester)}`;
    case 'request.approved':
    case 'request.denied':
      return `${e.action === 'request.approved' ? 'approved' : 'denied'} by ${who(d.approver)}${d.imported === true ? ' (imported)' : ''}${quoted(d.comment)}`;
    case 'request.executed':
    case 'break-glass.executed':
      return `${str(d.action)} on ${str(d.target)} started; approvers ${Array.isArray(d.approvers) ? d.approvers.map(who).join(', ') : '—'}`;
    default:
      if (str(d.code) && str(d.message)) return `${str(d.code)}: ${str(d.message)}`;
      if (str(d.summary)) return str(d.summary);
      return null;
  }
}
