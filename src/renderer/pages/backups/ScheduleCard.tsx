import { useState, type FormEvent } from 'react';
import type { BackupSchedule, CycleRecord } from '../../../shared/api/backup';
import { useDeskApi } from '../../app/desk-context';
import { formatClock, formatDuration } from '../../format/time';
import { errorText } from './backup-format';
import { useAction } from '../../app/use-action';
import { Clock } from '../../format/Clock';
import { Fact } from '../../components/Fact';
import { Card } from '../../components/Card';

interface Props {
  schedule: BackupSchedule;
  recentCycles: CycleRecord[];
  /** False when the topology has no backup route: nothing can be scheduled. */
  configured: boolean;
  now: number;
}

function LastRun({ cycle, now }: { cycle: CycleRecord | undefined; now: number }) {
  if (!cycle) return <span className="muted">none yet</span>;
  const what = `${cycle.kind === 'baseline' ? 'Baseline' : 'Cycle'} #${cycle.id} (${cycle.trigger})`;
  if (cycle.state === 'ok')
    return (
      <span data-outcome="ok">
        <span className="pill level-green">ok</span> {what} at <Clock iso={cycle.finishedAt} now={now} />
      </span>
    );
  return (
    <span data-outcome="failed">
      <span className="pill level-red">failed</span> {what} at <Clock iso={cycle.finishedAt} now={now} />
      {cycle.error && <span className="cycle-error">{errorText(cycle.error)}</span>}
    </span>
  );
}

/** The schedule: interval, next and last run, with the interval editable (at least 1 minute). */
export function ScheduleCard({ schedule, recentCycles, configured, now }: Props) {
  const api = useDeskApi();
  const [draft, setDraft] = useState<string | null>(null);
  const [save, run] = useAction<BackupSchedule>();
  const value = draft ?? String(schedule.intervalMinutes);
  const minutes = Number(value);
  const invalid = !Number.isInteger(minutes) || minutes < 1 || minutes > 1440 ? 'Whole minutes from 1 to 1440 (one day).' : null;
  const last = recentCycles.find((c) => c.state !== 'running');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (invalid) return;
    void run(`Interval set to ${minutes} min`, () => api.setBackupSchedule({ intervalMinutes: minutes })).then((r) => r && setDraft(null));
  };
  const toggle = () => run(schedule.enabled ? 'Schedule paused' : 'Schedule resumed', () => api.setBackupSchedule({ enabled: !schedule.enabled }));
  const next = schedule.nextRunAt ? Date.parse(schedule.nextRunAt) : null;
  return (
    <Card
      title="Schedule"
      className="schedule-card"
      label="Schedule"
      testId="backup-schedule"
      aside={<span className={`pill ${schedule.enabled ? 'level-green' : 'level-unknown'}`}>{schedule.enabled ? 'on' : 'paused'}</span>}
    >
      <dl className="fields">
        <div className="field">
          <dt>Interval</dt>
          <dd data-field="Interval">
            every {schedule.intervalMinutes} min <span className="muted small">({schedule.source === 'override' ? 'set in the app' : 'from the topology'})</span>
          </dd>
        </div>
        <div className="field">
          <dt>Next run</dt>
          <dd data-field="Next run">
            {/* Paused means no run comes: a time here would contradict the pill. */}
            {!schedule.enabled ? <span className="muted">none while paused</span> : next === null ? <span className="muted">not scheduled</span> : `${formatClock(schedule.nextRunAt, now)} (in ${formatDuration(next - now)})`}
          </dd>
        </div>
        <div className="field">
          <dt>Last run</dt>
          <dd data-field="Last run">
            <LastRun cycle={last} now={now} />
          </dd>
        </div>
        <Fact label="Deadline">{formatDuration(schedule.deadlineSeconds * 1000)} per cycle</Fact>
        <Fact label="Kept">last {schedule.keep} slices on each side</Fact>
      </dl>
      <form className="schedule-form" onSubmit={submit} noValidate>
        <label>
          Interval (minutes)
          <input type="number" min={1} max={1440} step={1} value={value} onChange={(e) => setDraft(e.target.value)} aria-invalid={invalid !== null} disabled={!configured} />
        </label>
        <button type="submit" className="primary" disabled={!configured || invalid !== null || save.kind === 'busy' || minutes === schedule.intervalMinutes}>
          Save
        </button>
        <button type="button" onClick={toggle} disabled={!configured || save.kind === 'busy'}>
          {schedule.enabled ? 'Pause' : 'Resume'}
        </button>
      </form>
      {draft !== null && invalid && <div className="outcome error small">{invalid}</div>}
      <div className="small" data-testid="schedule-outcome" aria-live="polite">
        {save.kind === 'busy' && <span className="muted">Saving…</span>}
        {save.kind === 'done' && <span className="outcome ok">{save.label}.</span>}
        {save.kind === 'failed' && <span className="outcome error">{errorText(save)}</span>}
      </div>
    </Card>
  );
}
