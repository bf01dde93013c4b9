import type { DrillReport } from '../../../../shared/api/drill-report';
import { utc } from './report-format';
import { Card } from '../../../components/Card';

/** The signed audit checkpoint that covers the run: anyone can check the report against the log with it. */
export function AuditCheckpoint({ audit }: { audit: DrillReport['audit'] }) {
  const c = audit.checkpoint;
  return (
    <Card
      title="Signed audit checkpoint"
      testId="report-checkpoint"
      aside={c ? <span className="pill level-green">signed</span> : <span className="pill level-red">missing</span>}
    >
      {c ? (
        <dl className="fields report-fields">
          <div className="field">
            <dt>Entries covered</dt>
            <dd>
              {c.entries}
              {audit.firstSeq !== null && ` (this run: entries ${audit.firstSeq}–${audit.lastSeq})`}
            </dd>
          </div>
          <div className="field">
            <dt>Head hash</dt>
            <dd>
              <code className="wrap">{c.headHash}</code>
            </dd>
          </div>
          <div className="field">
            <dt>Signed by</dt>
            <dd>
              {c.signedBy} <code className="fp-code">{c.fingerprint}</code>
            </dd>
          </div>
          <div className="field">
            <dt>Signature</dt>
            <dd>
              <code className="wrap">{c.signature}</code>
            </dd>
          </div>
          <div className="field">
            <dt>Time</dt>
            <dd>{utc(c.at)}</dd>
          </div>
          {c.token && (
            <div className="field">
              <dt>For the approvers</dt>
              <dd>
                <code className="wrap" data-testid="report-checkpoint-token">
                  {c.token}
                </code>
                <p className="muted small">Each approver co-signs this head on the Audit page (or drdesk audit cosign) and sends back what it gives.</p>
              </dd>
            </div>
          )}
        </dl>
      ) : (
        <p className="step-error">No signed checkpoint covers this run.</p>
      )}
      <p className="muted small">{audit.note}</p>
    </Card>
  );
}
