import type { AuditQuery, RosterPerson } from '../../../shared/api/approvals';

const ACTIONS = ['request', 'request.created', 'request.imported', 'request.approved', 'request.denied', 'request.refused', 'request.executed', 'execution', 'roster', 'identity', 'break-glass', 'drill'];

/** datetime-local (the person's local time) ↔ the ISO time the engine filters on. */
function toIso(local: string): string | undefined {
  if (!local) return undefined;
  const t = new Date(local);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
}
function toLocal(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

export function AuditFilters({ query, people, onChange }: { query: AuditQuery; people: RosterPerson[]; onChange: (q: AuditQuery) => void }) {
  const set = (patch: Partial<AuditQuery>) => onChange({ ...query, ...patch, beforeSeq: undefined });
  return (
    <div className="audit-filters" data-testid="audit-filters">
      <label className="field-label">
        Actor
        <select value={query.actor ?? ''} onChange={(e) => set({ actor: e.target.value || undefined })} data-testid="audit-actor">
          <option value="">anyone</option>
          {people.map((p) => (
            <option key={p.fingerprint} value={p.fingerprint}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field-label">
        Action
        <input list="audit-actions" value={query.action ?? ''} onChange={(e) => set({ action: e.target.value.trim() || undefined })} placeholder="any (e.g. request)" data-testid="audit-action" />
        <datalist id="audit-actions">
          {ACTIONS.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
      </label>
      <label className="field-label">
        From
        <input type="datetime-local" value={toLocal(query.since)} onChange={(e) => set({ since: toIso(e.target.value) })} data-testid="audit-since" />
      </label>
      <label className="field-label">
        Until
        <input type="datetime-local" value={toLocal(query.until)} onChange={(e) => set({ until: toIso(e.target.value) })} data-testid="audit-until" />
      </label>
      <label className="check">
        <input type="checkbox" checked={query.breakGlassOnly ?? false} onChange={(e) => set({ breakGlassOnly: e.target.checked || undefined })} /> break-glass only
      </label>
      <button type="button" onClick={() => onChange({})}>
        Clear
      </button>
    </div>
  );
}
