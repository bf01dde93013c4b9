import type { BackupStatus } from '../../../shared/api/backup';

import type { CycleActions } from './use-cycle-actions';
import { Clock } from '../../format/Clock';

/**
 * The states where DR holds no usable chain, as a banner with the one way out: a broken chain (red, "a new
 * baseline is needed"), no baseline at all, or a baseline not yet applied. Nothing after a gap is applied.
 * Without a backup route in the topology, what to add to it.
 */
export function ChainBanner({ status, actions, now }: { status: BackupStatus; actions: CycleActions; now: number }) {
  const chain = status.chain;
  if (!status.landing) {
    return (
      <div className="banner banner-yellow" data-testid="backup-not-configured">
        <strong>No backup route.</strong> {status.reasons[0]?.message ?? 'Cross-site backup is not configured for this topology.'}
      </div>
    );
  }
  const button = (
    <button type="button" className="danger" onClick={actions.startBaseline} disabled={actions.whyNotBaseline !== null} title={actions.whyNotBaseline ?? undefined}>
      Start baseline
    </button>
  );
  if (chain?.state === 'broken') {
    return (
      <div className="banner banner-red chain-banner" role="alert" data-testid="chain-broken">
        <div>
          <strong>Chain broken — a new baseline is needed.</strong>{' '}
          {chain.broken && (
            <>
              <code>{chain.broken.code}</code> {chain.broken.message.replace(/^Chain broken — a new baseline is needed: /, '')}{' '}
              <span className="small">(<Clock iso={chain.broken.at} now={now} />)</span>
            </>
          )}
          <div className="small">Nothing captured after the gap is applied on DR until a new baseline completes.</div>
        </div>
        {button}
      </div>
    );
  }
  if (!chain) {
    return (
      <div className="banner banner-red chain-banner" role="alert" data-testid="no-baseline">
        <div>
          <strong>No baseline yet.</strong> DR holds no copy of DC until a baseline is taken and applied; increments follow it on the schedule.
        </div>
        {button}
      </div>
    );
  }
  if (chain.state === 'building' && status.running?.kind !== 'baseline') {
    return (
      <div className="banner banner-yellow chain-banner" data-testid="baseline-pending">
        <div>
          <strong>The baseline has not been applied on DR yet.</strong> Run the pipeline to finish delivering it, or start a new baseline.
        </div>
        {button}
      </div>
    );
  }
  return null;
}
