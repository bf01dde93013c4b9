import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CHUNK_MS } from '../../../src/main/monitor/history-chunks';
import { HistoryStore } from '../../../src/main/monitor/history';
import { openDatabase, type DeskDatabase } from '../../../src/main/store/database';
import { healthy, NOW } from './fixtures';
import { evaluate } from '../../../src/main/monitor/rules';
import { ctx } from './fixtures';

let db: DeskDatabase;
const open = (): HistoryStore => new HistoryStore((db = openDatabase(join(mkdtempSync(join(tmpdir(), 'drdesk-hist-')), 'desk.sqlite'))));
afterEach(() => db?.close());

describe('HistoryStore', () => {
  it('returns samples written as rows and as packed chunks, in order, within the range', () => {
    const h = open();
    const start = NOW - 3_600_000;
    for (let s = 0; s < 3600; s += 5) h.insertMany([{ metric: 'lag', key: 'DC/dc-2', ts: start + s * 1000, value: s / 100 }]);
    const chunks = db.db.prepare('SELECT count(*) FROM history_chunks').pluck().get() as number;
    const rows = db.db.prepare('SELECT count(*) FROM history_samples').pluck().get() as number;
    expect(chunks).toBeGreaterThan(0);
    expect(rows).toBeLessThan(CHUNK_MS / 5000 + 1);
    const [series] = h.query({ metric: 'lag', range: '1h' }, NOW);
    expect(series.key).toBe('DC/dc-2');
    expect(series.points).toHaveLength(720);
    expect(series.points[0]).toEqual([start, 0]);
    expect(series.points.at(-1)).toEqual([start + 3595_000, 35.95]);
    const last15 = h.query({ metric: 'lag', range: '15m' }, NOW)[0].points;
    expect(last15[0][0]).toBeGreaterThanOrEqual(NOW - 15 * 60_000);
    expect(last15).toHaveLength(180);
  });

  it('downsamples to maxPoints and keeps null gaps', () => {
    const h = open();
    const samples = Array.from({ length: 20_000 }, (_, i) => ({ metric: 'lag' as const, key: 'DR/dr-2', ts: NOW - 20_000_000 + i * 1000, value: i >= 5000 && i < 5010 ? null : i % 13 }));
    h.insertMany(samples);
    const pts = h.query({ metric: 'lag', range: '24h', maxPoints: 200 }, NOW)[0].points;
    expect(pts.length).toBeGreaterThan(150);
    expect(pts.length).toBeLessThanOrEqual(201);
    expect(pts.filter(([, v]) => v === null)).toHaveLength(1);
  });

  it('late samples merge into an existing chunk', () => {
    const h = open();
    const t0 = Math.floor((NOW - 2 * CHUNK_MS) / CHUNK_MS) * CHUNK_MS;
    h.insertMany([{ metric: 'lag', key: 'k', ts: t0, value: 1 }, { metric: 'lag', key: 'k', ts: NOW, value: 3 }]);
    h.insertMany([{ metric: 'lag', key: 'k', ts: t0 + 1000, value: 2 }]);
    h.compact(Math.floor(NOW / CHUNK_MS) * CHUNK_MS);
    expect(h.query({ metric: 'lag', range: '1h' }, NOW)[0].points).toEqual([
      [t0, 1],
      [t0 + 1000, 2],
      [NOW, 3],
    ]);
  });

  it('records lag and oplog window of data-bearing members from an overview', () => {
    const h = open();
    const o = evaluate(healthy((dc) => void (dc[1] = { ...dc[1], lagSeconds: 4 })), ctx());
    h.recordOverview(o);
    const lag = h.query({ metric: 'lag', range: '15m' }, NOW);
    expect(lag.map((s) => s.key)).toEqual(['DC/dc-1', 'DC/dc-2', 'DR/dr-1', 'DR/dr-2']);
    expect(lag.find((s) => s.key === 'DC/dc-2')!.points).toEqual([[NOW, 4]]);
    expect(h.query({ metric: 'oplogWindow', range: '15m' }, NOW)[0].points).toEqual([[NOW, 48]]);
  });

  it('prunes what is older than the retention', () => {
    const h = open();
    const day = 86_400_000;
    h.insertMany([
      { metric: 'lag', key: 'k', ts: NOW - 9 * day, value: 1 },
      { metric: 'lag', key: 'k', ts: NOW - 8 * day, value: 1 },
      { metric: 'lag', key: 'k', ts: NOW - 1000, value: 2 },
    ]);
    expect(h.prune(7, NOW)).toBe(2);
    expect(h.query({ metric: 'lag', range: '7d' }, NOW)[0].points).toEqual([[NOW - 1000, 2]]);
  });
});
