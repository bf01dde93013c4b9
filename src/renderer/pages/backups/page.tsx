import { useState } from 'react';
import type { BackupProgress, BackupStatus } from '../../../shared/api/backup';
import { useNow } from '../../app/desk-context';

import type { PageDefinition } from '../../app/pages';
import { ActionBar, ActionOutcome } from './ActionBar';
import { ChainBanner } from './ChainBanner';
import { ChainTimeline } from './ChainTimeline';
import { CycleHistory } from './CycleHistory';
import { ProgressPanel } from './ProgressPanel';
import { RpoChart } from './RpoChart';
import { LeaseCard } from './LeaseCard';
import { BackupMode } from './BackupMode';
import { ScheduleCard } from './ScheduleCard';
import { SliceDetails } from './SliceDetails';
import { StatusCard } from './StatusCard';
import { useBackupStatus } from './use-backup-status';
import { isLocalLanding } from './backup-format';
import { isConfigured, useCycleActions } from './use-cycle-actions';
import './backups.css';
import { Clock } from '../../format/Clock';
import { Card } from '../../components/Card';

function BackupsPage() {
  const { status, running, error } = useBackupStatus();
  const now = useNow();
  if (!status)
    return (
      <div className="backups">
        <header className="page-header">
          <h1>Backups</h1>
        </header>
        {error ? (
          <div className="banner banner-red" role="alert">
            {error}
          </div>
        ) : (
          <div className="empty">Loading the backup status…</div>
        )}
      </div>
    );
  return <BackupsView status={status} running={running} error={error} now={now} />;
}

interface ViewProps {
  status: BackupStatus;
  running: BackupProgress | null;
  error: string | null;
  now: number;
}

function BackupsView({ status, running, error, now }: ViewProps) {
  const actions = useCycleActions(status, running);
  const [selected, setSelected] = useState<{ chainId: string; seq: number } | null>(null);
  const chain = status.chain;
  const slice = (chain && selected?.chainId === chain.chainId && chain.slices.find((s) => s.seq === selected.seq)) || null;
  const lastCycle = status.recentCycles.find((c) => c.state !== 'running');
  return (
    <div className="backups">
      <header className="page-header">
        <div>
          <h1>Backups</h1>
          <p className="muted">
            {isConfigured(status)
              ? `${status.from} → ${status.to}: a baseline, then oplog slices shipped ${status.landing && isLocalLanding(status.landing) ? 'to a local directory' : 'over SSH'}, verified and applied in order.`
              : 'Cross-site backup is not configured for this topology.'}
          </p>
        </div>
        <ActionBar actions={actions} needsBaseline={status.needsBaseline} />
      </header>
      <ActionOutcome actions={actions} now={now} />
      {error && (
        <div className="banner banner-yellow" role="alert">
          The backup status could not be refreshed ({error}); what is shown is from <Clock iso={status.updatedAt} />.
        </div>
      )}
      <ChainBanner status={status} actions={actions} now={now} />
      {running && <ProgressPanel progress={running} record={status.recentCycles.find((c) => c.id === running.cycleId) ?? null} now={now} />}
      <div className="backups-grid">
        <div className="backups-main">
          {chain ? (
            <ChainTimeline chain={chain} selected={slice ? slice.seq : null} onSelect={(seq) => setSelected(seq === null ? null : { chainId: chain.chainId, seq })} now={now} />
          ) : (
            <Card title="Chain" testId="chain-timeline" data-chain-state="none">
              <div className="empty">No chain yet: the baseline starts one.</div>
            </Card>
          )}
          {slice && chain && <SliceDetails slice={slice} prev={chain.slices.find((p) => p.seq === slice.seq - 1) ?? null} now={now} onClose={() => setSelected(null)} />}
          <RpoChart rpo={status.rpo} version={`${lastCycle?.id ?? 0}-${lastCycle?.state ?? ''}`} />
        </div>
        <aside className="backups-side">
          <StatusCard status={status} now={now} />
          {isConfigured(status) && <LeaseCard now={now} lastCycleId={lastCycle?.id ?? 0} />}
          <BackupMode view={status.schedule.mode} intervalMinutes={status.schedule.intervalMinutes} configured={isConfigured(status)} lastCycleId={lastCycle?.id ?? 0} />
          <ScheduleCard schedule={status.schedule} recentCycles={status.recentCycles} configured={isConfigured(status)} now={now} />
        </aside>
      </div>
      <CycleHistory cycles={status.recentCycles} now={now} />
    </div>
  );
}

export const page: PageDefinition = { id: 'backups', title: 'Backups', group: 'Operate', order: 1, Component: BackupsPage };
