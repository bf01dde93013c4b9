import type { ExportedItem, RosterPending } from '../../../shared/api/approvals';
import { ExportPanel } from '../approvals-common/ExportPanel';
import { Card } from '../../components/Card';

/**
 * A roster version that carries fewer admins' signatures than its change needs: not applied here, shown
 * with why, and exported for another admin to co-sign (Roster page → Co-sign a change). A new admin joining
 * co-signs the version that adds them.
 */
export function PendingChange({ pending, item, testId }: { pending: RosterPending; item: ExportedItem; testId: string }) {
  return (
    <Card
      title={<>Roster version {pending.version} waits for a second admin</>}
      className="banner banner-yellow"
      testId={testId}
      data-version={pending.version}
    >
      <p>
        It needs the signatures of {pending.needed} admins (each person counts once) and carries {pending.signedBy.length}: {pending.signedBy.join(', ')}. Nothing changed here yet, because:
      </p>
      <ul>
        {pending.reasons.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
      <ExportPanel item={item} testId={`${testId}-export`} what="other admin (Roster page, Co-sign a change)" />
    </Card>
  );
}
