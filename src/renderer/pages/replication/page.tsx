import { useEffect, useState } from 'react';
import type { HistoryRange } from '../../../shared/monitor';
import type { Topology } from '../../../shared/topology';
import { useDeskApi } from '../../app/desk-context';
import type { PageDefinition } from '../../app/pages';
import { RangePicker } from '../../components/RangePicker';
import { formatHours, formatLag } from '../../format/time';
import { HistoryChart, type Threshold } from './HistoryChart';
import { useHistory } from './use-history';


function useThresholds(): Topology['thresholds'] | null {
  const api = useDeskApi();
  const [thresholds, setThresholds] = useState<Topology['thresholds'] | null>(null);
  useEffect(() => {
    api.getTopology().then(
      (t) => setThresholds(t.topology.thresholds),
      () => setThresholds(null),
    );
  }, [api]);
  return thresholds;
}

/** The sites the series belong to ("DC/dc-1" → "DC"), in order of appearance; DC and DR before any data. */
function sitesOf(series: Array<{ key: string }> | null): string[] {
  const names = [...new Set((series ?? []).map((x) => x.key.split('/')[0]))];
  return names.length ? names : ['DC', 'DR'];
}

function ReplicationPage() {
  const [range, setRange] = useState<HistoryRange>('1h');
  const lag = useHistory('lag', range);
  const oplog = useHistory('oplogWindow', range);
  const t = useThresholds();
  const lagThresholds: Threshold[] = t
    ? [
        { value: t.lagYellowSeconds, level: 'yellow', label: `≥ ${t.lagYellowSeconds} s` },
        { value: t.lagRedSeconds, level: 'red', label: `≥ ${t.lagRedSeconds} s` },
      ]
    : [];
  const oplogThresholds: Threshold[] = t
    ? [
        { value: t.oplogWindowYellowHours, level: 'yellow', label: `< ${t.oplogWindowYellowHours} h` },
        { value: t.oplogWindowRedHours, level: 'red', label: `< ${t.oplogWindowRedHours} h` },
      ]
    : [];
  const error = lag.error ?? oplog.error;
  return (
    <div className="replication">
      <header className="page-header">
        <h1>Replication</h1>
        <RangePicker range={range} onChange={setRange} label="Time range" />
      </header>
      {error && (
        <div className="banner banner-red" role="alert">
          {error}
        </div>
      )}
      <HistoryChart id="lag" title="Replication lag per data-bearing member" unit=" s" series={lag.series} range={range} endAt={lag.receivedAt} thresholds={lagThresholds} format={formatLag} />
      {/* One panel per site: a projected window of thousands of hours on one site must not flatten the other's red hours. */}
      <div className="oplog-panels">
        {sitesOf(oplog.series).map((site) => (
          <HistoryChart
            key={site}
            id={`oplogWindow-${site}`}
            title={`Oplog window — ${site} (hours)`}
            unit=" h"
            series={oplog.series?.filter((x) => x.key.startsWith(`${site}/`)) ?? null}
            range={range}
            endAt={oplog.receivedAt}
            thresholds={oplogThresholds}
            format={formatHours}
            bands="below"
          />
        ))}
      </div>
    </div>
  );
}

export const page: PageDefinition = { id: 'replication', title: 'Replication', group: 'Monitor', order: 2, Component: ReplicationPage };
