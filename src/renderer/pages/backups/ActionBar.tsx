import { useState } from 'react';
import type { CycleRecord } from '../../../shared/api/backup';

import { errorText, formatBytes } from './backup-format';
import type { CycleActions } from './use-cycle-actions';
import { Clock } from '../../format/Clock';

/** What the last action did: under way, the cycle it started (running, finished, failed), or its error. */
export function ActionOutcome({ actions, now }: { actions: CycleActions; now: number }) {
  const { state, started } = actions;
  if (state.kind === 'idle') return null;
  let body;
  let tone = 'info';
  if (state.kind === 'busy') body = <span>{state.label}…</span>;
  else if (state.kind === 'failed') {
    tone = 'error';
    body = (
      <span>
        {state.label} failed — <code>{state.code}</code> {state.message}
      </span>
    );
  } else {
    const c = started as CycleRecord;
    const what = `${c.kind === 'baseline' ? 'Baseline' : 'Cycle'} #${c.id}`;
    if (c.state === 'running') body = <span>{what} started at <Clock iso={c.startedAt} now={now} />: its progress is shown below.</span>;
    else if (c.state === 'ok') {
      tone = 'ok';
      body = (
        <span>
          {what} finished at <Clock iso={c.finishedAt} now={now} />: {c.captured} captured, {c.shipped} shipped ({formatBytes(c.bytes)} sent), {c.applied} applied.
        </span>
      );
    } else {
      tone = 'error';
      body = (
        <span>
          {what} failed at <Clock iso={c.finishedAt} now={now} /> — {c.error ? errorText(c.error) : 'no reason recorded'}
        </span>
      );
    }
  }
  return (
    <div className={`action-outcome tone-${tone}`} role={tone === 'error' ? 'alert' : 'status'} data-testid="action-outcome" data-tone={tone}>
      {body}
      {state.kind !== 'busy' && (
        <button type="button" className="icon-button" onClick={actions.dismiss} aria-label="Dismiss">
          ×
        </button>
      )}
    </div>
  );
}

/**
 * "Run now" and "Start baseline". A new baseline replaces DR's data, so while a usable chain exists it asks
 * first. A disabled button says why next to it (not only in a tooltip).
 */
export function ActionBar({ actions, needsBaseline }: { actions: CycleActions; needsBaseline: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const why = actions.whyNotRun ?? actions.whyNotBaseline;
  return (
    <div className="action-bar">
      <div className="action-buttons">
        <button type="button" className="primary" onClick={actions.runNow} disabled={actions.whyNotRun !== null} title={actions.whyNotRun ?? 'Capture, ship and apply now'}>
          Run now
        </button>
        {confirming ? (
          <span className="confirm" data-testid="baseline-confirm">
            <span className="small">Replace DR's data with a new copy of DC?</span>
            <button
              type="button"
              className="danger"
              disabled={actions.whyNotBaseline !== null}
              onClick={() => {
                setConfirming(false);
                actions.startBaseline();
              }}
            >
              Start baseline
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </span>
        ) : (
          <button
            type="button"
            onClick={needsBaseline ? actions.startBaseline : () => setConfirming(true)}
            disabled={actions.whyNotBaseline !== null}
            title={actions.whyNotBaseline ?? 'A consistent copy of DC, restored on DR; a new chain starts'}
          >
            Start baseline
          </button>
        )}
      </div>
      {why && (
        <div className="muted small action-why" data-testid="action-why">
          {why}
        </div>
      )}
    </div>
  );
}
