import { useState } from 'react';
import type { RosterPerson, RosterView } from '../../../shared/api/approvals';
import { Fingerprint } from '../approvals-common/Fingerprint';

function RemoveButton({ person, onRemove }: { person: RosterPerson; onRemove: (p: RosterPerson) => void }) {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <button type="button" onClick={() => setAsking(true)}>
        Remove…
      </button>
    );
  return (
    <span className="confirm">
      <button type="button" className="danger" onClick={() => onRemove(person)}>
        Remove {person.name}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Keep
      </button>
    </span>
  );
}

/** The people of the roster with their roles, approver group and key. */
export function RosterTable({ roster, me, isAdmin, onRemove }: { roster: RosterView; me: string; isAdmin: boolean; onRemove: (p: RosterPerson) => void }) {
  return (
    <table className="table" data-testid="roster-table">
      <thead>
        <tr>
          <th>Name</th>
          <th>Roles</th>
          <th>Approver group</th>
          <th>Key fingerprint</th>
          {isAdmin && <th aria-label="Actions" />}
        </tr>
      </thead>
      <tbody>
        {roster.people.map((p) => (
          <tr key={p.fingerprint} data-testid={`roster-person-${p.name}`}>
            <td>
              <strong>{p.name}</strong>
              {p.fingerprint === me && <span className="you-tag">you</span>}
            </td>
            <td>
              {p.roles.map((r) => (
                <span key={r} className={`role-tag role-${r}`}>
                  {r}
                </span>
              ))}
            </td>
            <td>{p.group ?? <span className="muted">—</span>}</td>
            <td>
              <Fingerprint value={p.fingerprint} full />
            </td>
            {isAdmin && <td className="actions">{p.fingerprint !== me && <RemoveButton person={p} onRemove={onRemove} />}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
