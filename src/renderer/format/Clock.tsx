import { formatClock, formatUtc } from '../../shared/time';

/** A time in the app's one format (local 24 h), its UTC time on hover. */
export function Clock({ iso, now, testId }: { iso: string | null | undefined; now?: number; testId?: string }) {
  return (
    <time dateTime={iso ?? undefined} title={formatUtc(iso)} data-testid={testId}>
      {formatClock(iso, now)}
    </time>
  );
}
