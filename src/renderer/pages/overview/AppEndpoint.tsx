import type { AppHealthView } from '../../../shared/monitor';
import type { Level } from '../../../shared/status';
import { APP_H } from './layout';

function health(app: AppHealthView | undefined): { level: Level; text: string } {
  if (!app) return { level: 'unknown', text: 'no health URL configured' };
  if (app.ok === null) return { level: 'unknown', text: 'not checked yet' };
  if (app.ok) return { level: 'green', text: `up · HTTP ${app.httpStatus ?? '—'} · ${app.latencyMs ?? '—'} ms` };
  return { level: 'red', text: `down · ${app.error ?? `HTTP ${app.httpStatus}`}` };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The application endpoint a site serves, with its last health check. */
export function AppEndpoint({ app, x, y, width, lastKnown }: { app: AppHealthView | undefined; x: number; y: number; width: number; lastKnown: boolean }) {
  const h = health(app);
  const level = lastKnown ? 'unknown' : h.level;
  return (
    <g className={`app level-${level}`} transform={`translate(${x},${y})`} data-testid="app-endpoint" data-level={level}>
      <title>{app?.url ?? 'No application health URL in the topology'}</title>
      <rect className="app-box" width={width} height={APP_H} rx={8} />
      <circle className="app-dot" cx={16} cy={17} r={5} />
      <text className="app-title" x={28} y={21}>
        Application <tspan className="muted">{app ? hostOf(app.url) : ''}</tspan>
      </text>
      <text className="app-health" x={16} y={38}>
        {lastKnown ? `last known: ${h.text}` : h.text}
      </text>
    </g>
  );
}
