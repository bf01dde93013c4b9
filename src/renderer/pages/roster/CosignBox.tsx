import { useState } from 'react';
import type { ExportedItem, RosterPending, RosterReview, RosterView } from '../../../shared/api/approvals';
import type { DeskError } from '../../../shared/errors';
import { useDeskApi } from '../../app/desk-context';
import { toDeskError } from '../../desk-client/bridge-client';
import { ExportPanel } from '../approvals-common/ExportPanel';
import { Fingerprint } from '../approvals-common/Fingerprint';
import { ImportBox } from '../approvals-common/ImportBox';
import { Refusal } from '../../app/Refusal';
import { PendingChange } from './PendingChange';
import { TrustPrompt, type TrustQuestion } from './TrustPrompt';

type Result = { roster: RosterView; export: ExportedItem; pending: RosterPending | null };

/**
 * Co-signing another admin's roster change: the proposal is read and shown first (who proposed it, what it
 * changes), and signed only on an explicit confirmation. A new admin joining co-signs the version that adds
 * them, after comparing the proposing admin's key as on a first import. The co-signed version goes back to
 * the proposer (or on to the next admin, when it still needs more).
 */
export function CosignBox({
  testId,
  onDone,
  deferDone = false,
  onStart,
}: {
  testId: string;
  onDone: () => void;
  /** Wait for "Done" (a joining admin's setup page gives way to the roster on onDone). */
  deferDone?: boolean;
  /** Called when a proposal is read: the page keeps this box until onDone. */
  onStart?: () => void;
}) {
  const api = useDeskApi();
  const [review, setReview] = useState<{ text: string; r: RosterReview } | null>(null);
  const [trust, setTrust] = useState<TrustQuestion | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const [error, setError] = useState<DeskError | null>(null);
  const [busy, setBusy] = useState(false);

  const read = async (text: string) => {
    onStart?.();
    setReview(null);
    setTrust(null);
    setResult(null);
    setReview({ text, r: await api.reviewRosterChange({ text }) });
    return null;
  };
  const cosign = async (text: string, trustAdminFingerprint?: string) => {
    const r = await api.cosignRosterChange({ text, trustAdminFingerprint });
    setResult(r);
    setReview(null);
    if (!deferDone) onDone();
  };
  const confirm = async () => {
    if (!review) return;
    setBusy(true);
    setError(null);
    try {
      await cosign(review.text);
    } catch (err) {
      const e = toDeskError(err);
      const d = e.details as { adminFingerprint?: string; adminName?: string | null } | undefined;
      if (e.code === 'ROSTER_TRUST_REQUIRED' && d?.adminFingerprint) setTrust({ text: review.text, adminFingerprint: d.adminFingerprint, adminName: d.adminName ?? null });
      else setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid={testId}>
      <ImportBox label="Proposed roster change (token or file)" button="Read the change" onImport={read} testId={`${testId}-box`} />
      {review && !trust && (
        <div className="claim" data-testid={`${testId}-review`} data-version={review.r.version}>
          <p>
            Roster version {review.r.version}, proposed by <strong>{review.r.proposedBy.name ?? 'someone not in the roster'}</strong> (<Fingerprint value={review.r.proposedBy.fingerprint} />):
          </p>
          <ul>
            {review.r.changes.length ? review.r.changes.map((c) => <li key={c}>{c}</li>) : <li>no change to people, roles or policy</li>}
          </ul>
          <div className="form-actions">
            <button type="button" className="primary" onClick={confirm} disabled={busy}>
              {busy ? 'Signing…' : `Co-sign version ${review.r.version}`}
            </button>
          </div>
          <Refusal error={error} testId={`${testId}-refusal`} />
        </div>
      )}
      {trust && <TrustPrompt question={trust} onTrusted={() => setTrust(null)} act={(text, fp) => cosign(text, fp)} verb="co-sign" />}
      {result &&
        (result.pending ? (
          <PendingChange pending={result.pending} item={result.export} testId={`${testId}-pending`} />
        ) : (
          <div data-testid={`${testId}-done`}>
            <p className="outcome ok">Co-signed: roster version {result.roster.version} is in force on this workstation. Send it back to {result.roster.signedBy.name}:</p>
            <ExportPanel item={result.export} testId={`${testId}-export`} what="proposing admin (Roster page, Apply an update)" />
            {deferDone && (
              <div className="form-actions">
                <button type="button" onClick={onDone}>
                  Done: show the roster
                </button>
              </div>
            )}
          </div>
        ))}
    </div>
  );
}
