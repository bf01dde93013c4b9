import { describe, expect, it } from 'vitest';
import { linePath } from '../../../src/shared/chart-scale';

describe('linePath', () => {
  it('lifts the pen at a missing sample, so a gap in the data is never drawn as a line', () => {
    const pts = [{ t: 0, v: 1 }, { t: 1, v: 2 }, { t: 2, v: null }, { t: 3, v: 4 }];
    expect(linePath(pts, (p) => p.v, (t) => t * 10, (v) => 100 - v)).toBe('M0.0,99.0 L10.0,98.0 M30.0,96.0');
    expect(linePath([{ t: 0, v: null }], (p) => p.v, (t) => t, (v) => v)).toBe('');
  });
});
