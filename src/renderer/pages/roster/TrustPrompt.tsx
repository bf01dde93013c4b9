import { useDeskApi } from '../../app/desk-context';
import { useCall } from '../../app/use-action';
import { fingerprintHex } from '../approvals-common/fingerprint-text';
import { Refusal } from '../../app/Refusal';

export interface TrustQuestion {
  text: string;
  adminFingerprint: string;
  adminName: string | null;
}

/**
 * The first roster on a machine is trusted because a person compared its admin's key out of band; this
 * shows the key to compare and imports only after that explicit confirmation.
 */
export function TrustPrompt({
  question,
  onTrusted,
  act,
  verb = 'import',
}: {
  question: TrustQuestion;
  onTrusted: () => void;
  /** What trusting does (default: import the roster); a joining admin co-signs instead. */
  act?: (text: string, trustAdminFingerprint: string) => Promise<unknown>;
  verb?: string;
}) {
  const api = useDeskApi();
  const { busy, error, run } = useCall();
  const trust = async () => {
    const done = await run(async () => {
      if (act) await act(question.text, question.adminFingerprint);
      else await api.applyRosterChange({ text: question.text, trustAdminFingerprint: question.adminFingerprint });
      return true;
    });
    if (done) onTrusted();
  };
  return (
    <div className="trust-prompt banner banner-yellow" data-testid="trust-prompt" data-code="ROSTER_TRUST_REQUIRED">
      <p>
        This roster was started by <strong>{question.adminName ?? 'an unknown admin'}</strong> with the key:
      </p>
      <p className="mono">
        {question.adminFingerprint}
        <br />
        {fingerprintHex(question.adminFingerprint)}
      </p>
      <p>Compare it with what {question.adminName ?? 'the admin'} reads from their Identity page, by phone or in person. Trust it only if it matches.</p>
      <div className="form-actions">
        <button type="button" className="primary" onClick={trust} disabled={busy}>
          It matches: trust {question.adminName ?? 'this admin'} and {verb}
        </button>
      </div>
      <Refusal error={error} />
    </div>
  );
}
