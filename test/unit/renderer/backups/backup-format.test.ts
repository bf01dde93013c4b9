import { describe, expect, it } from 'vitest';
import type { SliceView } from '../../../../src/shared/api/backup';
import { axisTop, formatBytes, formatTs, liveRpoText, shortSha, sliceLook } from '../../../../src/renderer/pages/backups/backup-format';

const slice = (patch: Partial<SliceView>): SliceView => ({
  chainId: 'c',
  seq: 1,
  kind: 'increment',
  state: 'captured',
  fromTs: '1:1',
  toTs: '2:1',
  count: 1,
  bytes: 1,
  sha256: 'a'.repeat(64),
  manifestSha256: 'b'.repeat(64),
  prevManifestSha256: 'c'.repeat(64),
  dcVersion: '7.0.0',
  createdAt: '2026-11-23T08:00:00Z',
  shippedAt: null,
  verifiedAt: null,
  appliedAt: null,
  lastWall: null,
  shipAttempts: 0,
  problem: null,
  blocked: false,
  ...patch,
});

describe('Backups page formatting', () => {
  it('writes sizes in binary units with about three significant digits', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(47.9 * 1024)).toBe('47.9 KiB');
    expect(formatBytes(409 * 1024)).toBe('409 KiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.00 GiB');
    expect(formatBytes(null)).toBe('—');
  });

  it('shortens a sha256 to its ends and shows an oplog position with its time', () => {
    expect(shortSha('0123456789abcdef'.repeat(4))).toBe('01234567…cdef');
    expect(shortSha(null)).toBe('—');
    const at = Date.parse('2026-11-23T08:18:05Z');
    expect(formatTs(`${at / 1000}:2`, at)).toMatch(new RegExp(`\\(${at / 1000}:2\\)$`));
    expect(formatTs(null, at)).toBe('—');
  });

  it('draws a slice held back by a gap as blocked, but a failed slice as failed', () => {
    expect(sliceLook(slice({ state: 'verified' }))).toBe('verified');
    expect(sliceLook(slice({ state: 'verified', blocked: true }))).toBe('blocked');
    expect(sliceLook(slice({ state: 'failed', blocked: true }))).toBe('failed');
  });

  it('tops the RPO axis above twice the target, at a round value', () => {
    expect(axisTop(0, 90)).toBe(240);
    expect(axisTop(500, 90)).toBe(600);
    expect(axisTop(5000, 90)).toBe(5400);
    expect(axisTop(40, 10)).toBe(40);
  });
});

describe('liveRpoText', () => {
  const live = { mode: 'continuous', state: 'running', seconds: 4.2, basis: 'tailer', level: 'green', targetSeconds: 90, dcNewestWrite: null, drNewestApplied: null, p50: 3.5, p95: 5.8, max: 7.1, samples: 600, windowSeconds: 900 } as const;
  it('says the live figure, its spread over the window and the target', () => {
    expect(liveRpoText({ ...live })).toBe('Live RPO 4.2 s / target 1 min 30 s · p50 3.5 s, p95 5.8 s, max 7.1 s over 15 min');
  });
  it('says when DC is lost and the figure grows, and when the desk waits for the lease', () => {
    expect(liveRpoText({ ...live, basis: 'stale', seconds: 42 })).toMatch(/^Live RPO 42 s and growing — DC is unreachable/);
    expect(liveRpoText({ ...live, state: 'waiting', samples: 0 })).toBe('Live RPO 4.2 s / target 1 min 30 s · waiting for the lease');
  });
});
