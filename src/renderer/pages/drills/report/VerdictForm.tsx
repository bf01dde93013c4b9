import { useState, type FormEvent } from 'react';
import type { DrillReport, DrillVerdict } from '../../../../shared/api/drill-report';
import { useDeskApi } from '../../../app/desk-context';
import { Refusal } from '../../../app/Refusal';
import { useCall } from '../../../app/use-action';
import { utc } from './report-format';
import { Card } from '../../../components/Card';

const VERDICTS: Array<{ value: DrillVerdict; label: string }> = [
  { value: 'pending', label: 'Pending' },
  { value: 'pass', label: 'Pass' },
  { value: 'pass-with-findings', label: 'Pass with findings' },
  { value: 'fail', label: 'Fail' },
];

const VERDICT_LEVEL: Record<DrillVerdict, string> = { pending: 'unknown', pass: 'green', 'pass-with-findings': 'yellow', fail: 'red' };

export function VerdictView({ v }: { v: DrillReport['verdict'] }) {
  return (
    <p data-testid="verdict-view">
      <span className={`pill level-${VERDICT_LEVEL[v.verdict]}`}>{VERDICTS.find((x) => x.value === v.verdict)?.label}</span>
      {v.tester && ` by ${v.tester}`}
      {v.at && <span className="muted small"> · {utc(v.at)}</span>}
      {v.notes && <span className="verdict-notes">{v.notes}</span>}
    </p>
  );
}

/** The tester's verdict and notes: what a person concluded, saved with the drill and printed in the PDF. */
export function VerdictForm({ r, onSaved, defaultTester }: { r: DrillReport; onSaved: (r: DrillReport) => void; defaultTester: string }) {
  const api = useDeskApi();
  const call = useCall();
  const [verdict, setVerdict] = useState<DrillVerdict>(r.verdict.verdict);
  const [notes, setNotes] = useState(r.verdict.notes);
  const [tester, setTester] = useState(r.verdict.tester || defaultTester);
  const [saved, setSaved] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const next = await call.run(() => api.setDrillVerdict({ drillId: r.id, verdict, notes, tester: tester.trim() }));
    if (next) {
      onSaved(next);
      setSaved(true);
    }
  };
  return (
    <Card title="Tester's verdict" testId="verdict" aside={<VerdictView v={r.verdict} />}>
      <form className="verdict-form" onSubmit={submit}>
        <fieldset className="verdict-choices">
          <legend>Verdict</legend>
          {VERDICTS.map((v) => (
            <label key={v.value} className="radio">
              <input type="radio" name="verdict" value={v.value} checked={verdict === v.value} onChange={() => setVerdict(v.value)} /> {v.label}
            </label>
          ))}
        </fieldset>
        <label className="form-label">
          Tester
          <input value={tester} onChange={(e) => setTester(e.target.value)} maxLength={80} required data-testid="verdict-tester" />
        </label>
        <label className="form-label">
          Notes
          <textarea value={notes} onChange={(e) => setNotes(e.target.value)} rows={4} maxLength={8000} data-testid="verdict-notes" />
        </label>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={call.busy || !tester.trim()} data-testid="verdict-save">
            {call.busy ? 'Saving…' : 'Save verdict'}
          </button>
          {saved && <span className="muted small">Saved: the next export carries it.</span>}
        </div>
        <Refusal error={call.error} testId="action-error" />
      </form>
    </Card>
  );
}
