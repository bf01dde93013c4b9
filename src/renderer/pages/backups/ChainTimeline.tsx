import { useState, type ReactNode } from 'react';
import type { ChainView, SliceView } from '../../../shared/api/backup';

import { LOOK_LABEL, countNoun, formatBytes, formatCount, sliceLook, type SliceLook } from './backup-format';
import { SliceIcon } from './SliceIcon';
import { Clock } from '../../format/Clock';

/** Slices drawn before "show all": the baseline and the newest increments. */
const SHOWN = 12;
const LEGEND: SliceLook[] = ['captured', 'shipped', 'verified', 'applied', 'failed', 'blocked'];

interface Props {
  chain: ChainView;
  selected: number | null;
  onSelect: (seq: number | null) => void;
  now: number;
}

function SliceNode({ slice: s, selected, onSelect, now }: { slice: SliceView; selected: boolean; onSelect: () => void; now: number }) {
  const look = sliceLook(s);
  const when = s.appliedAt ?? s.verifiedAt ?? s.shippedAt ?? s.createdAt;
  return (
    <li className={`slice look-${look}${s.seq === 0 ? ' chain-start' : ''}`}>
      <button type="button" className="slice-button" aria-pressed={selected} onClick={onSelect} data-testid={`slice-${s.seq}`} data-state={s.state} data-look={look}>
        <span className="slice-head">
          <SliceIcon look={look} size={s.seq === 0 ? 26 : 22} />
          <span className="slice-title">
            #{s.seq} <span className="muted">{s.kind}</span>
          </span>
        </span>
        <span className="slice-state">{LOOK_LABEL[look]}</span>
        <span className="slice-meta">
          <Clock iso={when} now={now} /> · {formatCount(s.count)} {countNoun(s, true)} · {formatBytes(s.bytes)}
        </span>
        {s.problem && s.state === 'failed' && <code className="slice-code">{s.problem.code}</code>}
        {s.problem && s.state !== 'failed' && <span className="slice-recovered">recovered from {s.problem.code}</span>}
      </button>
    </li>
  );
}

/** The chain as a timeline: the baseline, then each increment in order, each with its state. */
export function ChainTimeline({ chain, selected, onSelect, now }: Props) {
  const [all, setAll] = useState(false);
  const slices = chain.slices;
  const hidden = all || slices.length <= SHOWN ? 0 : slices.length - SHOWN;
  const shown = hidden ? [slices[0], ...slices.slice(hidden + 1)] : slices;
  const failed = slices.filter((s) => s.state === 'failed' && s.problem);
  // A gap past the last slice (DC's oplog rolled): drawn at the end. A missing or refused slice is the gap itself.
  const trailingGap = chain.state === 'broken' && !slices.some((s) => s.state === 'failed' || s.blocked);
  return (
    <section className="card chain-card" aria-label="Backup chain" data-testid="chain-timeline" data-chain-state={chain.state}>
      <header className="card-header">
        <div>
          <h2>
            Chain <span className="mono">{chain.chainId}</span>
          </h2>
          <div className="muted small">
            started <Clock iso={chain.createdAt} now={now} /> · {slices.length} slice{slices.length === 1 ? '' : 's'} ·{' '}
            {chain.appliedSeq === null ? 'nothing applied on DR yet' : `applied on DR up to #${chain.appliedSeq}`}
          </div>
        </div>
        <span className={`pill chain-${chain.state}`}>{chain.state}</span>
      </header>
      {slices.length === 0 ? (
        <div className="empty">The baseline is being captured; its slice appears here once written.</div>
      ) : (
        <ol className="timeline" aria-label="Slices, oldest first">
          {shown.map((s, i) => (
            <SliceGroup key={s.seq} first={i === 0} gapBefore={hidden > 0 && i === 1} hidden={hidden} onShowAll={() => setAll(true)} broken={s.state === 'failed' || s.blocked}>
              <SliceNode slice={s} selected={selected === s.seq} onSelect={() => onSelect(selected === s.seq ? null : s.seq)} now={now} />
            </SliceGroup>
          ))}
          {trailingGap && (
            <>
              <li className="slice-link broken" aria-hidden="true" />
              <li className="slice-gap" data-testid="chain-gap">
                <strong>Gap</strong>
                <code>{chain.broken?.code}</code>
                <span className="small">nothing after #{slices.at(-1)?.seq} can be captured</span>
              </li>
            </>
          )}
        </ol>
      )}
      {failed.length > 0 && (
        <ul className="slice-problems" aria-label="Failed slices">
          {failed.map((s) => (
            <li key={s.seq} className="slice-problem" data-testid={`slice-problem-${s.seq}`}>
              <strong>Slice #{s.seq} failed</strong> <code>{s.problem?.code}</code> <span>{s.problem?.message}</span>{' '}
              <span className="muted small">at <Clock iso={s.problem?.at ?? null} now={now} /></span>
            </li>
          ))}
        </ul>
      )}
      <ul className="timeline-legend" aria-label="Slice states">
        {LEGEND.map((l) => (
          <li key={l}>
            <SliceIcon look={l} size={14} /> {LOOK_LABEL[l]}
          </li>
        ))}
        <li className="muted">Click a slice for its details.</li>
      </ul>
    </section>
  );
}

function SliceGroup({ first, gapBefore, hidden, onShowAll, broken, children }: { first: boolean; gapBefore: boolean; hidden: number; onShowAll: () => void; broken: boolean; children: ReactNode }) {
  return (
    <>
      {gapBefore && (
        <li className="slice-more">
          <button type="button" className="link-button" onClick={onShowAll}>
            … {hidden} earlier
          </button>
        </li>
      )}
      {!first && <li className={broken ? 'slice-link broken' : 'slice-link'} aria-hidden="true" />}
      {children}
    </>
  );
}
