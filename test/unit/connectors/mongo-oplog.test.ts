import { describe, expect, it } from 'vitest';
import { oplogWindow } from '../../../src/main/connectors/mongo-oplog';

const H = 3_600_000;

describe('oplogWindow', () => {
  it('a full (wrapped) oplog: the window is first → last entry', () => {
    const o = oplogWindow({ firstMs: 0, lastMs: 30 * H, usedBytes: 990, maxBytes: 1000, nowMs: 30 * H });
    expect(o).toMatchObject({ full: true, spanHours: 30, windowHours: 30 });
  });

  it('an oplog still filling: capacity at the rate it has filled since its first entry', () => {
    const o = oplogWindow({ firstMs: 0, lastMs: 1 * H, usedBytes: 100, maxBytes: 1000, nowMs: 2 * H });
    expect(o).toMatchObject({ full: false, spanHours: 1, windowHours: 20 });
  });

  it('a fresh set with one entry is not a zero window', () => {
    const o = oplogWindow({ firstMs: 1000, lastMs: 1000, usedBytes: 120, maxBytes: 64 * 1024 * 1024, nowMs: 3000 });
    expect(o.windowHours).toBeGreaterThan(24);
  });

  it('without a known size, the span is all there is', () => {
    expect(oplogWindow({ firstMs: 0, lastMs: 5 * H, usedBytes: null, maxBytes: null, nowMs: 6 * H })).toMatchObject({ full: null, windowHours: 5 });
  });
});
