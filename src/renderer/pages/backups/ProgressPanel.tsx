import type { BackupPhase, BackupProgress, CycleRecord } from '../../../shared/api/backup';
import { formatClock, formatDuration } from '../../format/time';
import { PHASE_LABEL, errorText, formatBytes, formatCount } from './backup-format';

const CYCLE_STEPS: BackupPhase[] = ['connect', 'capture', 'ship', 'verify', 'apply', 'retention'];
const BASELINE_STEPS: BackupPhase[] = ['connect', 'copy', 'oplog', 'ship', 'verify', 'apply', 'retention'];

interface BarProps {
  label: string;
  done: number;
  total: number | null;
  format: (n: number) => string;
}

/** One counter as a bar; without a known total the bar runs as "in progress" and shows the count alone. */
function Bar({ label, done, total, format }: BarProps) {
  const pct = total ? Math.min(100, (done / total) * 100) : null;
  return (
    <div className="progress-row" data-testid={`progress-${label.toLowerCase().replace(/\s+/g, '-')}`}>
      <div className="progress-label">
        <span>{label}</span>
        <span className="mono">
          {format(done)}
          {total !== null && ` / ${format(total)}`}
          {pct !== null && ` · ${Math.floor(pct)} %`}
        </span>
      </div>
      <div
        className={pct === null ? 'progress-track indeterminate' : 'progress-track'}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={total ?? undefined}
        aria-valuenow={total === null ? undefined : done}
      >
        <div className="progress-fill" style={pct === null ? undefined : { width: `${pct}%` }} />
      </div>
    </div>
  );
}

function countLabel(p: BackupProgress): string {
  if (p.phase === 'copy') return 'Documents';
  return p.kind === 'baseline' && p.phase === 'apply' ? 'Documents and entries' : 'Entries';
}

interface Props {
  progress: BackupProgress;
  /** The cycle's record: its deadline, and its verdict once the deadline has passed while the work unwinds. */
  record: CycleRecord | null;
  now: number;
}

/** The running cycle or baseline: where it is among its phases, its counters, the time left and its deadline. */
export function ProgressPanel({ progress, record, now }: Props) {
  const steps = progress.kind === 'baseline' ? BASELINE_STEPS : CYCLE_STEPS;
  const at = steps.indexOf(progress.phase);
  const elapsed = now - Date.parse(progress.startedAt);
  // The engine keeps the collection counter across phases; it means something while copying and restoring.
  const collections = progress.phase === 'copy' || progress.phase === 'apply' ? progress.collections : null;
  const title = progress.kind === 'baseline' ? 'Baseline running' : `Cycle #${progress.cycleId} running`;
  return (
    <section className="card progress-card" aria-label={title} data-testid="backup-progress" data-phase={progress.phase} data-kind={progress.kind}>
      <header className="card-header">
        <h2>
          {title}
          {progress.slice && <span className="muted"> · slice #{progress.slice.seq}</span>}
        </h2>
        <span className="muted">
          started {formatDuration(elapsed)} ago
          {progress.etaSeconds !== null && (
            <>
              {' · '}
              <strong data-testid="progress-eta">about {formatDuration(progress.etaSeconds * 1000)} left in this phase</strong>
            </>
          )}
          {record && ` · deadline ${formatClock(record.deadlineAt, now)}`}
        </span>
      </header>
      {record?.state === 'failed' && (
        <div className="banner banner-red small" role="alert" data-testid="progress-stopping">
          Recorded as failed — {record.error ? errorText(record.error) : 'no reason recorded'} The work ends at the next safe point.
        </div>
      )}
      <ol className="phase-steps" aria-label="Phases">
        {steps.map((p, i) => (
          <li key={p} className={i < at ? 'step done' : i === at ? 'step current' : 'step'} aria-current={i === at ? 'step' : undefined}>
            {PHASE_LABEL[p]}
          </li>
        ))}
      </ol>
      <p className="progress-message" data-testid="progress-message">
        {progress.message}
      </p>
      <div className="progress-bars">
        {collections && <Bar label="Collections" done={collections.done} total={collections.total} format={formatCount} />}
        {progress.documents && <Bar label={countLabel(progress)} done={progress.documents.done} total={progress.documents.total} format={formatCount} />}
        {progress.bytes && <Bar label="Bytes" done={progress.bytes.done} total={progress.bytes.total} format={formatBytes} />}
        {!collections && !progress.documents && !progress.bytes && <Bar label="Working" done={0} total={null} format={() => ''} />}
      </div>
    </section>
  );
}
