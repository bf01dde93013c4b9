import { useEffect, useState, type FormEvent } from 'react';
import { ROSTER_ROLES, type ExportedItem, type RosterPending, type RosterRole, type RosterView } from '../../../shared/api/approvals';
import { useDeskApi } from '../../app/desk-context';
import { useCall } from '../../app/use-action';
import { fingerprintHex, readEnrollmentClaim } from '../approvals-common/fingerprint-text';
import { Refusal } from '../../app/Refusal';
import { Field, SuggestInput } from '../../components/form';
import { Card } from '../../components/Card';

/** Groups the policy names (IT, business…) offered first; any other group can be typed. */
function policyGroups(roster: RosterView): string[] {
  return [...new Set(Object.values(roster.policy).flatMap((p) => p.requirements.map((r) => r.group)))].filter((g): g is string => g !== null);
}

/** An admin adds a person from their enrollment token; the new roster version is signed by this admin. */
export function AddPerson({ roster, onAdded, onPending }: { roster: RosterView; onAdded: (message: string) => void; onPending: (p: { pending: RosterPending; export: ExportedItem }) => void }) {
  const api = useDeskApi();
  const [token, setToken] = useState('');
  const [roles, setRoles] = useState<RosterRole[]>(['approver']);
  const [group, setGroup] = useState('');
  const [claim, setClaim] = useState<{ name: string; fingerprint: string } | null>(null);
  const { busy, error, run } = useCall();
  const groups = policyGroups(roster);

  useEffect(() => {
    let live = true;
    void readEnrollmentClaim(token).then((c) => live && setClaim(c));
    return () => {
      live = false;
    };
  }, [token]);

  const toggle = (r: RosterRole) => setRoles((rs) => (rs.includes(r) ? rs.filter((x) => x !== r) : ROSTER_ROLES.filter((x) => x === r || rs.includes(x))));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const res = await run(() => api.proposeRosterChange({ changes: [{ op: 'add', enrollmentToken: token.trim(), roles, group: roles.includes('approver') ? group.trim() || null : null }] }));
    if (!res) return;
    const added = res.roster.people.find((p) => p.fingerprint === claim?.fingerprint);
    if (res.pending) onPending({ pending: res.pending, export: res.export });
    else onAdded(`${added?.name ?? 'The person'} is in roster version ${res.roster.version}, signed by you.`);
    setToken('');
    setGroup('');
  };

  return (
    <Card title="Add a person" as="form" className="form-card" onSubmit={submit} testId="add-person">
      <Field label="Their enrollment token (from their Identity page)">
        <textarea className="token" rows={3} value={token} onChange={(e) => setToken(e.target.value)} spellCheck={false} placeholder="drdesk-enroll1.…" data-testid="add-person-token" />
      </Field>
      {claim && (
        <div className="claim small" data-testid="enrollment-claim">
          <strong>{claim.name}</strong>, key <code>{claim.fingerprint}</code>
          <div className="mono">{fingerprintHex(claim.fingerprint)}</div>
          {roster.people.some((p) => p.fingerprint === claim.fingerprint) ? (
            <div className="outcome error">This key is already in roster version {roster.version}: one key is one person.</div>
          ) : (
            <div className="muted">Have {claim.name} read their fingerprint to you and compare before adding.</div>
          )}
        </div>
      )}
      <fieldset className="roles">
        <legend>Roles</legend>
        {ROSTER_ROLES.map((r) => (
          <label key={r} className="check">
            <input type="checkbox" checked={roles.includes(r)} onChange={() => toggle(r)} /> {r}
          </label>
        ))}
      </fieldset>
      <Field label={`Approver group ${roles.includes('approver') ? '' : '(only for approvers)'}`}>
        <SuggestInput
          listId="roster-groups"
          suggestions={groups}
          value={group}
          onChange={(e) => setGroup(e.target.value)}
          placeholder={groups.join(' or ') || 'IT'}
          disabled={!roles.includes('approver')}
          data-testid="add-person-group"
        />
      </Field>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy || !token.trim() || roles.length === 0}>
          {busy ? 'Signing…' : 'Sign and add'}
        </button>
      </div>
      <Refusal error={error} testId="add-person-refusal" />
    </Card>
  );
}
