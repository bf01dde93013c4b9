import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AppObservation } from './probe-types';

/**
 * One HTTP(S) GET of an application health URL with a deadline: a 2xx or 3xx answer is healthy. Never
 * throws; the observation says what went wrong. (node:http rather than fetch: a poll checks many URLs.)
 */
export function checkHttpHealth(site: string, url: string, timeoutMs: number): Promise<AppObservation> {
  const start = Date.now();
  const base = { site, url };
  return new Promise((resolve) => {
    let settled = false;
    const done = (o: Omit<AppObservation, 'site' | 'url' | 'at'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...base, at: Date.now(), ...o });
    };
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return done({ ok: false, httpStatus: null, latencyMs: null, error: `${url} is not a valid URL` });
    }
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(target, { method: 'GET', headers: { 'user-agent': 'dr-desk-health' } }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      const ok = status >= 200 && status < 400;
      done({ ok, httpStatus: status, latencyMs: Date.now() - start, error: ok ? null : `HTTP ${status} ${res.statusMessage ?? ''}`.trim() });
    });
    const timer = setTimeout(() => {
      req.destroy();
      done({ ok: false, httpStatus: null, latencyMs: null, error: `${url}: no answer within ${timeoutMs} ms` });
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => done({ ok: false, httpStatus: null, latencyMs: null, error: `${url}: ${err.code ?? err.message}` }));
    req.end();
  });
}
