import { useState } from 'react';
import type { RosterPerson } from '../../../shared/api/approvals';
import type { DeskError } from '../../../shared/errors';
import { useDeskApi } from '../../app/desk-context';
import type { PageDefinition } from '../../app/pages';
import { useDeskQuery } from '../../app/use-desk-query';
import { toDeskError } from '../../desk-client/bridge-client';
import { formatClock } from '../../format/time';
import { Fingerprint } from '../approvals-common/Fingerprint';
import { hrefOf } from '../../app/hash-route';
import { IntegrityBanner } from '../approvals-common/IntegrityBanner';
import { Refusal } from '../approvals-common/Refusal';
import { AddPerson } from './AddPerson';
import { PolicyTable } from './PolicyTable';
import { RosterSetup } from './RosterSetup';
import { RosterShare } from './RosterShare';
import { RosterTable } from './RosterTable';
import '../approvals-common/approvals.css';

function RosterPage() {
  const api = useDeskApi();
  const q = useDeskQuery(async (a) => {
    const identity = await a.getIdentity();
    const roster = await a.getRoster().then(
      (r) => ({ r, e: null }),
      (e: unknown) => ({ r: null, e: toDeskError(e) }),
    );
    return { identity, roster: roster.r, rosterError: roster.e };
  }, 'roster');
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<DeskError | null>(null);
  const identity = q.data?.identity ?? null;
  const roster = q.data?.roster ?? null;
  const isAdmin = Boolean(identity && roster?.people.some((p) => p.fingerprint === identity.fingerprint && p.roles.includes('admin')));

  const remove = async (p: RosterPerson) => {
    setError(null);
    try {
      const res = await api.proposeRosterChange({ changes: [{ op: 'remove', fingerprint: p.fingerprint }] });
      setNote(`${p.name} removed in roster version ${res.roster.version}, signed by you.`);
      q.reload();
    } catch (err) {
      setError(toDeskError(err));
    }
  };

  return (
    <div className="approvals-page">
      <header className="page-header">
        <h1>Roster</h1>
        {roster && (
          <p className="muted" data-testid="roster-version">
            Version {roster.version}, signed by {roster.signedBy.name} (<Fingerprint value={roster.signedBy.fingerprint} />) at {formatClock(roster.createdAt)}
          </p>
        )}
      </header>
      <IntegrityBanner />
      <Refusal error={q.error ?? q.data?.rosterError ?? null} />
      {q.data && !identity && (
        <div className="card empty" data-testid="needs-identity">
          Create <a href={hrefOf('identity')}>your identity</a> first: roster changes are signed with it.
        </div>
      )}
      {identity && !roster && !q.data?.rosterError && <RosterSetup onDone={q.reload} />}
      {roster && identity && (
        <>
          {note && (
            <div className="banner banner-green" role="status" data-testid="roster-note">
              {note} Export it under “Share the roster” and send it to everyone.
            </div>
          )}
          <Refusal error={error} />
          <section className="card">
            <header className="card-header">
              <h2>People</h2>
              {!isAdmin && <span className="muted small">Only an admin can change the roster.</span>}
            </header>
            <RosterTable roster={roster} me={identity.fingerprint} isAdmin={isAdmin} onRemove={remove} />
          </section>
          <div className="two-columns">
            {isAdmin && <AddPerson roster={roster} onAdded={(m) => (setNote(m), q.reload())} />}
            <RosterShare version={roster.version} onApplied={q.reload} />
          </div>
          <section className="card">
            <header className="card-header">
              <h2>Approval policy</h2>
              <span className="muted small">Part of the signed roster: changing it takes an admin's signature.</span>
            </header>
            <PolicyTable policy={roster.policy} />
          </section>
        </>
      )}
    </div>
  );
}

export const page: PageDefinition = { id: 'roster', title: 'Roster', group: 'People', order: 2, Component: RosterPage };
