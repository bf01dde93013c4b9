import { useState } from 'react';
import type { DeskError } from '../../../shared/errors';
import { useDeskApi } from '../../app/desk-context';
import { toDeskError } from '../../desk-client/bridge-client';
import { ImportBox } from '../approvals-common/ImportBox';
import { Refusal } from '../../app/Refusal';
import { CosignBox } from './CosignBox';
import { TrustPrompt, type TrustQuestion } from './TrustPrompt';
import { Card } from '../../components/Card';

/** No roster here yet: start the team's roster (becoming its admin), or import the one an admin sent. */
export function RosterSetup({ onDone, onJoining }: { onDone: () => void; /** A join is under way: keep this page until it is done. */ onJoining: () => void }) {
  const api = useDeskApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<DeskError | null>(null);
  const [trust, setTrust] = useState<TrustQuestion | null>(null);

  const init = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.initRoster();
      onDone();
    } catch (err) {
      setError(toDeskError(err));
    } finally {
      setBusy(false);
    }
  };

  const importRoster = async (text: string) => {
    setTrust(null);
    try {
      const r = await api.applyRosterChange({ text });
      onDone();
      return `Roster version ${r.version} imported.`;
    } catch (err) {
      const e = toDeskError(err);
      const d = e.details as { adminFingerprint?: string; adminName?: string | null } | undefined;
      if (e.code !== 'ROSTER_TRUST_REQUIRED' || !d?.adminFingerprint) throw e;
      // Not a failure: the first roster waits for the person to compare the admin's key (the prompt below).
      setTrust({ text, adminFingerprint: d.adminFingerprint, adminName: d.adminName ?? null });
      return null;
    }
  };

  return (
    <div className="two-columns">
      <Card title="Import the team's roster" testId="roster-import">
        <p className="muted">Paste the roster token an admin sent you, or choose the roster file. The first import asks you to confirm the admin's key.</p>
        <ImportBox label="Roster token or file" button="Import roster" onImport={importRoster} testId="roster-import-box" />
        {trust && <TrustPrompt question={trust} onTrusted={onDone} />}
      </Card>
      <Card title="Start a new roster" testId="roster-init">
        <p className="muted">
          For the first workstation of a team only. You become the roster's first admin — and only that. Alone you can sign one change: adding a second admin, who
          co-signs it. From then on, adding a key or an approver, giving a role or weakening a policy takes two admins. The default policy asks one IT and one
          business approver for DR activation and failback, one approver for a switchover.
        </p>
        <div className="form-actions">
          <button type="button" onClick={init} disabled={busy}>
            {busy ? 'Signing…' : 'Start a roster as its admin'}
          </button>
        </div>
        <Refusal error={error} />
      </Card>
      <Card title="Join as an admin" testId="roster-join-card">
        <p className="muted">An admin proposed a roster version that makes you an admin: read it, compare their key, and co-sign it.</p>
        <CosignBox testId="roster-join" onDone={onDone} deferDone onStart={onJoining} />
      </Card>
    </div>
  );
}
