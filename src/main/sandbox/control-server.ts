import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { FaultError } from './faults';
import type { SandboxImpl } from './sandbox';

const MAX_BODY = 64 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new HttpError(413, 'TOO_LARGE', `request body over ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) throw new HttpError(400, 'BAD_REQUEST', 'empty body: send a JSON object such as {"action":"kill","target":"dc-1"}');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, 'BAD_JSON', `body is not JSON: ${(err as Error).message}`);
  }
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function isLoopbackHost(hostHeader: string): boolean {
  // "127.0.0.1:8080" / "[::1]:8080" / "localhost"
  const m = /^(\[[^\]]+\]|[^:]+)(?::\d+)?$/.exec(hostHeader.trim().toLowerCase());
  return m !== null && LOOPBACK_HOSTS.has(m[1]);
}

/**
 * Loopback binding alone does not stop a web page in the operator's browser from POSTing a fault here
 * (a "simple" cross-origin POST needs no preflight), nor a DNS-rebound name from reading /state. A browser
 * always sends Origin on cross-origin POSTs and the attacker's name in Host, so both must be loopback; curl
 * and the CLI send no Origin and a loopback Host.
 */
function refuseForeignOrigin(req: IncomingMessage): void {
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let host = '';
    try {
      const u = new URL(origin);
      host = u.protocol === 'http:' || u.protocol === 'https:' ? u.host : '';
    } catch {
      host = '';
    }
    if (!host || !isLoopbackHost(host)) {
      throw new HttpError(403, 'FOREIGN_ORIGIN', `refused a request from origin ${JSON.stringify(origin).slice(0, 200)}: the sandbox control endpoint answers only loopback clients (curl, drdesk sandbox ctl)`);
    }
  }
  const hostHeader = req.headers.host;
  if (hostHeader !== undefined && !isLoopbackHost(hostHeader)) {
    throw new HttpError(403, 'FOREIGN_HOST', `refused a request for host ${JSON.stringify(hostHeader).slice(0, 200)}: address the control endpoint as 127.0.0.1, localhost or [::1]`);
  }
}

/**
 * The sandbox's loopback control endpoint:
 *   GET  /state                 members (state, term, optime, lag), workload ledger counts, apps, partitions
 *   POST /fault                 {"action":..., "target":..., ...} → 200 {ok, message} or 400 {error}
 *   POST /workload              {"opsPerSec": N} (0 stops it)
 *   GET  /app/<SITE>/health     200 {"ok":true} or 503 {"ok":false,"reason":...}
 *   GET  /                      the description printed by `drdesk sandbox`
 */
export class ControlServer {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly sb: SandboxImpl) {}

  async listen(port: number): Promise<number> {
    const server = createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        if (err instanceof HttpError) send(res, err.status, { error: { code: err.code, message: err.message } });
        else if (err instanceof FaultError) send(res, 400, { error: { code: err.code, message: err.message } });
        else send(res, 500, { error: { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) } });
      });
    });
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host: '127.0.0.1' }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    return (server.address() as { port: number }).port;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    refuseForeignOrigin(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    const app = /^\/app\/([^/]+)\/health$/.exec(path);
    if (app && method === 'GET') {
      const site = decodeURIComponent(app[1]);
      const problem = this.sb.appProblem(site);
      if (problem === null) send(res, 200, { ok: true });
      else send(res, this.sb.site(site) ? 503 : 404, { ok: false, reason: problem });
      return;
    }
    if (path === '/state' && method === 'GET') return send(res, 200, this.sb.state());
    if (path === '/' && method === 'GET') return send(res, 200, this.sb.description);
    if (path === '/fault' && method === 'POST') {
      const result = await this.sb.fault((await readJson(req)) as never);
      return send(res, 200, result);
    }
    if (path === '/workload' && method === 'POST') {
      const body = (await readJson(req)) as { opsPerSec?: unknown };
      const n = body?.opsPerSec;
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > 100_000) throw new HttpError(400, 'BAD_REQUEST', 'opsPerSec: a number from 0 (stop) to 100000');
      if (n === 0) await this.sb.stopWorkload();
      else this.sb.startWorkload(n);
      return send(res, 200, { ok: true, workload: this.sb.state().workload });
    }
    const known = ['/state', '/fault', '/workload', '/'];
    if (known.includes(path) || app) throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}`);
    throw new HttpError(404, 'NOT_FOUND', `no route ${path}: use GET /state, POST /fault, POST /workload or GET /app/<SITE>/health`);
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
