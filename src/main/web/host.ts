import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { createDesk, type Desk } from '../desk';
import type { SandboxDescription } from '../sandbox/types';
import { KeyringSecretStore } from '../store/keyring-secret-store';
import type { SecretStore } from '../store/secret-store';
import { serveRpcSocket } from './rpc-socket';
import { cookieName, cookieToken, hostAllowed, newToken, originAllowed, securityHeaders, tokensEqual } from './security';
import { BUILD_MISSING_MESSAGE, findRendererDir, readStatic } from './static-files';

export interface WebHostOptions {
  dataDir: string;
  /** A topology file; else the configured one; else the sandbox. */
  topologyPath?: string;
  /** 0 (default) = an ephemeral port. */
  port?: number;
  /** Start the sandbox (when one is started) in fast mode. */
  fast?: boolean;
  /** Default: the OS keychain (Secret Service / Keychain / Credential Manager). */
  secretStore?: SecretStore;
  /** Serve an existing Desk instead of creating one (the host then does not close it). */
  desk?: Desk;
  /** Default: out/renderer (see findRendererDir). */
  rendererDir?: string | null;
}

export interface WebHost {
  /** http://127.0.0.1:PORT/?token=… — the page, carrying the per-run token. */
  url: string;
  port: number;
  token: string;
  dataDir: string;
  sandbox: SandboxDescription | null;
  desk: Desk;
  rendererDir: string | null;
  /** The JSON object `drdesk web` prints as its first stdout line. */
  describe(): { url: string; dataDir: string; sandbox: SandboxDescription | null };
  close(): Promise<void>;
}

function reject(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
}

/**
 * The browser host: the built renderer and DeskApi over a web socket (/rpc?token=…), on 127.0.0.1 only.
 * Every request needs the per-run token (in the URL, or the cookie set when the page was opened with it),
 * a loopback Host header and, when a browser sends one, our own Origin.
 */
export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const desk = opts.desk ?? (await createDesk({ dataDir: opts.dataDir, topologyPath: opts.topologyPath, secretStore: opts.secretStore ?? new KeyringSecretStore(opts.dataDir), sandbox: { fast: opts.fast ?? false } }));
  const token = newToken();
  const rendererDir = opts.rendererDir === undefined ? findRendererDir() : opts.rendererDir;
  let port = 0;

  const respond = (res: ServerResponse, status: number, body: string | Buffer, type = 'text/plain; charset=utf-8', extra: Record<string, string> = {}): void => {
    res.writeHead(status, { ...securityHeaders(port), 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)), ...extra });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!hostAllowed(req, port)) return respond(res, 403, 'Forbidden: this host only answers to 127.0.0.1 and localhost.');
    if (!originAllowed(req, port)) return respond(res, 403, 'Forbidden: requests from other origins are refused.');
    if (req.method !== 'GET' && req.method !== 'HEAD') return respond(res, 405, 'Method not allowed.', undefined, { Allow: 'GET, HEAD' });
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const fromQuery = url.searchParams.get('token');
    const ok = tokensEqual(fromQuery, token) || tokensEqual(cookieToken(req, port), token);
    if (!ok) return respond(res, 401, 'Unauthorized: open the URL that "drdesk web" printed; it carries this run\'s token (?token=…).');
    const cookie = fromQuery ? { 'Set-Cookie': `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/` } : undefined;
    if (!rendererDir) return respond(res, 503, BUILD_MISSING_MESSAGE, undefined, cookie);
    const file = await readStatic(rendererDir, url.pathname);
    if (!file) return respond(res, 404, 'Not found.', undefined, cookie);
    respond(res, 200, file.body, file.type, cookie);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) respond(res, 500, `Internal error: ${(err as Error).message}`);
      else res.destroy();
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname !== '/rpc') return reject(socket, 404, 'Not Found');
    if (!hostAllowed(req, port) || !originAllowed(req, port)) return reject(socket, 403, 'Forbidden');
    if (!tokensEqual(url.searchParams.get('token'), token)) return reject(socket, 401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => serveRpcSocket(ws, desk));
  });

  try {
    await new Promise<void>((resolve, rejectListen) => {
      server.once('error', rejectListen);
      server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
    });
  } catch (err) {
    if (!opts.desk) await desk.close();
    throw err;
  }
  port = (server.address() as { port: number }).port;
  const sandbox = desk.context.sandbox?.description ?? null;
  const url = `http://127.0.0.1:${port}/?token=${token}`;
  let closing: Promise<void> | null = null;

  return {
    url,
    port,
    token,
    dataDir: opts.dataDir,
    sandbox,
    desk,
    rendererDir,
    describe: () => ({ url, dataDir: opts.dataDir, sandbox }),
    close: () =>
      (closing ??= (async () => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
        if (!opts.desk) await desk.close();
      })()),
  };
}
