import { useState } from 'react';
import { ROSTER_ROLES, type RosterPerson, type RosterRole, type RosterView } from '../../../shared/api/approvals';
import { Fingerprint } from '../approvals-common/Fingerprint';
import { DataTable } from '../../components/DataTable';

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

/** An admin changes a key's roles: giving one takes two admins, so the change may come back pending. */
function RolesButton({ person, onSetRoles }: { person: RosterPerson; onSetRoles: (p: RosterPerson, roles: RosterRole[]) => void }) {
  const [roles, setRoles] = useState<RosterRole[] | null>(null);
  if (!roles)
    return (
      <button type="button" onClick={() => setRoles([...person.roles])}>
        Roles…
      </button>
    );
  const toggle = (r: RosterRole) => setRoles((rs) => (rs?.includes(r) ? rs.filter((x) => x !== r) : ROSTER_ROLES.filter((x) => x === r || rs?.includes(x))));
  return (
    <span className="confirm" data-testid={`roles-editor-${person.name}`}>
      {ROSTER_ROLES.map((r) => (
        <label key={r} className="check">
          <input type="checkbox" checked={roles.includes(r)} onChange={() => toggle(r)} disabled={r === 'approver' && person.group === null && !person.roles.includes(r)} /> {r}
        </label>
      ))}
      <button type="button" className="primary" disabled={roles.length === 0} onClick={() => (onSetRoles(person, roles), setRoles(null))}>
        Sign roles
      </button>
      <button type="button" onClick={() => setRoles(null)}>
        Cancel
      </button>
    </span>
  );
}

/** The people of the roster with their roles, approver group and key. */
export function RosterTable({
  roster,
  me,
  isAdmin,
  onRemove,
  onSetRoles,
}: {
  roster: RosterView;
  me: string;
  isAdmin: boolean;
  onRemove: (p: RosterPerson) => void;
  onSetRoles: (p: RosterPerson, roles: RosterRole[]) => void;
}) {
  return (
    <DataTable
      testId="roster-table"
      rows={roster.people}
      rowKey={(p) => p.fingerprint}
      rowProps={(p) => ({ 'data-testid': `roster-person-${p.name}` })}
      columns={[
        {
          header: 'Name',
          cell: (p) => (
            <>
              <strong>{p.name}</strong>
              {p.fingerprint === me && <span className="you-tag">you</span>}
            </>
          ),
        },
        {
          header: 'Roles',
          cell: (p) =>
            p.roles.map((r) => (
              <span key={r} className={`role-tag role-${r}`}>
                {r}
              </span>
            )),
        },
        { header: 'Approver group', cell: (p) => p.group ?? <span className="muted">—</span> },
        { header: 'Key fingerprint', cell: (p) => <Fingerprint value={p.fingerprint} full /> },
        isAdmin && {
          label: 'Actions',
          cellClass: 'actions',
          cell: (p) => (
            <>
              <RolesButton person={p} onSetRoles={onSetRoles} />
              {p.fingerprint !== me && <RemoveButton person={p} onRemove={onRemove} />}
            </>
          ),
        },
      ]}
    />
  );
}
