import type { RpcEvent, RpcRequest, RpcResponse, RpcTransport } from '../../shared/rpc';
import type { SerializedError } from '../../shared/errors';
import { ConnectionStateHolder } from './connection';

export interface WebTransportOptions {
  /** ws://127.0.0.1:PORT/rpc?token=… */
  url: string;
  /** A call with no answer within this time fails with TIMEOUT instead of hanging. */
  callTimeoutMs?: number;
  /** A socket that has not opened within this time is abandoned and retried. */
  connectTimeoutMs?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /**
   * After a socket that never opened: asks the host over HTTP whether it answers but refuses this page's
   * token (it was restarted: a new run, a new token). Default: HEAD of the page's own URL, 401 = stale.
   */
  tokenRefused?: () => Promise<boolean>;
}

/** The words for a page whose token belongs to an earlier run of the host: reopening is the only fix. */
export const STALE_TOKEN_REASON =
  'the DR Desk host answers but no longer accepts this page\'s token (it was restarted): open the URL it printed when it started (…/?token=…) — reloading this tab will not help';

function defaultTokenRefused(): Promise<boolean> {
  if (typeof location === 'undefined' || typeof fetch === 'undefined') return Promise.resolve(false);
  return fetch(location.href, { method: 'HEAD', cache: 'no-store', credentials: 'omit' }).then(
    (r) => r.status === 401,
    () => false,
  );
}

interface Pending {
  request: RpcRequest;
  sent: boolean;
  timer: ReturnType<typeof setTimeout>;
  resolve: (response: RpcResponse) => void;
}

/** The web host's address for this page: same host, token taken from the page URL's ?token=. */
export function rpcUrlFor(location: Location): string {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/rpc?token=${encodeURIComponent(token)}`;
}

/**
 * DeskApi over the web host's WebSocket. It reconnects with backoff for as long as the page lives; calls
 * made while disconnected wait for the next connection but never longer than their timeout, and calls in
 * flight when the socket drops fail at once (the engine may or may not have run them).
 */
export class WebSocketTransport implements RpcTransport {
  readonly connection = new ConnectionStateHolder();
  private readonly opts: Required<WebTransportOptions>;
  private socket: WebSocket | null = null;
  private nextId = 1;
  private attempt = 0;
  private lostSince: number | null = null;
  private readonly pending = new Map<number, Pending>();
  private readonly eventListeners = new Set<(e: RpcEvent) => void>();

  constructor(opts: WebTransportOptions) {
    this.opts = { callTimeoutMs: 15_000, connectTimeoutMs: 5_000, backoffInitialMs: 250, backoffMaxMs: 5_000, tokenRefused: defaultTokenRefused, ...opts };
    this.connect();
  }

  call(method: string, input: unknown): Promise<RpcResponse> {
    const id = this.nextId++;
    const request: RpcRequest = { kind: 'call', id, method, ...(input === undefined ? {} : { input }) };
    return new Promise((resolve) => {
      const seconds = Math.round(this.opts.callTimeoutMs / 1000);
      const timer = setTimeout(
        () => this.settle(id, failure(id, 'TIMEOUT', `${method} got no answer within ${seconds} s: the DR Desk host is busy or unreachable.`)),
        this.opts.callTimeoutMs,
      );
      this.pending.set(id, { request, sent: false, timer, resolve });
      this.flush();
    });
  }

  onEvent(listener: (e: RpcEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => void this.eventListeners.delete(listener);
  }

  private connect(): void {
    const socket = new WebSocket(this.opts.url);
    this.socket = socket;
    let opened = false;
    const deadline = setTimeout(() => socket.close(), this.opts.connectTimeoutMs);
    socket.onopen = () => {
      opened = true;
      clearTimeout(deadline);
      this.attempt = 0;
      this.lostSince = null;
      this.connection.set({ kind: 'open', since: Date.now() });
      this.flush();
    };
    socket.onmessage = (m) => this.receive(m.data);
    socket.onclose = (ev) => {
      clearTimeout(deadline);
      if (this.socket !== socket) return;
      this.socket = null;
      this.failInFlight();
      // A refused upgrade looks like "not answering" (1006) to the page: ask the host over HTTP which it is.
      if (!opened && ev.code === 1006)
        void this.opts
          .tokenRefused()
          .catch(() => false)
          .then((stale) => this.scheduleReconnect(stale ? STALE_TOKEN_REASON : closeReason(ev)));
      else this.scheduleReconnect(closeReason(ev));
    };
  }

  private scheduleReconnect(reason: string): void {
    const delay = Math.min(this.opts.backoffMaxMs, this.opts.backoffInitialMs * 2 ** this.attempt) * (1 + Math.random() * 0.2);
    this.attempt += 1;
    this.lostSince ??= Date.now();
    this.connection.set({ kind: 'lost', since: this.lostSince, attempt: this.attempt, retryAt: Date.now() + delay, reason });
    setTimeout(() => this.connect(), delay);
  }

  private flush(): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    for (const p of this.pending.values()) {
      if (p.sent) continue;
      socket.send(JSON.stringify(p.request));
      p.sent = true;
    }
  }

  private failInFlight(): void {
    for (const [id, p] of this.pending) {
      if (!p.sent) continue;
      this.settle(id, failure(id, 'CONNECTION_LOST', `The connection to DR Desk dropped while ${p.request.method} was running; check the result before retrying.`));
    }
  }

  private settle(id: number, response: RpcResponse): void {
    const p = this.pending.get(id);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(id);
    p.resolve(response);
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let msg: RpcResponse | RpcEvent;
    try {
      msg = JSON.parse(data) as RpcResponse | RpcEvent;
    } catch {
      return;
    }
    if (msg.kind === 'result') this.settle(msg.id, msg);
    else if (msg.kind === 'event') this.eventListeners.forEach((l) => l(msg));
  }
}

function failure(id: number, code: string, message: string): RpcResponse {
  const error: SerializedError = { code, message };
  return { kind: 'result', id, ok: false, error };
}

function closeReason(ev: CloseEvent): string {
  if (ev.reason) return ev.reason;
  if (ev.code === 1006) return 'the DR Desk host is not answering';
  if (ev.code === 1008) return 'the DR Desk host refused the connection token';
  return `the connection closed (code ${ev.code})`;
}
