import { useNow } from '../../app/desk-context';
import type { PageDefinition } from '../../app/pages';
import { useDeskQuery } from '../../app/use-desk-query';
import { navigate, useSubPath } from '../../app/hash-route';
import { WithIdentityAndRoster, type Me } from '../approvals-common/gate';
import { Refusal } from '../../app/Refusal';
import { RequestTable } from '../approvals-common/RequestTable';
import { NewRequest } from './NewRequest';
import { RequestView } from './RequestView';
import '../approvals-common/approvals.css';
import { Card } from '../../components/Card';

function RequestList() {
  const now = useNow(10_000);
  const q = useDeskQuery((api) => api.listRequests({ limit: 500 }), 'list');
  return (
    <Card title="Requests" aside={<span className="muted small">Expired, denied and executed requests stay listed.</span>}>
      <Refusal error={q.error} />
      {q.data ? <RequestTable requests={q.data} pageId="requests" now={now} empty="No requests yet." /> : !q.error && <div className="empty">Loading…</div>}
    </Card>
  );
}

function OneRequest({ id }: { id: string }) {
  const q = useDeskQuery((api) => api.getRequest({ id }), id);
  if (q.error && !q.data) return <Refusal error={q.error} />;
  return q.data ? <RequestView request={q.data} /> : <div className="empty">Loading…</div>;
}

function RequestsBody({ me, sub }: { me: Me; sub: string | null }) {
  const canRequest = me.person?.roles.includes('operator') ?? false;
  if (sub === 'new') return <NewRequest roster={me.roster} />;
  if (sub) return <OneRequest id={sub} />;
  return (
    <>
      {canRequest ? (
        <div>
          <button type="button" className="primary" onClick={() => navigate('requests', 'new')} data-testid="new-request-button">
            New request…
          </button>
        </div>
      ) : (
        <p className="muted">Only operators in the roster create requests{me.person ? '' : ', and you are not in the roster yet'}.</p>
      )}
      <RequestList />
    </>
  );
}

function RequestsPage() {
  const [sub = null] = useSubPath();
  return (
    <div className="approvals-page">
      <header className="page-header">
        <h1>{sub === 'new' ? 'New request' : 'Requests'}</h1>
        <p className="muted">Switchover, DR activation and failback run only after the policy's approvers have signed.</p>
      </header>
      <WithIdentityAndRoster>{(me) => <RequestsBody me={me} sub={sub} />}</WithIdentityAndRoster>
    </div>
  );
}

export const page: PageDefinition = { id: 'requests', title: 'Requests', group: 'Approvals', order: 1, Component: RequestsPage };
