import type { ReactNode } from 'react';
import type { SliceView } from '../../../shared/api/backup';
import { formatClock } from '../../format/time';
import { LOOK_LABEL, countNoun, formatBytes, formatCount, formatTs, shortSha, sliceLook } from './backup-format';
import { CopyButton } from './CopyButton';
import { SliceIcon } from './SliceIcon';
import { Clock } from '../../format/Clock';

interface Props {
  slice: SliceView;
  /** The slice before it in the chain, to show whether the link holds. */
  prev: SliceView | null;
  now: number;
  onClose: () => void;
}

function Sha({ value, label }: { value: string | null; label: string }) {
  if (!value) return <>—</>;
  return (
    <>
      <code title={value}>{shortSha(value)}</code> <CopyButton value={value} label={label} />
    </>
  );
}

function linkText(s: SliceView, prev: SliceView | null): ReactNode {
  if (s.prevManifestSha256 === null) return <span className="muted">none: the chain starts here</span>;
  const holds = prev !== null && prev.manifestSha256 === s.prevManifestSha256;
  return (
    <>
      <Sha value={s.prevManifestSha256} label="previous manifest sha256" />{' '}
      {prev === null ? (
        <span className="muted">(slice #{s.seq - 1} is not in this chain's record)</span>
      ) : holds ? (
        <span className="link-ok">matches #{prev.seq}'s manifest</span>
      ) : (
        <span className="outcome error">does not match #{prev.seq}'s manifest</span>
      )}
    </>
  );
}

/** Everything DR Desk knows about one slice: its manifest, where it is, and its last problem. */
export function SliceDetails({ slice: s, prev, now, onClose }: Props) {
  const look = sliceLook(s);
  const rows: Array<[string, ReactNode]> = [
    ['Sequence', `#${s.seq} (${s.kind})`],
    ['State', LOOK_LABEL[look] + (s.blocked && s.state !== 'failed' ? ` (its own state: ${s.state})` : '')],
    ['From', s.kind === 'increment' ? `${formatTs(s.fromTs, now)}, exclusive` : `${formatTs(s.fromTs, now)}${s.kind === 'baseline' ? ', copy began' : ''}`],
    ['To', formatTs(s.toTs, now)],
    [countNoun(s, false), formatCount(s.count)],
    ['Archive size', `${formatBytes(s.bytes)} (${formatCount(s.bytes)} bytes)`],
    ['Archive sha256', <Sha key="sha" value={s.sha256} label="archive sha256" />],
    ['Manifest sha256', <Sha key="msha" value={s.manifestSha256} label="manifest sha256" />],
    ['Link to previous', linkText(s, prev)],
    ['DC version', s.dcVersion],
    ['Last DC write', formatClock(s.lastWall, now)],
    ['Created', formatClock(s.createdAt, now)],
    ['Shipped', s.shippedAt ? `${formatClock(s.shippedAt, now)} (${s.shipAttempts} attempt${s.shipAttempts === 1 ? '' : 's'})` : s.shipAttempts ? `not yet (${s.shipAttempts} attempts)` : 'not yet'],
    ['Verified on DR', formatClock(s.verifiedAt, now)],
    ['Applied on DR', formatClock(s.appliedAt, now)],
  ];
  return (
    <section className="card details slice-details" aria-label={`Details of slice #${s.seq}`} data-testid="slice-details">
      <header className="card-header">
        <div className="slice-details-title">
          <SliceIcon look={look} />
          <h2>Slice #{s.seq}</h2>
          <span className="muted">{LOOK_LABEL[look]}</span>
        </div>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close slice details">
          ×
        </button>
      </header>
      {s.problem && (
        <div className={s.state === 'failed' ? 'banner banner-red slice-detail-problem' : 'banner banner-yellow slice-detail-problem'} data-testid="slice-details-problem">
          <strong>{s.state === 'failed' ? 'Failed' : 'Recovered from'}</strong> <code>{s.problem.code}</code> {s.problem.message}{' '}
          <span className="small">(<Clock iso={s.problem.at} now={now} />)</span>
        </div>
      )}
      <dl className="fields">
        {rows.map(([k, v]) => (
          <div key={k} className="field">
            <dt>{k}</dt>
            <dd data-field={k}>{v}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
