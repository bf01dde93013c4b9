import { execFile } from 'node:child_process';
import { DeskError } from '../../../shared/errors';
import type { OperationHandlers } from './step-handler';
import { pollUntil } from './step-handler';

async function status(url: string, signal: AbortSignal): Promise<number | null> {
  try {
    const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.any([signal, AbortSignal.timeout(3000)]), headers: { 'user-agent': 'dr-desk-runbook' } });
    await res.body?.cancel().catch(() => undefined);
    return res.status;
  } catch {
    return null;
  }
}

function runLocal(argv: string[], signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    // execFile with no shell: argv[0] is the program, every other element exactly one argument.
    execFile(argv[0], argv.slice(1), { shell: false, signal, timeout: 60_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) {
        const e = err as Error & { code?: unknown };
        reject(new DeskError('TRAFFIC_HOOK_FAILED', `The traffic hook ${JSON.stringify(argv)} failed (${e.code ?? e.message})${stderr ? `: ${String(stderr).trim().slice(0, 500)}` : ''}. Switch traffic by hand and check the hook.`));
      } else resolve(String(stdout).trim().slice(0, 2000));
    });
  });
}

/** Application health checks and the traffic hook (a local program or an HTTP call). */
export function httpHandlers(): OperationHandlers {
  return {
    'http.health': async (op, ctx) => {
      let seen = '';
      const result = await pollUntil(
        async () => {
          const codes = await Promise.all(op.urls.map((u) => status(u, ctx.signal)));
          const line = op.urls.map((u, i) => `${u} → ${codes[i] ?? 'no answer'}`).join(', ');
          if (line !== seen) ctx.log(`${new Date().toISOString()} ${line}`);
          seen = line;
          const ok = op.expect === 'up' ? codes.every((c) => c === op.expectStatus) : codes.every((c) => c === null || c >= 500);
          return ok ? line : undefined;
        },
        op.pollMs,
        ctx.signal,
      );
      return { summary: `${op.expect === 'up' ? 'healthy' : 'down as expected'}: ${result}`, data: { healthyAt: new Date().toISOString() } };
    },
    'traffic.switch': async (op, ctx) => {
      if (op.hook.kind === 'command') {
        const out = await runLocal(op.hook.argv, ctx.signal);
        return { summary: `traffic switched to ${op.toSite}${out ? `: ${out.split('\n')[0]}` : ''}`, data: { switchedAt: new Date().toISOString() } };
      }
      const res = await fetch(op.hook.url, { method: op.hook.method, body: op.hook.body ?? undefined, signal: ctx.signal, headers: { 'content-type': 'application/json', 'user-agent': 'dr-desk-runbook' } }).catch(
        (err: Error) => {
          throw new DeskError('TRAFFIC_HOOK_FAILED', `${op.hook.kind === 'http' ? op.hook.url : ''} did not answer (${err.message}): switch traffic by hand and check the hook.`);
        },
      );
      const text = (await res.text().catch(() => '')).slice(0, 500);
      const want = op.hook.expectStatus;
      if (want === null ? !res.ok : res.status !== want)
        throw new DeskError('TRAFFIC_HOOK_FAILED', `${op.hook.method} ${op.hook.url} answered ${res.status}${want === null ? '' : ` (expected ${want})`}: ${text}. Switch traffic by hand and check the hook.`);
      return { summary: `traffic switched to ${op.toSite} (HTTP ${res.status})`, data: { switchedAt: new Date().toISOString() } };
    },
  };
}
