import type { RequestDetail } from '../../../shared/api/approvals';

import { Person } from './Fingerprint';
import { ACTION_LABEL, expiryText } from './labels';
import { Clock } from '../../format/Clock';
import { Fact } from '../../components/Fact';
import { Card } from '../../components/Card';

/** Who asks for what and why, and what the signatures bind: digests, nonce and the audit checkpoint. */
export function RequestFacts({ request: r, now }: { request: RequestDetail; now: number }) {
  return (
    <dl className="fields facts" data-testid="request-facts">
      <Fact label="Action">
        <strong>{ACTION_LABEL[r.action]}</strong>
        {r.breakGlass && <span className="pill level-red break-glass-tag">break-glass</span>}
      </Fact>
      <Fact label="Target">{r.target}</Fact>
      <Fact label="Requested by">
        <Person person={r.requester} />
      </Fact>
      <Fact label="Reason" className="reason-text" testId="request-reason">
        {r.reason}
      </Fact>
      <Fact label="Created"><Clock iso={r.createdAt} now={now} /></Fact>
      <Fact label="Expires" testId="request-expiry">
        <Clock iso={r.expiresAt} now={now} /> ({expiryText(r.expiresAt, now)})
      </Fact>
      <Fact label="Signed digests" className="mono small">
        request {r.digest}
        <br />
        plan {r.planDigest}
        <br />
        status {r.statusDigest}
      </Fact>
      <Fact label="Audit checkpoint" className="mono small">
        {r.checkpoint.count} entries, head {r.checkpoint.head.slice(0, 23)}…
      </Fact>
      <Fact label="Id · nonce" className="mono small">
        {r.id} · {r.nonce}
      </Fact>
    </dl>
  );
}

/** The request's facts in their card. */
export function RequestFactsCard({ request, now }: { request: RequestDetail; now: number }) {
  return (
    <Card title="Request">
      <RequestFacts request={request} now={now} />
    </Card>
  );
}
