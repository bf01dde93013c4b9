import { describe, expect, it } from 'vitest';
import { downsample, lttb, type Point } from '../../../src/main/monitor/lttb';

describe('LTTB', () => {
  it('returns short series unchanged', () => {
    const pts: Point[] = [
      [1, 1],
      [2, 5],
      [3, 2],
    ];
    expect(lttb(pts, 10)).toEqual(pts);
  });

  it('keeps first and last, returns exactly the threshold, in time order', () => {
    const pts: Point[] = Array.from({ length: 10_000 }, (_, i) => [i * 1000, Math.sin(i / 100)]);
    const out = lttb(pts, 500);
    expect(out).toHaveLength(500);
    expect(out[0]).toEqual(pts[0]);
    expect(out.at(-1)).toEqual(pts.at(-1));
    for (let i = 1; i < out.length; i++) expect(out[i][0]).toBeGreaterThan(out[i - 1][0]);
  });

  it('keeps a lone spike that averaging would flatten', () => {
    const pts: Point[] = Array.from({ length: 86_400 }, (_, i) => [i * 1000, i === 43_210 ? 500 : 1]);
    const out = lttb(pts, 1000);
    expect(out.some(([x, y]) => x === 43_210_000 && y === 500)).toBe(true);
  });

  it('keeps gaps as one null point each and spends the budget on the data', () => {
    const pts: Point[] = Array.from({ length: 3000 }, (_, i) => [i, i >= 1000 && i < 1100 ? null : i % 7]);
    const out = lttb(pts, 300);
    const nulls = out.filter(([, y]) => y === null);
    expect(nulls).toEqual([[1099, null]]);
    expect(out.length).toBeLessThanOrEqual(302);
    expect(out.length).toBeGreaterThan(250);
  });

  it('a series of only gaps gives no points', () => {
    expect(downsample(Float64Array.of(1, 2, 3), Float64Array.of(NaN, NaN, NaN), 2)).toEqual([]);
  });

  it('downsamples 24 h at 1 s (86,400 points) to 1000', () => {
    const xs = Float64Array.from({ length: 86_400 }, (_, i) => i * 1000);
    const ys = Float64Array.from({ length: 86_400 }, (_, i) => Math.abs(Math.sin(i / 600)) * 20);
    expect(downsample(xs, ys, 1000)).toHaveLength(1000);
  });
});

describe('LTTB gaps at the edges', () => {
  it('marks a gap before the first and after the last run', () => {
    const pts: Point[] = [
      [1, null],
      [2, 5],
      [3, 6],
      [4, null],
      [5, null],
    ];
    expect(lttb(pts, 100)).toEqual([
      [1, null],
      [2, 5],
      [3, 6],
      [4, null],
    ]);
  });
});
