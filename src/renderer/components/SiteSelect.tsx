import type { Overview } from '../../shared/monitor';
import { Select } from './form';

/** Picks one of the topology's sites by name, each shown with its role (DC or DR). */
export function SiteSelect({ sites, value, onChange }: { sites: Overview['sites']; value: string | null; onChange: (site: string | null) => void }) {
  return <Select value={value ?? ''} onChange={(e) => onChange(e.target.value || null)} options={sites.map((s) => ({ value: s.name, label: `${s.name} (${s.role.toUpperCase()})` }))} />;
}
