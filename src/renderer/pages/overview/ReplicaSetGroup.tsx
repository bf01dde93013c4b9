import type { MemberView } from '../../../shared/monitor';
import { lastKnownState } from '../../format/member-state';
import { arcAway, rimToRim, SITE_WIDTH, type Point, type ReplicaSetPlace } from './layout';
import { MemberNode } from './MemberNode';

interface Props {
  place: ReplicaSetPlace;
  lastKnown: boolean;
  selected: string | null;
  onSelect: (name: string) => void;
}

function findSource(members: MemberView[], syncSource: string | null): MemberView | undefined {
  if (!syncSource) return undefined;
  return members.find((m) => m.host === syncSource || m.name === syncSource);
}

/** The member last seen as primary; earlier "primaries" had been replaced before the site went silent. */
function lastPrimary(members: MemberView[]): MemberView | undefined {
  const claims = members.filter((m) => lastKnownState(m) === 'PRIMARY');
  return claims.sort((a, b) => Date.parse(b.lastSeen ?? '') - Date.parse(a.lastSeen ?? ''))[0];
}

function lagClass(m: MemberView): string {
  const lag = m.status.reasons.find((r) => r.code === 'LAG_HIGH');
  return lag ? `repl-edge level-${lag.level}` : 'repl-edge';
}

export function ReplicaSetGroup({ place, lastKnown, selected, onSelect }: Props) {
  const { rs, members: places } = place;
  const at = new Map(places.map((p) => [p.name, p]));
  const centre: Point = {
    x: places.reduce((s, p) => s + p.x, 0) / places.length,
    y: places.reduce((s, p) => s + p.y, 0) / places.length,
  };
  const pairs = rs.members.flatMap((a, i) => rs.members.slice(i + 1).map((b) => [a, b] as const));
  const latestPrimary = lastKnown ? lastPrimary(rs.members) : undefined;
  const replication = rs.members.flatMap((m) => {
    const source = m.stateStr === 'SECONDARY' ? findSource(rs.members, m.syncSource) : undefined;
    return source ? [{ m, source }] : [];
  });
  return (
    <g className="rs" data-testid={`rs-${rs.name}`}>
      <rect className="rs-frame" x={12} y={place.top} width={SITE_WIDTH - 24} height={place.height} rx={10} />
      <text className="rs-label" x={26} y={place.top + 24}>
        <tspan className="rs-name">{rs.name}</tspan>
        <tspan className="muted">
          {'  '}
          {rs.term === null ? '' : `term ${rs.term} · `}
          {rs.primary ? `primary ${rs.primary}` : 'no primary'}
        </tspan>
      </text>
      {pairs.map(([a, b]) => {
        const broken = !lastKnown && (!a.reachable || !b.reachable);
        return (
          <path
            key={`hb-${a.name}-${b.name}`}
            className={broken ? 'hb-edge broken' : 'hb-edge'}
            d={arcAway(at.get(a.name)!, at.get(b.name)!, centre, 16)}
            data-testid={`heartbeat-${a.name}-${b.name}`}
          />
        );
      })}
      {replication.map(({ m, source }) => {
        const [from, to] = rimToRim(at.get(source.name)!, at.get(m.name)!);
        const cls = lagClass(m);
        return (
          <g key={`repl-${m.name}`} className={cls} data-testid={`replication-${source.name}-${m.name}`}>
            <line x1={from.x} y1={from.y} x2={to.x} y2={to.y} markerEnd="url(#arrow)" />
          </g>
        );
      })}
      {rs.members.map((m) => (
        <MemberNode
          key={m.name}
          member={m}
          at={at.get(m.name)!}
          lastKnown={lastKnown}
          superseded={lastKnown && lastKnownState(m) === 'PRIMARY' && m !== latestPrimary}
          selected={selected === m.name}
          onSelect={onSelect}
        />
      ))}
    </g>
  );
}
