import { formatAgo, formatClock, formatDuration } from '../format/time';
import { freshness, type Silent } from './freshness';
import { useConnection, useNow, useOverview } from './desk-context';
import { STALE_TOKEN_REASON } from '../desk-client/web-transport';

/** Shown on every page whenever the data on screen may be old: connection lost, polls late, a site silent. */
export function FreshnessBanner() {
  const snap = useOverview();
  const connection = useConnection();
  const now = useNow();
  const f = freshness(snap, connection, now);
  if (f.kind === 'fresh' || f.kind === 'loading') return null;
  if (f.kind === 'error')
    return (
      <div className="banner banner-red" role="alert" data-testid="freshness-banner" data-kind="error">
        <strong>Cannot load the overview.</strong> {f.message}
      </div>
    );
  if (f.kind === 'lost') {
    const retryIn = Math.max(0, f.connection.retryAt - now);
    if (f.connection.reason === STALE_TOKEN_REASON)
      return (
        <div className="banner banner-red" role="alert" data-testid="freshness-banner" data-kind="stale-token">
          <strong>Reopen DR Desk from the URL it printed.</strong> The host was restarted and no longer accepts this page's token; open the new URL (…/?token=…) that
          "drdesk web" or "npm start" printed. {f.polledAt ? `Showing data from ${formatClock(f.polledAt, now)}, ${formatAgo(f.polledAt, now)}.` : ''}
        </div>
      );
    return (
      <div className="banner banner-red" role="alert" data-testid="freshness-banner" data-kind="lost">
        <strong>Connection lost — reconnecting</strong> (attempt {f.connection.attempt}, next try in {formatDuration(retryIn)}; {f.connection.reason}).{' '}
        {f.polledAt ? `Showing data from ${formatClock(f.polledAt, now)}, ${formatAgo(f.polledAt, now)}.` : 'No data received yet.'}
      </div>
    );
  }
  const since = (x: Silent) => (x.since ? ` since ${formatClock(x.since, now)} (${formatAgo(x.since, now)})` : '');
  return (
    <div className="banner banner-yellow" role="status" data-testid="freshness-banner" data-kind="stale">
      <strong>Stale data.</strong>{' '}
      {f.pollLate && (
        <>
          Last poll {f.polledAt ? `at ${formatClock(f.polledAt, now)} (${formatAgo(f.polledAt, now)})` : 'never completed'}; polls are due every{' '}
          {formatDuration(f.pollIntervalMs)}.{' '}
        </>
      )}
      {f.silentSites.map((s) => (
        <span key={s.name}>
          {s.name} is not answering{since(s)}: its last known state is shown.{' '}
        </span>
      ))}
      {f.silentMembers.length > 0 && (
        <span>
          {f.silentMembers.map((m) => `${m.name} is not answering${since(m)}`).join('; ')}: {f.silentMembers.length === 1 ? 'its' : 'their'} values are the last known.
        </span>
      )}
    </div>
  );
}
