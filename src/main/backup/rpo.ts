import type { CycleRecord, RpoView } from '../../shared/api/backup';
import { worst, type Level, type Reason } from '../../shared/status';
import type { ChainRow, SliceRow } from './backup-store';
import { DEFAULT_SLICE_SECONDS } from './continuous/defaults';

/**
 * Cross-site RPO and the backup's reasons for the rules engine. RPO = now − the DC time up to which DR is
 * known to hold every write: the wall time of the last applied entry, or later when the capture that
 * produced the last applied slice (or an idle check after it) proved DC had written nothing newer. An idle
 * DC therefore does not look like a growing data loss; a stalled pipeline does.
 */
export function coveredUntil(chain: ChainRow | null, applied: SliceRow | null): number | null {
  if (!chain || !applied) return null;
  const candidates = [chain.appliedWall, Date.parse(applied.manifest.headCheckedAt)];
  if (chain.idleCheckedAt !== null && chain.appliedSeq === chain.capturedSeq) candidates.push(chain.idleCheckedAt);
  const known = candidates.filter((c): c is number => c !== null && Number.isFinite(c));
  return known.length ? Math.max(...known) : null;
}

export function rpoLevel(seconds: number | null, targetSeconds: number): Level {
  if (seconds === null) return 'unknown';
  if (seconds <= targetSeconds) return 'green';
  return seconds <= 2 * targetSeconds ? 'yellow' : 'red';
}

export function computeRpo(now: number, targetSeconds: number, chain: ChainRow | null, applied: SliceRow | null): RpoView {
  const covered = coveredUntil(chain, applied);
  const seconds = covered === null ? null : Math.max(0, (now - covered) / 1000);
  return {
    seconds,
    targetSeconds,
    level: rpoLevel(seconds, targetSeconds),
    coveredUntil: covered === null ? null : new Date(covered).toISOString(),
    lastAppliedWall: chain?.appliedWall ? new Date(chain.appliedWall).toISOString() : null,
  };
}

const TRANSFER_CODES = /^(SSH_|SFTP_|TRANSFER_|CHECKSUM_REMOTE)/;
const APPLY_CODES = /^(APPLY_|VERSION_MISMATCH|CHECKSUM_MISMATCH|ARCHIVE_CORRUPT|DR_)/;

export interface HealthInput {
  subject: string;
  now: number;
  rpo: RpoView;
  intervalMinutes: number;
  /** Continuous mode's period is the slice (a slice every sliceSeconds), not the interval. Default interval. */
  mode?: 'interval' | 'continuous';
  /** The continuous slice period in seconds (continuous mode only). */
  sliceSeconds?: number;
  enabled: boolean;
  chain: ChainRow | null;
  slices: SliceRow[];
  /** Finished cycles, newest first. */
  recentCycles: CycleRecord[];
}

/** Problems that mean DR received something wrong: red at once, the slice is never applied. */
const INTEGRITY_CODES = /^(CHECKSUM_MISMATCH|MANIFEST_MISMATCH|LINK_BROKEN|VERSION_MISMATCH|ARCHIVE_CORRUPT)$/;

/** Why slices or cycles are failing right now: the stage, the message, and how bad. */
function failingStage(input: HealthInput): { stage: 'transfer' | 'apply'; message: string; level: 'yellow' | 'red'; consecutive: number } | null {
  let consecutive = 0;
  for (const c of input.recentCycles) {
    if (c.state !== 'failed') break;
    consecutive++;
  }
  const open = input.slices.filter((s) => s.state === 'failed' && s.problem).at(-1);
  if (open?.problem && INTEGRITY_CODES.test(open.problem.code))
    return { stage: 'apply', message: `slice #${open.seq} refused — ${open.problem.message}`, level: 'red', consecutive };
  const last = input.recentCycles[0];
  if (!consecutive || !last?.error) return null;
  const { code, message } = last.error;
  const stage = TRANSFER_CODES.test(code) ? 'transfer' : APPLY_CODES.test(code) ? 'apply' : 'transfer';
  return { stage, message, level: consecutive >= 3 ? 'red' : 'yellow', consecutive };
}

/** How often DR receives data: the interval, or in continuous mode the slice period. */
function backupPeriod(input: HealthInput): { seconds: number; label: string; continuous: boolean } {
  if (input.mode === 'continuous') {
    const seconds = input.sliceSeconds ?? DEFAULT_SLICE_SECONDS;
    return { seconds, label: `slice period (${seconds} s)`, continuous: true };
  }
  return { seconds: input.intervalMinutes * 60, label: `interval (${input.intervalMinutes} min)`, continuous: false };
}

export function backupReasons(input: HealthInput): Reason[] {
  const { subject, rpo } = input;
  const reasons: Reason[] = [];
  const chain = input.chain;
  if (!chain || chain.state === 'building') {
    reasons.push({
      code: 'BACKUP_CHAIN_BROKEN',
      level: 'red',
      subject,
      message: chain ? 'The baseline has not been applied on DR yet: DR holds no consistent copy until it completes.' : 'No baseline has been taken: start a baseline so DR gets a consistent copy of DC.',
    });
  } else if (chain.state === 'broken' && chain.broken) {
    reasons.push({ code: 'BACKUP_CHAIN_BROKEN', level: 'red', subject, message: `Chain broken — a new baseline is needed: ${chain.broken.message}` });
  }
  const failing = failingStage(input);
  if (failing && chain && chain.state !== 'broken')
    reasons.push({
      code: 'BACKUP_FAILING',
      level: failing.level,
      subject,
      message: `${failing.stage === 'transfer' ? 'Transfer to DR failing' : 'Apply on DR failing'}${failing.consecutive > 1 ? ` (${failing.consecutive} cycles in a row)` : ''}: ${failing.message}`,
    });
  const period = backupPeriod(input);
  if (rpo.level === 'yellow' || rpo.level === 'red') {
    const why = !input.enabled
      ? 'the schedule is paused'
      : chain?.state === 'broken'
        ? 'the chain is broken'
        : failing
          ? failing.stage === 'transfer'
            ? 'the transfer is failing'
            : 'the apply is failing'
          : period.seconds >= rpo.targetSeconds
            ? `the ${period.label} is too long for the target`
            : period.continuous
              ? 'continuous backup is behind (is the app or `drdesk agent --continuous` running, and does DR apply as fast as DC writes?)'
              : 'cycles are late (is the scheduler or `drdesk agent` running?)';
    reasons.push({
      code: 'BACKUP_RPO',
      level: rpo.level,
      subject,
      message: `Cross-site RPO is ${Math.round(rpo.seconds ?? 0)} s against a target of ${rpo.targetSeconds} s: ${why}.`,
    });
  } else if (input.enabled && period.seconds >= rpo.targetSeconds) {
    const most = Math.floor((rpo.targetSeconds * 2) / 3);
    reasons.push({
      code: 'BACKUP_RPO',
      level: 'yellow',
      subject,
      message: period.continuous
        ? `The continuous slice period (${period.seconds} s) cannot hold the RPO target of ${rpo.targetSeconds} s: set slices of at most ${Math.max(1, most)} s or raise the target.`
        : `The backup interval (${input.intervalMinutes} min) cannot hold the RPO target of ${rpo.targetSeconds} s: set an interval of at most ${Math.max(1, Math.floor(most / 60))} min or raise the target.`,
    });
  }
  return reasons;
}

export function backupLevel(reasons: Reason[], rpo: RpoView): Level {
  if (!reasons.length) return rpo.level === 'unknown' ? 'unknown' : 'green';
  return worst(reasons.map((r) => r.level));
}

/** At most `maxPoints` RPO samples for a chart, each bucket's worst: a chart of RPO must not smooth away the peaks. */
export function worstPerBucket(rows: Array<{ at: number; seconds: number | null }>, maxPoints: number): Array<[number, number | null]> {
  if (rows.length <= maxPoints) return rows.map((r) => [r.at, r.seconds]);
  const size = Math.ceil(rows.length / maxPoints);
  const points: Array<[number, number | null]> = [];
  for (let i = 0; i < rows.length; i += size) {
    const worst = rows.slice(i, i + size).reduce((a, b) => ((b.seconds ?? -1) > (a.seconds ?? -1) ? b : a));
    points.push([worst.at, worst.seconds]);
  }
  return points;
}
