import type { AppObservation } from '../monitor/observations';

/**
 * One HTTP(S) check of an application health URL with a deadline: a 2xx or 3xx answer is healthy. Never
 * throws; the observation says what went wrong.
 */
export async function checkHttpHealth(site: string, url: string, timeoutMs: number): Promise<AppObservation> {
  const start = Date.now();
  const base = { site, url };
  try {
    const res = await fetch(url, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs), headers: { 'user-agent': 'dr-desk-health' } });
    await res.body?.cancel().catch(() => undefined);
    const latencyMs = Date.now() - start;
    const ok = res.status >= 200 && res.status < 400;
    return { ...base, at: Date.now(), ok, httpStatus: res.status, latencyMs, error: ok ? null : `HTTP ${res.status} ${res.statusText}`.trim() };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
    const detail = timedOut ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { ...base, at: Date.now(), ok: false, httpStatus: null, latencyMs: null, error: `${url}: ${detail}` };
  }
}
