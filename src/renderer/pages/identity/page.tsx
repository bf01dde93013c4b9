import type { IdentityInfo, RosterView } from '../../../shared/api/approvals';
import type { PageDefinition } from '../../app/pages';
import { useDeskQuery } from '../../app/use-desk-query';

import { CopyButton } from '../approvals-common/ExportPanel';
import { hrefOf } from '../../app/hash-route';
import { Refusal } from '../../app/Refusal';
import { CreateIdentity } from './CreateIdentity';
import '../approvals-common/approvals.css';
import { Clock } from '../../format/Clock';
import { Fact } from '../../components/Fact';
import { Card } from '../../components/Card';

function EnrollmentToken() {
  const q = useDeskQuery((api) => api.exportEnrollmentToken(), 'enroll', []);
  if (q.error) return <Refusal error={q.error} />;
  if (!q.data) return <div className="muted">Preparing the token…</div>;
  return (
    <div data-testid="enrollment">
      <textarea className="token" readOnly rows={3} value={q.data.token} spellCheck={false} onFocus={(e) => e.currentTarget.select()} data-testid="enrollment-token" />
      <div className="form-actions">
        <CopyButton text={q.data.token} label="Copy enrollment token" />
        <span className="muted small">Send it to an admin; read them your fingerprint so they can check it came from you.</span>
      </div>
    </div>
  );
}

function RosterEntry({ identity, roster }: { identity: IdentityInfo; roster: RosterView | null }) {
  const me = roster?.people.find((p) => p.fingerprint === identity.fingerprint);
  if (!roster) return <p className="muted">No team roster on this workstation yet (<a href={hrefOf('roster')}>Roster</a>).</p>;
  if (!me) return <p data-testid="my-roster-entry">Not in roster version {roster.version} yet: an admin adds you from your enrollment token.</p>;
  return (
    <p data-testid="my-roster-entry">
      In roster version {roster.version} as <strong>{me.roles.join(', ')}</strong>
      {me.group && (
        <>
          {' '}
          for group <strong>{me.group}</strong>
        </>
      )}
      .
    </p>
  );
}

function IdentityPage() {
  const q = useDeskQuery(async (api) => ({ identity: await api.getIdentity(), roster: await api.getRoster().catch(() => null) }), 'identity');
  const identity = q.data?.identity;
  return (
    <div className="approvals-page">
      <header className="page-header">
        <h1>Identity</h1>
        <p className="muted">Who signs on this workstation.</p>
      </header>
      <Refusal error={q.error} />
      {q.data === undefined && !q.error && <div className="empty">Loading…</div>}
      {q.data && !identity && <CreateIdentity onCreated={q.reload} />}
      {identity && (
        <>
          <Card title={identity.name} testId="identity" aside={<span className="muted small">since <Clock iso={identity.createdAt} /></span>}>
            <dl className="fields">
              <Fact label="Fingerprint">
                <code data-testid="my-fingerprint">{identity.fingerprint}</code> <CopyButton text={identity.fingerprint} />
              </Fact>
              <Fact label="To read aloud" className="mono fp-hex">{identity.fingerprintHex}</Fact>
              <Fact label="Private key">In the {identity.keyStorage}; it never leaves this machine.</Fact>
              <Fact label="Roster">
                <RosterEntry identity={identity} roster={q.data?.roster ?? null} />
              </Fact>
            </dl>
          </Card>
          <Card title="Enrollment token">
            <EnrollmentToken />
          </Card>
        </>
      )}
    </div>
  );
}

export const page: PageDefinition = { id: 'identity', title: 'Identity', group: 'People', order: 1, Component: IdentityPage };
