import { RANGE_MS, type HistoryMetric, type HistoryQuery, type Overview, type Series } from '../../shared/monitor';
import type { DeskDatabase } from '../store/database';
import { CHUNK_MS, chunkStart, concat, mergeSorted, packFloat64, unpackFloat64 } from './history-chunks';
import { downsample } from './lttb';

export const DEFAULT_MAX_POINTS = 1000;

const MIGRATIONS = [
  `CREATE TABLE history_series (id INTEGER PRIMARY KEY, metric TEXT NOT NULL, key TEXT NOT NULL, UNIQUE (metric, key));
   CREATE TABLE history_samples (series INTEGER NOT NULL REFERENCES history_series(id), ts INTEGER NOT NULL, value REAL, PRIMARY KEY (series, ts)) WITHOUT ROWID;
   CREATE TABLE history_chunks (series INTEGER NOT NULL REFERENCES history_series(id), start INTEGER NOT NULL, ts BLOB NOT NULL, vals BLOB NOT NULL, PRIMARY KEY (series, start)) WITHOUT ROWID;`,
];

export interface Sample {
  metric: HistoryMetric;
  key: string;
  ts: number;
  value: number | null;
}

/**
 * Observation history in SQLite (WAL): a series is one metric of one member ("lag" of "DC/dc-2"). New samples
 * go in as rows; once their 10-minute window has passed they are packed into a chunk (see history-chunks).
 * Queries return every series of a metric over a range, downsampled with LTTB in the engine.
 */
export class HistoryStore {
  private readonly seriesIds = new Map<string, number>();
  private compactedBefore = 0;
  private readonly stmt;

  constructor(private readonly database: DeskDatabase) {
    database.migrate('history', MIGRATIONS);
    const db = database.db;
    this.stmt = {
      insert: db.prepare('INSERT OR REPLACE INTO history_samples (series, ts, value) VALUES (?, ?, ?)'),
      findSeries: db.prepare('SELECT id FROM history_series WHERE metric = ? AND key = ?').pluck(),
      addSeries: db.prepare('INSERT INTO history_series (metric, key) VALUES (?, ?)'),
      allSeries: db.prepare('SELECT id FROM history_series').pluck(),
      seriesOf: db.prepare('SELECT id, key FROM history_series WHERE metric = ? ORDER BY key'),
      rowsBefore: db.prepare('SELECT ts, value FROM history_samples WHERE series = ? AND ts < ? ORDER BY ts').raw(true),
      deleteRowsBefore: db.prepare('DELETE FROM history_samples WHERE series = ? AND ts < ?'),
      rowsBetween: db.prepare('SELECT ts, value FROM history_samples WHERE series = ? AND ts >= ? AND ts <= ? ORDER BY ts').raw(true),
      chunk: db.prepare('SELECT ts, vals FROM history_chunks WHERE series = ? AND start = ?').raw(true),
      putChunk: db.prepare('INSERT OR REPLACE INTO history_chunks (series, start, ts, vals) VALUES (?, ?, ?, ?)'),
      chunksBetween: db.prepare('SELECT ts, vals FROM history_chunks WHERE series = ? AND start >= ? AND start <= ? ORDER BY start').raw(true),
      deleteChunksBefore: db.prepare('DELETE FROM history_chunks WHERE series = ? AND start < ?'),
    };
  }

  private seriesId(metric: HistoryMetric, key: string): number {
    const k = `${metric}\u0000${key}`;
    let id = this.seriesIds.get(k);
    if (id === undefined) {
      id = (this.stmt.findSeries.get(metric, key) as number | undefined) ?? Number(this.stmt.addSeries.run(metric, key).lastInsertRowid);
      this.seriesIds.set(k, id);
    }
    return id;
  }

  /** Writes samples in one transaction, and packs the windows that have closed. */
  insertMany(samples: ReadonlyArray<Sample>): void {
    let newest = 0;
    this.database.db.transaction(() => {
      for (const s of samples) {
        this.stmt.insert.run(this.seriesId(s.metric, s.key), s.ts, s.value);
        if (s.ts > newest) newest = s.ts;
      }
    })();
    const open = chunkStart(newest);
    if (open > this.compactedBefore) this.compact(open);
  }

  /** Packs every row older than `before` (a window start) into chunks, merging with chunks already there. */
  compact(before: number): void {
    const db = this.database.db;
    db.transaction(() => {
      for (const id of this.stmt.allSeries.all() as number[]) {
        const rows = this.stmt.rowsBefore.all(id, before) as Array<[number, number | null]>;
        if (!rows.length) continue;
        const groups = new Map<number, Array<[number, number | null]>>();
        for (const r of rows) {
          const c = chunkStart(r[0]);
          let g = groups.get(c);
          if (!g) groups.set(c, (g = []));
          g.push(r);
        }
        for (const [start, g] of groups) {
          const fresh = { ts: Float64Array.from(g, (r) => r[0]), vals: Float64Array.from(g, (r) => (r[1] === null ? NaN : r[1])) };
          const old = this.stmt.chunk.get(id, start) as [Buffer, Buffer] | undefined;
          const merged = old ? mergeSorted([{ ts: unpackFloat64(old[0]), vals: unpackFloat64(old[1]) }, fresh]) : fresh;
          this.stmt.putChunk.run(id, start, packFloat64(merged.ts), packFloat64(merged.vals));
        }
        this.stmt.deleteRowsBefore.run(id, before);
      }
    })();
    this.compactedBefore = before;
  }

  /** The lag and oplog window of every data-bearing member at the time of the poll. */
  recordOverview(o: Overview): void {
    if (!o.polledAt) return;
    const ts = Date.parse(o.polledAt);
    const samples: Sample[] = [];
    for (const site of o.sites)
      for (const rs of site.replicaSets)
        for (const m of rs.members) {
          if (m.expectedRole === 'arbiter') continue;
          const key = `${site.name}/${m.name}`;
          samples.push({ metric: 'lag', key, ts, value: m.reachable || m.health === 1 ? m.lagSeconds : null });
          samples.push({ metric: 'oplogWindow', key, ts, value: m.reachable ? m.oplogWindowHours : null });
        }
    this.insertMany(samples);
  }

  /** Every series of the metric over the range ending at `now`, each downsampled to about maxPoints. */
  query(q: HistoryQuery, now = Date.now()): Series[] {
    const from = now - RANGE_MS[q.range];
    const max = q.maxPoints ?? DEFAULT_MAX_POINTS;
    const out: Series[] = [];
    for (const s of this.stmt.seriesOf.all(q.metric) as Array<{ id: number; key: string }>) {
      const ts: Float64Array[] = [];
      const vals: Float64Array[] = [];
      for (const [t, v] of this.stmt.chunksBetween.all(s.id, chunkStart(from), now) as Array<[Buffer, Buffer]>) {
        ts.push(unpackFloat64(t));
        vals.push(unpackFloat64(v));
      }
      const rows = this.stmt.rowsBetween.all(s.id, from, now) as Array<[number, number | null]>;
      ts.push(Float64Array.from(rows, (r) => r[0]));
      vals.push(Float64Array.from(rows, (r) => (r[1] === null ? NaN : r[1])));
      const allTs = concat(ts);
      const allVals = concat(vals);
      let lo = 0;
      while (lo < allTs.length && allTs[lo] < from) lo++;
      let hi = allTs.length;
      while (hi > lo && allTs[hi - 1] > now) hi--;
      if (hi > lo) out.push({ key: s.key, points: downsample(allTs.subarray(lo, hi), allVals.subarray(lo, hi), max) });
    }
    return out;
  }

  /** Deletes samples older than the retention (whole chunks; a chunk straddling the limit stays). */
  prune(retentionDays: number, now = Date.now()): number {
    const before = now - retentionDays * 86_400_000;
    return this.database.db.transaction(() =>
      (this.stmt.allSeries.all() as number[]).reduce(
        (n, id) => n + this.stmt.deleteRowsBefore.run(id, before).changes + this.stmt.deleteChunksBefore.run(id, chunkStart(before) - CHUNK_MS + 1).changes,
        0,
      ),
    )();
  }
}
