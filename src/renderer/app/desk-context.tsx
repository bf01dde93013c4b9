import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { DeskApi } from '../../shared/desk-api';
import type { AlertRecord } from '../../shared/monitor';
import type { DeskConnection, HostKind } from '../desk-client/choose-desk';
import type { ConnectionState } from '../desk-client/connection';
import { AlertStore } from './alert-store';
import { OverviewStore, type OverviewSnapshot } from './overview-store';

interface DeskContextValue {
  desk: DeskConnection;
  overview: OverviewStore;
  alerts: AlertStore;
}

const DeskContext = createContext<DeskContextValue | null>(null);

export function DeskProvider({ desk, children }: { desk: DeskConnection; children: ReactNode }) {
  const [value] = useState<DeskContextValue>(() => ({
    desk,
    overview: new OverviewStore(desk.api, desk.connection),
    alerts: new AlertStore(desk.api, desk.host),
  }));
  useEffect(() => value.overview.start(), [value]);
  useEffect(() => value.alerts.start(), [value]);
  return <DeskContext.Provider value={value}>{children}</DeskContext.Provider>;
}

function useDeskContext(): DeskContextValue {
  const ctx = useContext(DeskContext);
  if (!ctx) throw new Error('DeskProvider is missing above this component');
  return ctx;
}

export function useDeskApi(): DeskApi {
  return useDeskContext().desk.api;
}

export function useHostKind(): HostKind {
  return useDeskContext().desk.host;
}

export function useOverview(): OverviewSnapshot {
  const { overview } = useDeskContext();
  return useSyncExternalStore(overview.subscribe, overview.getSnapshot);
}

/** The alert store itself, for what only this page knows (which alerts it raised a notification for). */
export function useAlertStore(): AlertStore {
  return useDeskContext().alerts;
}

export function useAlerts(): AlertRecord[] {
  const { alerts } = useDeskContext();
  return useSyncExternalStore(alerts.subscribe, alerts.getSnapshot);
}

export function useConnection(): ConnectionState {
  const { connection } = useDeskContext().desk;
  return useSyncExternalStore(connection.onChange, connection.current);
}

/** The current time, re-read every `intervalMs`, for "N s ago" labels that keep counting. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}
