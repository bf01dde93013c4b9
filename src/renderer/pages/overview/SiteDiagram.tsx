import type { Overview } from '../../../shared/monitor';
import { LEVEL_LABEL } from '../../format/member-state';
import { formatAgo, formatUtc } from '../../format/time';
import { AppEndpoint } from './AppEndpoint';
import { APP_H, FOOTER_H, layoutDiagram, SITE_GAP, type SitePlace } from './layout';
import { ReplicaSetGroup } from './ReplicaSetGroup';
import { Clock } from '../../format/Clock';

interface Props {
  overview: Overview;
  now: number;
  selected: string | null;
  onSelect: (name: string) => void;
}

/** DC and DR side by side: members, replication and heartbeat edges, the application, and the backup link. */
export function SiteDiagram({ overview, now, selected, onSelect }: Props) {
  const layout = layoutDiagram(overview);
  const pad = 4;
  return (
    <svg
      className="diagram"
      viewBox={`${-pad} ${-pad} ${layout.width + 2 * pad} ${layout.height + 2 * pad}`}
      role="group"
      aria-label="Site diagram"
      data-testid="site-diagram"
      data-polled-at={overview.polledAt ?? ''}
      data-poll-interval-ms={overview.pollIntervalMs}
    >
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M0,0 L10,5 L0,10 z" className="arrow-head" />
        </marker>
      </defs>
      {layout.backupLinks.map((l) => {
        // After an activation the data flows back (DR → DC, the failback route): the arrow turns round.
        const reversed = overview.activation?.site === l.from.site.name || overview.activation?.site === l.to.site.name;
        return (
          <g key={`${l.from.site.name}-${l.to.site.name}`} className="backup-link" data-testid="backup-link" data-direction={reversed ? `${l.to.site.name}→${l.from.site.name}` : `${l.from.site.name}→${l.to.site.name}`}>
            <line x1={l.from.x + l.from.width + 6} y1={l.y} x2={l.to.x - 6} y2={l.y} markerEnd={reversed ? undefined : 'url(#arrow)'} markerStart={reversed ? 'url(#arrow)' : undefined} />
            <text x={l.from.x + l.from.width + SITE_GAP / 2} y={l.y - 12}>
              {reversed ? 'failback' : 'backup'}
            </text>
            <text className="muted" x={l.from.x + l.from.width + SITE_GAP / 2} y={l.y + 22}>
              oplog slices
            </text>
          </g>
        );
      })}
      {layout.sites.map((s) => (
        <SitePanel key={s.site.name} place={s} now={now} selected={selected} onSelect={onSelect} />
      ))}
    </svg>
  );
}

function SitePanel({ place, now, selected, onSelect }: { place: SitePlace; now: number; selected: string | null; onSelect: (name: string) => void }) {
  const { site } = place;
  const lastKnown = !site.reachable;
  const level = lastKnown ? 'unknown' : site.status.level;
  const apps = site.app.length ? site.app : [undefined];
  return (
    <g
      className={`site${lastKnown ? ' unreachable' : ''}`}
      transform={`translate(${place.x},0)`}
      data-testid={`site-${site.name}`}
      data-reachable={String(site.reachable)}
      data-level={site.status.level}
    >
      <rect className="site-frame" width={place.width} height={place.height} rx={14} />
      <text className="site-name" x={20} y={32}>
        {site.name}
        <tspan className="site-role" data-testid={`site-role-${site.name}`}>{(site.active ?? site.role === 'dc') ? '  active' : '  standby'}</tspan>
      </text>
      <g className={`site-status level-${level}`} transform={`translate(${place.width - 20},27)`}>
        <circle cx={-8} cy={-4} r={6} />
        <text x={-20} textAnchor="end">
          {lastKnown ? 'Unreachable' : LEVEL_LABEL[level]}
        </text>
      </g>
      {place.replicaSets.length > 0 &&
        place.app.boxes.map((box, i) => (
          <line key={i} className="app-edge" x1={box.x + box.width / 2} y1={place.app.y + APP_H} x2={box.x + box.width / 2} y2={place.replicaSets[0].top} />
        ))}
      {apps.map((a, i) => (
        <AppEndpoint
          key={a?.url ?? i}
          app={a}
          x={place.app.boxes[i].x}
          y={place.app.y}
          width={place.app.boxes[i].width}
          lastKnown={lastKnown}
          flagged={site.status.reasons.some((r) => r.code === 'APP_UNHEALTHY')}
        />
      ))}
      {place.replicaSets.map((r) => (
        <ReplicaSetGroup key={r.rs.name} place={r} lastKnown={lastKnown} selected={selected} onSelect={onSelect} />
      ))}
      <SiteFooter place={place} now={now} />
    </g>
  );
}

function SiteFooter({ place, now }: { place: SitePlace; now: number }) {
  const { site } = place;
  const y = place.height - FOOTER_H;
  if (site.reachable)
    return (
      <text className="site-footer muted" x={place.width / 2} y={y + 30}>
        last seen {formatAgo(site.lastSeen, now)}
      </text>
    );
  return (
    <g className="unreachable-note" data-testid={`unreachable-${site.name}`}>
      <title>{`Unreachable since ${formatUtc(site.unreachableSince) ?? '—'}`}</title>
      <rect x={16} y={y} width={place.width - 32} height={FOOTER_H - 10} rx={8} />
      <text x={place.width / 2} y={y + 19}>
        Unreachable since <Clock iso={site.unreachableSince} now={now} /> · last seen {formatAgo(site.lastSeen, now)}
      </text>
      <text className="muted" x={place.width / 2} y={y + 36}>
        Showing the last known state
      </text>
    </g>
  );
}
