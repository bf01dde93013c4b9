import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertRecord } from '../../../src/shared/monitor';
import { AlertLog } from '../../../src/main/monitor/alert-log';
import { AlertManager } from '../../../src/main/monitor/alerts';
import { evaluate } from '../../../src/main/monitor/rules';
import { openDatabase, type DeskDatabase } from '../../../src/main/store/database';
import { ctx, healthy } from './fixtures';

let server: Server | null = null;
let db: DeskDatabase | null = null;
afterEach(async () => {
  db?.close();
  await new Promise((r) => (server ? server.close(r) : r(null)));
  server = null;
});

/** A webhook receiver on 127.0.0.1 that fails the first `failures` requests with 503. */
async function receiver(failures: number): Promise<{ url: string; bodies: unknown[] }> {
  const bodies: unknown[] = [];
  let n = 0;
  server = createServer((req: IncomingMessage, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      bodies.push(JSON.parse(data));
      res.writeHead(++n <= failures ? 503 : 200).end();
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server!.address() as { port: number }).port}/hook`, bodies };
}

const red = () => evaluate(healthy((dc) => void (dc[1] = { ...dc[1], lagSeconds: 120 })), ctx());
const green = () => evaluate(healthy(), ctx());
const yellow = () => evaluate(healthy((dc) => void (dc[1] = { ...dc[1], lagSeconds: 20 })), ctx());

describe('AlertManager', () => {
  it('alerts on a change to red and back, not on yellow or while red; records each alert', () => {
    db = openDatabase(':memory:');
    const log = new AlertLog(db);
    const pushed: AlertRecord[] = [];
    const m = new AlertManager({ topologyName: 't', desktop: true, webhookRetries: 0, timeoutMs: 1000 }, log, (a) => pushed.push(a));
    expect(m.onOverview(green())).toEqual([]);
    expect(m.onOverview(yellow())).toEqual([]);
    expect(m.onOverview(red()).map((a) => `${a.subject}:${a.from}->${a.to}`)).toEqual(['DC:yellow->red']);
    expect(m.onOverview(red())).toEqual([]);
    expect(m.onOverview(green()).map((a) => `${a.subject}:${a.from}->${a.to}`)).toEqual(['DC:red->green']);
    expect(pushed).toHaveLength(2);
    expect(pushed[0].reasons[0].code).toBe('LAG_HIGH');
    expect(pushed[0].channels).toEqual([{ channel: 'notification', ok: true, attempts: 1 }]);
    expect(log.list().map((a) => a.to)).toEqual(['green', 'red']);
  });

  it('split brain appearing on a site already red is alerted at once, once; its end alone is not', () => {
    const m = new AlertManager({ topologyName: 't', desktop: false, webhookRetries: 0, timeoutMs: 1000 }, null, () => undefined);
    const split = () => {
      const o = red();
      const dc = o.sites[0];
      o.sites[0] = { ...dc, status: { ...dc.status, reasons: [{ code: 'SPLIT_BRAIN', level: 'red', subject: 'DC', message: 'Split brain: DR was activated, but on DC rs-dc has a writable primary (dc-1).' }, ...dc.status.reasons] } };
      return o;
    };
    expect(m.onOverview(red())).toHaveLength(1);
    const [a] = m.onOverview(split());
    expect(a).toMatchObject({ subject: 'DC', from: 'red', to: 'red' });
    expect(a.reasons[0].code).toBe('SPLIT_BRAIN');
    expect(m.onOverview(split())).toEqual([]);
    expect(m.onOverview(red())).toEqual([]);
    expect(m.onOverview(split())).toHaveLength(1);
  });

  it('a site red at the first poll alerts from unknown', () => {
    const m = new AlertManager({ topologyName: 't', desktop: false, webhookRetries: 0, timeoutMs: 1000 }, null, () => undefined);
    const [a] = m.onOverview(red());
    expect(a).toMatchObject({ subject: 'DC', from: 'unknown', to: 'red', channels: [] });
  });

  it('POSTs to the webhook with status and reasons, retrying with backoff, and records the outcome', async () => {
    const hook = await receiver(2);
    db = openDatabase(':memory:');
    const log = new AlertLog(db);
    const m = new AlertManager({ topologyName: 'prod', desktop: true, webhookUrl: hook.url, webhookRetries: 3, timeoutMs: 1000, backoffMs: 20 }, log, () => undefined);
    const [a] = m.onOverview(red());
    await m.idle();
    expect(hook.bodies).toHaveLength(3);
    expect(hook.bodies[2]).toMatchObject({ source: 'dr-desk', topology: 'prod', alert: { subject: 'DC', to: 'red', reasons: [{ code: 'LAG_HIGH' }] } });
    expect((hook.bodies[2] as { text: string }).text).toMatch(/^DR Desk: DC is RED \(was unknown\) — dc-2 is 120 s behind/);
    expect(log.list()[0].channels).toEqual([
      { channel: 'notification', ok: true, attempts: 1 },
      { channel: 'webhook', ok: true, attempts: 3 },
    ]);
    expect(a.id).toBe(log.list()[0].id);
  });

  it('gives up after the retries and says so', async () => {
    const hook = await receiver(99);
    db = openDatabase(':memory:');
    const log = new AlertLog(db);
    const m = new AlertManager({ topologyName: 't', desktop: false, webhookUrl: hook.url, webhookRetries: 2, timeoutMs: 1000, backoffMs: 10 }, log, () => undefined);
    m.onOverview(red());
    await m.idle();
    expect(hook.bodies).toHaveLength(3);
    expect(log.list()[0].channels).toEqual([{ channel: 'webhook', ok: false, attempts: 3, error: 'HTTP 503 from the webhook after 3 attempts: check the alerts.webhookUrl in the topology' }]);
  });

  it('an unreachable webhook fails within its deadline', async () => {
    const m = new AlertManager({ topologyName: 't', desktop: false, webhookUrl: 'http://127.0.0.1:9/hook', webhookRetries: 1, timeoutMs: 500, backoffMs: 10 }, null, () => undefined);
    const [a] = m.onOverview(red());
    await m.idle();
    expect(a.channels[0]).toMatchObject({ channel: 'webhook', ok: false, attempts: 2 });
  });
});
