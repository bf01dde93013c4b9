import type { AuditQuery, RosterPerson } from '../../../shared/api/approvals';
import { Field, Select, SuggestInput } from '../../components/form';

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
      <Field label="Actor">
        <Select
          value={query.actor ?? ''}
          onChange={(e) => set({ actor: e.target.value || undefined })}
          options={[{ value: '', label: 'anyone' }, ...people.map((p) => ({ value: p.fingerprint, label: p.name }))]}
          data-testid="audit-actor"
        />
      </Field>
      <Field label="Action">
        <SuggestInput
          listId="audit-actions"
          suggestions={ACTIONS}
          value={query.action ?? ''}
          onChange={(e) => set({ action: e.target.value.trim() || undefined })}
          placeholder="any (e.g. request)"
          data-testid="audit-action"
        />
      </Field>
      <Field label="From">
        <input type="datetime-local" value={toLocal(query.since)} onChange={(e) => set({ since: toIso(e.target.value) })} data-testid="audit-since" />
      </Field>
      <Field label="Until">
        <input type="datetime-local" value={toLocal(query.until)} onChange={(e) => set({ until: toIso(e.target.value) })} data-testid="audit-until" />
      </Field>
      <label className="check">
        <input type="checkbox" checked={query.breakGlassOnly ?? false} onChange={(e) => set({ breakGlassOnly: e.target.checked || undefined })} /> break-glass only
      </label>
      <button type="button" onClick={() => onChange({})}>
        Clear
      </button>
    </div>
  );
}
