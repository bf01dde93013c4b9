/** What the renderer knows about its link to the engine, so it can say so instead of hanging. */
export type ConnectionState =
  | { kind: 'connecting' }
  | { kind: 'open'; since: number }
  | { kind: 'lost'; since: number; attempt: number; retryAt: number; reason: string };

export interface ConnectionMonitor {
  current(): ConnectionState;
  onChange(listener: (state: ConnectionState) => void): () => void;
}

/** The preload bridge talks to the main process of the same app: it is always connected. */
export function alwaysOpen(): ConnectionMonitor {
  const state: ConnectionState = { kind: 'open', since: Date.now() };
  return { current: () => state, onChange: () => () => undefined };
}

/** Methods are bound so they can be handed to useSyncExternalStore as they are. */
export class ConnectionStateHolder implements ConnectionMonitor {
  private state: ConnectionState = { kind: 'connecting' };
  private readonly listeners = new Set<(state: ConnectionState) => void>();

  readonly current = (): ConnectionState => this.state;

  set(state: ConnectionState): void {
    this.state = state;
    this.listeners.forEach((l) => l(state));
  }

  readonly onChange = (listener: (state: ConnectionState) => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };
}
