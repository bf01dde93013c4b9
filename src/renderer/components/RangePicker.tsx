import type { HistoryRange } from '../../shared/monitor';
import { RANGE_CHOICES } from '../format/ranges';

/** The segmented time-range buttons above a history chart, one pressed. */
export function RangePicker({ range, onChange, label }: { range: HistoryRange; onChange: (r: HistoryRange) => void; label: string }) {
  return (
    <div className="segmented" role="group" aria-label={label}>
      {RANGE_CHOICES.map((r) => (
        <button key={r.id} type="button" className={r.id === range ? 'active' : ''} aria-pressed={r.id === range} onClick={() => onChange(r.id)}>
          {r.label}
        </button>
      ))}
    </div>
  );
}
