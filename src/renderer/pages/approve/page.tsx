import { useDeskApi, useNow } from '../../app/desk-context';
import type { PageDefinition } from '../../app/pages';
import { useDeskQuery } from '../../app/use-desk-query';
import { navigate, useSubPath } from '../../app/hash-route';
import { WithIdentityAndRoster, type Me } from '../approvals-common/gate';
import { ImportBox } from '../approvals-common/ImportBox';
import { Refusal } from '../../app/Refusal';
import { RequestTable } from '../approvals-common/RequestTable';
import { ReviewRequest } from './ReviewRequest';
import '../approvals-common/approvals.css';
import { Card } from '../../components/Card';

function Inbox({ me }: { me: Me }) {
  const api = useDeskApi();
  const now = useNow(10_000);
  const q = useDeskQuery((a) => a.listRequests({ limit: 500 }), 'inbox');
  const importRequest = async (text: string) => {
    const d = await api.importRequest({ text });
    navigate('approve', d.id);
    return `Request ${d.id} verified and imported.`;
  };
  const others = q.data?.filter((r) => r.requester.fingerprint !== me.identity.fingerprint) ?? [];
  return (
    <>
      {!me.person?.roles.includes('approver') && (
        <div className="banner banner-yellow">You are not an approver in roster version {me.roster.version}: decisions signed here will not count.</div>
      )}
      <Card title="Import a request">
        <p className="muted small">Paste the token the requester sent, or choose the request file. Its signature, requester and policy are checked before it is shown.</p>
        <ImportBox label="Request token or file" button="Import request" onImport={importRequest} testId="request-import" />
      </Card>
      <Card title="Requests from others">
        <Refusal error={q.error} />
        {q.data && <RequestTable requests={others} pageId="approve" now={now} empty="Nothing imported yet." />}
      </Card>
    </>
  );
}

function Review({ id, me }: { id: string; me: Me }) {
  const q = useDeskQuery((api) => api.getRequest({ id }), id);
  if (q.error && !q.data) return <Refusal error={q.error} />;
  return q.data ? <ReviewRequest request={q.data} me={me.identity.fingerprint} onDecided={q.reload} /> : <div className="empty">Loading…</div>;
}

function ApprovePage() {
  const [sub = null] = useSubPath();
  return (
    <div className="approvals-page">
      <header className="page-header">
        <h1>Approve</h1>
        <p className="muted">Review a colleague's request on your own workstation and sign your decision.</p>
      </header>
      <WithIdentityAndRoster>{(me) => (sub ? <Review id={sub} me={me} /> : <Inbox me={me} />)}</WithIdentityAndRoster>
    </div>
  );
}

export const page: PageDefinition = { id: 'approve', title: 'Approve', group: 'Approvals', order: 2, Component: ApprovePage };
