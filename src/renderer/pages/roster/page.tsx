import { useState } from 'react';
import type { ExportedItem, RosterChange, RosterPending, RosterPerson, RosterRole } from '../../../shared/api/approvals';
import type { DeskError } from '../../../shared/errors';
import { useDeskApi } from '../../app/desk-context';
import type { PageDefinition } from '../../app/pages';
import { useDeskQuery } from '../../app/use-desk-query';
import { toDeskError } from '../../desk-client/bridge-client';

import { Fingerprint } from '../approvals-common/Fingerprint';
import { hrefOf } from '../../app/hash-route';
import { IntegrityBanner } from '../approvals-common/IntegrityBanner';
import { Refusal } from '../../app/Refusal';
import { AddPerson } from './AddPerson';
import { PendingChange } from './PendingChange';
import { PolicyTable } from './PolicyTable';
import { RosterSetup } from './RosterSetup';
import { RosterShare } from './RosterShare';
import { RosterTable } from './RosterTable';
import '../approvals-common/approvals.css';
import { Clock } from '../../format/Clock';
import { Card } from '../../components/Card';

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
  const [pending, setPending] = useState<{ pending: RosterPending; export: ExportedItem } | null>(null);
  // Joining as admin creates the roster here mid-way; the setup page stays until its token has been taken.
  const [joining, setJoining] = useState(false);
  const identity = q.data?.identity ?? null;
  const roster = q.data?.roster ?? null;
  const isAdmin = Boolean(identity && roster?.people.some((p) => p.fingerprint === identity.fingerprint && p.roles.includes('admin')));

  // A change another admin must co-sign is not applied here: it is shown with why, ready to export.
  const propose = async (changes: RosterChange[], done: (version: number) => string) => {
    setError(null);
    setNote(null);
    setPending(null);
    try {
      const res = await api.proposeRosterChange({ changes });
      if (res.pending) setPending({ pending: res.pending, export: res.export });
      else setNote(done(res.roster.version));
      q.reload();
    } catch (err) {
      setError(toDeskError(err));
    }
  };
  const remove = (p: RosterPerson) => propose([{ op: 'remove', fingerprint: p.fingerprint }], (v) => `${p.name} removed in roster version ${v}, signed by you.`);
  const setRoles = (p: RosterPerson, roles: RosterRole[]) =>
    propose([{ op: 'update', fingerprint: p.fingerprint, roles, ...(roles.includes('approver') ? {} : { group: null }) }], (v) => `${p.name}'s roles are ${roles.join(', ')} in roster version ${v}, signed by you.`);

  return (
    <div className="approvals-page">
      <header className="page-header">
        <h1>Roster</h1>
        {roster && (
          <p className="muted" data-testid="roster-version">
            Version {roster.version}, signed by {roster.signedBy.name} (<Fingerprint value={roster.signedBy.fingerprint} />) at <Clock iso={roster.createdAt} />
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
      {identity && (!roster || joining) && !q.data?.rosterError && <RosterSetup onDone={() => (setJoining(false), q.reload())} onJoining={() => setJoining(true)} />}
      {roster && identity && !joining && (
        <>
          {note && (
            <div className="banner banner-green" role="status" data-testid="roster-note">
              {note} Export it under “Share the roster” and send it to everyone.
            </div>
          )}
          <Refusal error={error} />
          {pending && <PendingChange pending={pending.pending} item={pending.export} testId="roster-pending" />}
          <Card title="People" aside={!isAdmin && <span className="muted small">Only an admin can change the roster.</span>}>
            <RosterTable roster={roster} me={identity.fingerprint} isAdmin={isAdmin} onRemove={remove} onSetRoles={setRoles} />
          </Card>
          <div className="two-columns">
            {isAdmin && <AddPerson roster={roster} onAdded={(m) => (setNote(m), q.reload())} onPending={(x) => (setNote(null), setPending(x))} />}
            <RosterShare version={roster.version} onApplied={() => (setPending(null), q.reload())} isAdmin={isAdmin} />
          </div>
          <Card
            title="Approval policy"
            aside={
              <span className="muted small">
                Part of the signed roster:{' '}
                {roster.adminThreshold === null ? 'one admin signs any change (a roster from before the two-admin rule).' : `weakening it takes ${roster.adminThreshold} admins' signatures.`}
              </span>
            }
          >
            <PolicyTable policy={roster.policy} />
          </Card>
        </>
      )}
    </div>
  );
}

export const page: PageDefinition = { id: 'roster', title: 'Roster', group: 'People', order: 2, Component: RosterPage };
