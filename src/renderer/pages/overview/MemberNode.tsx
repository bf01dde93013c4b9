import type { MemberView } from '../../../shared/monitor';
import { lastKnownState, memberLevel, roleLetter } from '../../format/member-state';
import { formatClock, formatLag } from '../../format/time';
import { NODE_R, type MemberPlace } from './layout';

interface Props {
  member: MemberView;
  at: MemberPlace;
  /** The whole site is unreachable: draw the last known state, greyed. */
  lastKnown: boolean;
  /**
   * In the last known picture, this member last reported itself PRIMARY but another member was seen as
   * primary later: it had already failed over, so it is drawn as down.
   */
  superseded: boolean;
  selected: boolean;
  onSelect: (name: string) => void;
}

function subtitle(m: MemberView, lastKnown: boolean, superseded: boolean): string {
  // Short lines: below a node there is room for about one state word, or neighbours' labels overlap.
  if (lastKnown) return superseded ? 'DOWN' : lastKnownState(m);
  if (!m.reachable) return 'DOWN';
  return m.stateStr;
}

function detailLine(m: MemberView): string {
  if (!m.reachable) return 'not reachable';
  if (m.stateStr === 'PRIMARY') return m.pingMs === null ? 'primary' : `ping ${m.pingMs} ms`;
  if (m.expectedRole === 'arbiter' || m.stateStr === 'ARBITER') return 'votes only';
  return `lag ${formatLag(m.lagSeconds)}`;
}

export function MemberNode({ member: m, at, lastKnown, superseded, selected, onSelect }: Props) {
  const level = lastKnown ? 'unknown' : memberLevel(m);
  const letter = lastKnown ? (superseded ? '✕' : roleLetter(lastKnownState(m))) : m.reachable ? roleLetter(m.stateStr) : '✕';
  const sub = subtitle(m, lastKnown, superseded);
  const detail = lastKnown ? (superseded ? `since ${formatClock(m.unreachableSince)}` : 'last known') : detailLine(m);
  const label = lastKnown && !superseded ? `last known ${sub}` : lastKnown ? `down since ${formatClock(m.unreachableSince)}` : sub;
  const select = () => onSelect(m.name);
  return (
    <g
      className={`node level-${level}${selected ? ' selected' : ''}${lastKnown ? ' last-known' : ''}`}
      transform={`translate(${at.x},${at.y})`}
      role="button"
      tabIndex={0}
      aria-label={`${m.name}: ${label}`}
      aria-pressed={selected}
      data-testid={`member-${m.name}`}
      data-state={m.stateStr}
      data-reachable={String(m.reachable)}
      data-role-letter={letter}
      data-level={level}
      onClick={select}
      onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), select())}
    >
      <title>{`${m.name} (${m.host}): ${label}`}</title>
      {selected && <circle className="node-halo" r={NODE_R + 7} />}
      <circle className="node-disc" r={NODE_R} />
      <text className="node-letter" dy="0.35em">
        {letter}
      </text>
      <g className={`node-labels labels-${at.labels}`} transform={at.labels === 'right' ? `translate(${NODE_R + 10},-14)` : `translate(0,${NODE_R + 8})`}>
        <text className="node-name" y={12}>
          {m.name}
        </text>
        <text className="node-state" y={28}>
          {sub}
        </text>
        <text className="node-detail" y={44}>
          {detail}
        </text>
      </g>
    </g>
  );
}
