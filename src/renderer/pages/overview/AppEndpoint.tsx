import type { AppHealthView } from '../../../shared/monitor';
import type { Level } from '../../../shared/status';
import { APP_H } from './layout';

const MAX_CHARS = 34;

function short(text: string): string {
  return text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS - 1)}…` : text;
}

/**
 * Red only when the engine counts it against the site (APP_UNHEALTHY): an application that is down on a
 * standby site is expected, and drawn grey.
 */
function health(app: AppHealthView | undefined, flagged: boolean): { level: Level; text: string } {
  if (!app) return { level: 'unknown', text: 'no health URL configured' };
  if (app.ok === null) return { level: 'unknown', text: 'not checked yet' };
  if (app.ok) return { level: 'green', text: `up · HTTP ${app.httpStatus ?? '—'} · ${app.latencyMs ?? '—'} ms` };
  const why = app.httpStatus !== null ? `HTTP ${app.httpStatus}` : (app.error ?? 'no answer');
  return flagged ? { level: 'red', text: short(`down · ${why}`) } : { level: 'unknown', text: short(`not serving (standby) · ${why}`) };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The application endpoint a site serves, with its last health check. */
interface Props {
  app: AppHealthView | undefined;
  x: number;
  y: number;
  width: number;
  lastKnown: boolean;
  /** The engine reports this site's application as unhealthy (APP_UNHEALTHY). */
  flagged: boolean;
}

export function AppEndpoint({ app, x, y, width, lastKnown, flagged }: Props) {
  const h = health(app, flagged);
  const level = lastKnown ? 'unknown' : h.level;
  return (
    <g className={`app level-${level}`} transform={`translate(${x},${y})`} data-testid="app-endpoint" data-level={level}>
      <title>{app ? `${app.url}${app.error ? `\n${app.error}` : ''}` : 'No application health URL in the topology'}</title>
      <rect className="app-box" width={width} height={APP_H} rx={8} />
      <circle className="app-dot" cx={16} cy={17} r={5} />
      <text className="app-title" x={28} y={21}>
        Application <tspan className="muted">{app ? hostOf(app.url) : ''}</tspan>
      </text>
      <text className="app-health" x={16} y={38}>
        {lastKnown ? short(`last known: ${h.text}`) : h.text}
      </text>
    </g>
  );
}
