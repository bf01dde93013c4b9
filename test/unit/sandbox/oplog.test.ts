import { Long, Timestamp } from 'bson';
import { describe, expect, it } from 'vitest';
import { compareOpTime, decodeSlot, formatTs, Oplog, tsToBig } from '../../../src/main/sandbox/oplog';

function entry(sec: number, inc: number, size = 0): Record<string, unknown> {
  return { op: 'i', ns: 'soar.events', o: { _id: `${sec}.${inc}`, pad: 'x'.repeat(size) }, ts: new Timestamp({ t: sec, i: inc }), t: Long.fromNumber(1), v: Long.fromNumber(2), wall: new Date(sec * 1000) };
}

describe('capped oplog', () => {
  it('keeps entries in ts order and finds them after a timestamp', () => {
    const o = new Oplog(1 << 20);
    for (let i = 1; i <= 5; i++) o.append(entry(100, i));
    expect(o.since(tsToBig(new Timestamp({ t: 100, i: 2 }))).map((s) => formatTs(s.ts))).toEqual(['100:3', '100:4', '100:5']);
    expect(o.since(tsToBig(new Timestamp({ t: 100, i: 2 })), true)).toHaveLength(4);
    expect(decodeSlot(o.last()!).o).toEqual({ _id: '100.5', pad: '' });
    expect(() => o.append(entry(100, 5))).toThrow(/ascend/);
  });

  it('drops the oldest entries past the size cap, so the window rolls over', () => {
    const o = new Oplog(10_000);
    for (let i = 1; i <= 100; i++) o.append(entry(200 + i, 1, 200));
    expect(o.sizeBytes).toBeLessThanOrEqual(10_000);
    expect(o.size).toBeLessThan(100);
    expect(formatTs(o.first()!.ts)).not.toBe('201:1');
    expect(formatTs(o.last()!.ts)).toBe('300:1');
  });

  it('truncates after a point for rollback', () => {
    const o = new Oplog(1 << 20);
    for (let i = 1; i <= 4; i++) o.append(entry(50, i));
    const removed = o.truncateAfter(tsToBig(new Timestamp({ t: 50, i: 2 })));
    expect(removed).toHaveLength(2);
    expect(formatTs(o.last()!.ts)).toBe('50:2');
    o.append(entry(50, 3));
    expect(o.size).toBe(3);
  });

  it('orders optimes by term, then timestamp', () => {
    expect(compareOpTime({ ts: 5n, t: 1 }, { ts: 6n, t: 1 })).toBe(-1);
    expect(compareOpTime({ ts: 5n, t: 2 }, { ts: 5n, t: 1 })).toBe(1);
    expect(compareOpTime({ ts: 9n, t: 1 }, { ts: 5n, t: 2 })).toBe(-1);
  });
});
