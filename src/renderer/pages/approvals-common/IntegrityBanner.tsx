import { useDeskQuery } from '../../app/use-desk-query';

/**
 * The start-up check, shown where people act on approvals: when this database is behind or off what the
 * keychain remembers (entries deleted, an older copy restored, a rolled-back roster), each problem is said
 * with its code and sentence. Nothing here unlocks anything; execution refuses on its own.
 */
export function IntegrityBanner() {
  const q = useDeskQuery((api) => api.getIntegrity(), 'integrity', ['approvalsChanged', 'auditAppended'], { settleMs: 500 });
  if (!q.data || q.data.ok) return null;
  return (
    <div className="banner banner-red" role="alert" data-testid="integrity-banner">
      <strong>This workstation&apos;s records do not match what its keychain remembers.</strong>
      {q.data.problems.map((p) => (
        <p key={p.code} data-code={p.code}>
          <code>{p.code}</code> {p.message}
        </p>
      ))}
    </div>
  );
}
