import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../src/main/sandbox';
import { withSandbox } from './helpers';

/** Raw HTTP so the test can send the headers a browser (or a rebinding attacker) would. */
function call(base: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; json: { error?: { code: string; message: string } } & Record<string, unknown> }> {
  const u = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method, headers: { ...(body ? { 'content-type': 'text/plain' } : {}), ...headers }, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

describe('control endpoint refuses foreign origins', () => {
  let sb: Sandbox;
  withSandbox({ fast: true }, (s) => (sb = s));

  it('a cross-site POST /fault from a web page is refused with 403 FOREIGN_ORIGIN and has no effect', async () => {
    const kill = JSON.stringify({ action: 'kill', target: 'DC' });
    for (const origin of ['http://evil.example', 'https://127.0.0.1.evil.example', 'null', 'file://', 'http://localhost.evil.example:80']) {
      const r = await call(sb.description.control, 'POST', '/fault', { origin }, kill);
      expect(r.status, origin).toBe(403);
      expect(r.json.error?.code, origin).toBe('FOREIGN_ORIGIN');
      expect(r.json.error?.message).toMatch(/loopback/);
    }
    expect(sb.state().members.filter((m) => m.replicaSet === sb.description.sites[0].replicaSet).every((m) => m.alive)).toBe(true);
  });

  it('a DNS-rebound Host is refused with 403 FOREIGN_HOST, even on GET /state', async () => {
    const r = await call(sb.description.control, 'GET', '/state', { host: 'evil.example:80' });
    expect(r.status).toBe(403);
    expect(r.json.error?.code).toBe('FOREIGN_HOST');
  });

  it('loopback origins and clients without Origin (curl, the CLI) are served', async () => {
    const port = new URL(sb.description.control).port;
    for (const origin of [undefined, `http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`]) {
      const r = await call(sb.description.control, 'GET', '/state', origin ? { origin } : {});
      expect(r.status, origin).toBe(200);
      expect(Array.isArray(r.json.members)).toBe(true);
    }
  });
});
