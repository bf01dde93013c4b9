import type { RequestDetail } from '../../../shared/api/approvals';

import { Person } from './Fingerprint';
import { ACTION_LABEL, expiryText } from './labels';
import { Clock } from '../../format/Clock';

/** Who asks for what and why, and what the signatures bind: digests, nonce and the audit checkpoint. */
export function RequestFacts({ request: r, now }: { request: RequestDetail; now: number }) {
  return (
    <dl className="fields facts" data-testid="request-facts">
      <div className="field">
        <dt>Action</dt>
        <dd>
          <strong>{ACTION_LABEL[r.action]}</strong>
          {r.breakGlass && <span className="pill level-red break-glass-tag">break-glass</span>}
        </dd>
      </div>
      <div className="field">
        <dt>Target</dt>
        <dd>{r.target}</dd>
      </div>
      <div className="field">
        <dt>Requested by</dt>
        <dd>
          <Person person={r.requester} />
        </dd>
      </div>
      <div className="field">
        <dt>Reason</dt>
        <dd className="reason-text" data-testid="request-reason">
          {r.reason}
        </dd>
      </div>
      <div className="field">
        <dt>Created</dt>
        <dd><Clock iso={r.createdAt} now={now} /></dd>
      </div>
      <div className="field">
        <dt>Expires</dt>
        <dd data-testid="request-expiry">
          <Clock iso={r.expiresAt} now={now} /> ({expiryText(r.expiresAt, now)})
        </dd>
      </div>
      <div className="field">
        <dt>Signed digests</dt>
        <dd className="mono small">
          request {r.digest}
          <br />
          plan {r.planDigest}
          <br />
          status {r.statusDigest}
        </dd>
      </div>
      <div className="field">
        <dt>Audit checkpoint</dt>
        <dd className="mono small">
          {r.checkpoint.count} entries, head {r.checkpoint.head.slice(0, 23)}…
        </dd>
      </div>
      <div className="field">
        <dt>Id · nonce</dt>
        <dd className="mono small">
          {r.id} · {r.nonce}
        </dd>
      </div>
    </dl>
  );
}

/** The request's facts in their card. */
export function RequestFactsCard({ request, now }: { request: RequestDetail; now: number }) {
  return (
    <section className="card">
      <header className="card-header">
        <h2>Request</h2>
      </header>
      <RequestFacts request={request} now={now} />
    </section>
  );
}
