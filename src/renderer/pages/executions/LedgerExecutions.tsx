import type { ExecutionStatus, LedgerExecutionsView } from '../../../shared/api/runbooks';
import { useDeskQuery } from '../../app/use-desk-query';
import { Refusal } from '../../app/Refusal';
import { Card } from '../../components/Card';
import { DataTable } from '../../components/DataTable';
import { Clock } from '../../format/Clock';
import { EXECUTION_LABEL, EXECUTION_LEVEL } from './status';

type Entry = LedgerExecutionsView['entries'][number];

function outcomeCell(e: Entry) {
  if (e.outcome === null) return <span className="muted small">started, no outcome recorded</span>;
  const known = e.outcome in EXECUTION_LABEL ? (e.outcome as ExecutionStatus) : null;
  return <span className={`pill level-${known ? EXECUTION_LEVEL[known] : 'unknown'}`}>{known ? EXECUTION_LABEL[known] : e.outcome}</span>;
}

/** "DC (rs-dc) did not answer: …; showing what DR (rs-dr) records": one line per ledger that did not answer. */
function silentLedgerNotes(ledgers: LedgerExecutionsView['ledgers']) {
  const answered = ledgers.filter((l) => l.answered).map((l) => l.site);
  const showing = answered.length ? `showing what ${answered.join(' and ')} record${answered.length === 1 ? 's' : ''}` : 'no ledger answered, so nothing can be shown';
  return ledgers
    .filter((l) => !l.answered)
    .map((l) => (
      <div key={l.site} className="banner banner-yellow" role="status" data-testid="ledger-silent" data-site={l.site}>
        <strong>{l.site}</strong> did not answer: {(l.why ?? 'no answer').replace(/\.$/, '')}; {showing}.
      </div>
    ));
}

/**
 * The executions the replica sets' ledgers record: the record every workstation shares, which outlives this
 * workstation's journal. An entry this journal does not know ran on another workstation (or before this
 * data directory was replaced).
 */
export function LedgerExecutions({ now, limit = 50 }: { now: number; limit?: number }) {
  // Reading the ledgers costs a round trip to each replica set (up to 3 s for one that is gone): settle bursts of progress.
  const q = useDeskQuery((api) => api.listLedgerExecutions({ limit }), `ledger-executions-${limit}`, ['executionProgress'], { settleMs: 2000 });
  return (
    <Card title="Recorded on the replica sets" className="ledger-executions" testId="ledger-executions" aside={<span className="muted small">the execution ledgers every workstation shares</span>}>
      <Refusal error={q.error} testId="ledger-executions-error" />
      {q.data && silentLedgerNotes(q.data.ledgers)}
      <DataTable
        rows={q.data?.entries ?? []}
        empty={q.data ? (q.data.ledgers.length ? 'No execution recorded on the replica sets.' : 'The topology has no replica set to read a ledger from.') : 'Reading the ledgers…'}
        rowKey={(e) => `${e.requestId} ${e.executionId}`}
        rowProps={(e) => ({ 'data-testid': `ledger-row-${e.requestId}`, 'data-local': String(e.local) })}
        columns={[
          {
            header: 'Execution',
            cellClass: 'small',
            cell: (e) => (
              <>
                {e.local ? (
                  <a className="mono" href={`#/executions/${encodeURIComponent(e.executionId)}`}>
                    {e.executionId}
                  </a>
                ) : (
                  <span className="mono">{e.executionId}</span>
                )}
                <div className="muted mono" data-field="request">
                  {e.requestId}
                </div>
                {!e.local && <div className="muted">run on another workstation</div>}
              </>
            ),
          },
          {
            header: 'By',
            cellClass: 'small',
            cell: (e) => (
              <>
                {e.by}
                <div className="muted mono workstation" data-field="workstation">
                  {e.workstation}
                </div>
              </>
            ),
          },
          { header: 'Started', cellClass: 'mono small time', cell: (e) => <Clock iso={e.startedAt} now={now} /> },
          { header: 'Finished', cellClass: 'mono small time', cell: (e) => (e.finishedAt ? <Clock iso={e.finishedAt} now={now} /> : '—') },
          { header: 'Outcome', cell: outcomeCell },
          {
            header: 'Recorded on',
            cellClass: 'small sites',
            cell: (e) => e.sites.map((site) => <div key={site}>{site}</div>),
          },
        ]}
      />
    </Card>
  );
}
