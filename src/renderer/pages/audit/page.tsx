import { useState } from 'react';
import type { AuditQuery } from '../../../shared/api/approvals';
import type { DeskError } from '../../../shared/errors';
import { useDeskApi, useNow } from '../../app/desk-context';
import type { PageDefinition } from '../../app/pages';
import { useDeskQuery } from '../../app/use-desk-query';
import { toDeskError } from '../../desk-client/bridge-client';
import { IntegrityBanner } from '../approvals-common/IntegrityBanner';
import { Refusal } from '../../app/Refusal';
import { downloadText } from '../approvals-common/transfer';
import { AuditFilters } from './AuditFilters';
import { AuditTable } from './AuditTable';
import { AnchorPanel } from './AnchorPanel';
import { VerifyPanel } from './VerifyPanel';
import '../approvals-common/approvals.css';
import { Card } from '../../components/Card';

const PAGE = 200;

function AuditPage() {
  const api = useDeskApi();
  const now = useNow(10_000);
  const [query, setQuery] = useState<AuditQuery>({});
  const [exported, setExported] = useState<string | null>(null);
  const [error, setError] = useState<DeskError | null>(null);
  const q = useDeskQuery((a) => a.getAudit({ ...query, limit: PAGE }), JSON.stringify(query), ['auditAppended']);
  const people = useDeskQuery((a) => a.getRoster().catch(() => null), 'people');
  const entries = q.data?.entries ?? [];
  const nameOf = (fp: string) => people.data?.people.find((p) => p.fingerprint === fp)?.name ?? null;

  const exportNow = async () => {
    setError(null);
    try {
      const { beforeSeq: _page, ...filters } = query;
      const r = await api.exportAudit(filters);
      downloadText(r.fileName, r.jsonl, 'application/x-ndjson');
      setExported(`Exported ${r.count.toLocaleString()} entries as ${r.fileName}.`);
    } catch (err) {
      setError(toDeskError(err));
    }
  };

  return (
    <div className="approvals-page">
      <header className="page-header">
        <h1>Audit</h1>
        <p className="muted">Append-only, hash-chained, every entry signed by the person who acted.</p>
      </header>
      <IntegrityBanner />
      <VerifyPanel />
      <AnchorPanel />
      <Card
        title="Trail"
        aside={
          <div className="form-actions">
            {exported && (
              <span className="outcome ok small" role="status">
                {exported}
              </span>
            )}
            <button type="button" onClick={exportNow} data-testid="audit-export">
              Export (JSON lines)
            </button>
          </div>
        }
      >
        <AuditFilters query={query} people={people.data?.people ?? []} onChange={setQuery} />
        <Refusal error={q.error ?? error} />
        <p className="muted small" data-testid="audit-count">
          {q.data ? `${q.data.total.toLocaleString()} matching entries${entries.length < q.data.total ? `; showing #${entries.at(-1)?.seq} to #${entries[0]?.seq}` : ''}` : 'Loading…'}
        </p>
        <AuditTable entries={entries} now={now} nameOf={nameOf} />
        <div className="form-actions">
          {query.beforeSeq !== undefined && (
            <button type="button" onClick={() => setQuery({ ...query, beforeSeq: undefined })}>
              Newest
            </button>
          )}
          {entries.length === PAGE && (
            <button type="button" onClick={() => setQuery({ ...query, beforeSeq: entries.at(-1)?.seq })}>
              Older entries
            </button>
          )}
        </div>
      </Card>
    </div>
  );
}

export const page: PageDefinition = { id: 'audit', title: 'Audit', group: 'Evidence', order: 1, Component: AuditPage };
