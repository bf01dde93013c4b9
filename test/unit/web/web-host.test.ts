import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Overview } from '../../../src/shared/monitor';
import { createDesk, type Desk } from '../../../src/main/desk';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import { startWebHost, type WebHost } from '../../../src/main/web/host';

let desk: Desk;
let host: WebHost;
let bare: WebHost;
const dir = mkdtempSync(join(tmpdir(), 'drdesk-web-'));

beforeAll(async () => {
  const topo = join(dir, 'topology.yaml');
  writeFileSync(topo, 'sites:\n  - name: DC\n    role: dc\n    replicaSets:\n      - name: rs\n        members:\n          - { name: m1, host: 127.0.0.1, port: 9, role: primary }\n');
  const renderer = join(dir, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>DR Desk</title>');
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'outside');
  desk = await createDesk({ dataDir: join(dir, 'data'), topologyPath: topo, secretStore: new MemorySecretStore(), autoStart: false });
  host = await startWebHost({ dataDir: join(dir, 'data'), desk, rendererDir: renderer });
  bare = await startWebHost({ dataDir: join(dir, 'data'), desk, rendererDir: null });
});
afterAll(async () => {
  await host.close();
  await bare.close();
  await desk.close();
});

function get(h: WebHost, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: h.port, path, method, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function socket(h: WebHost, path: string, headers: Record<string, string> = {}): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${h.port}${path}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode!));
    ws.once('error', reject);
  });
}

function call(ws: WebSocket, msg: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const m = JSON.parse(data.toString());
      if (m.kind === 'result') {
        ws.off('message', onMessage);
        resolve(m);
      }
    };
    ws.on('message', onMessage);
    ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  });
}

describe('web host', () => {
  it('prints a loopback URL carrying the token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(host.describe()).toEqual({ url: host.url, dataDir: join(dir, 'data'), sandbox: null });
  });

  it('serves the page with the token, with a strict CSP and a cookie for its assets', async () => {
    const res = await get(host, `/?token=${host.token}`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>DR Desk</title>');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self';");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${host.port}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toContain(`drdesk-token-${host.port}=${host.token}`);
    expect(cookie).toContain('HttpOnly');
    const asset = await get(host, '/assets/app.js', { cookie: cookie.split(';')[0] });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toContain('text/javascript');
  });

  it('refuses a missing or wrong token (401)', async () => {
    expect((await get(host, '/')).status).toBe(401);
    expect((await get(host, '/?token=nope')).status).toBe(401);
    expect((await get(host, `/?token=${host.token.slice(0, -1)}x`)).status).toBe(401);
    expect((await get(host, '/assets/app.js', { cookie: `drdesk-token-${host.port}=wrong` })).status).toBe(401);
    expect((await get(host, '/')).body).toContain('open the URL that "drdesk web" printed');
  });

  it('refuses other origins and non-loopback Host headers (403), and non-GET (405)', async () => {
    expect((await get(host, `/?token=${host.token}`, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(host, `/?token=${host.token}`, { host: `evil.example:${host.port}` })).status).toBe(403);
    expect((await get(host, `/?token=${host.token}`, { origin: `http://127.0.0.1:${host.port}` })).status).toBe(200);
    expect((await get(host, `/?token=${host.token}`, {}, 'POST')).status).toBe(405);
  });

  it('never serves files outside the renderer build', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt'])
      expect((await get(host, `${p}?token=${host.token}`)).body).not.toContain('outside');
    expect((await get(host, `/assets/missing.js?token=${host.token}`)).status).toBe(404);
  });

  it('without a build, says to run npm run build', async () => {
    const res = await get(bare, `/?token=${bare.token}`);
    expect(res.status).toBe(503);
    expect(res.body).toContain('npm run build');
  });

  it('the socket needs the token and our origin', async () => {
    expect(await socket(host, '/rpc')).toBe(401);
    expect(await socket(host, '/rpc?token=bad')).toBe(401);
    expect(await socket(host, `/rpc?token=${host.token}`, { origin: 'http://evil.example' })).toBe(403);
    expect(await socket(host, `/other?token=${host.token}`)).toBe(404);
    const ok = await socket(host, `/rpc?token=${host.token}`, { origin: `http://127.0.0.1:${host.port}` });
    expect(ok).toBeInstanceOf(WebSocket);
    (ok as WebSocket).close();
  });

  it('serves DeskApi over the socket: results, validation errors whole, pushed events', async () => {
    const ws = (await socket(host, `/rpc?token=${host.token}`)) as WebSocket;
    expect(await call(ws, { kind: 'call', id: 1, method: 'getTopology' })).toMatchObject({ id: 1, ok: true, value: { sandbox: false, topology: { sites: [{ name: 'DC' }] } } });
    expect(await call(ws, { kind: 'call', id: 2, method: 'getHistory', input: { metric: 'lag', range: 'forever' } })).toMatchObject({
      id: 2,
      ok: false,
      error: { code: 'BAD_INPUT', message: expect.stringContaining('input.range'), details: { issues: [{ path: 'input.range' }] } },
    });
    expect(await call(ws, 'not json')).toMatchObject({ id: -1, ok: false, error: { code: 'BAD_REQUEST' } });
    const event = new Promise((resolve) => ws.on('message', (d) => JSON.parse(d.toString()).kind === 'event' && resolve(JSON.parse(d.toString()))));
    desk.events.emit('overview', { topologyName: 'pushed' } as Overview);
    expect(await event).toEqual({ kind: 'event', event: 'overview', payload: { topologyName: 'pushed' } });
    ws.close();
  });
});
