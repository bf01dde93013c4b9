import { describe, expect, it } from 'vitest';
import { parseFault } from '../../../src/main/sandbox/faults';

describe('fault requests', () => {
  it('accepts the documented shapes', () => {
    expect(parseFault({ action: 'kill', target: 'dc-1' })).toEqual({ action: 'kill', target: 'dc-1' });
    expect(parseFault({ action: 'partition', target: 'dc-1', from: 'DC' }).from).toBe('DC');
    expect(parseFault({ action: 'lag', target: 'dc-2', ms: 5000 }).ms).toBe(5000);
    expect(parseFault({ action: 'app', target: 'DR', running: true }).running).toBe(true);
  });

  it.each([
    [{ action: 'explode', target: 'dc-1' }, /^action: one of kill/],
    [{ action: 'kill' }, /^target:/],
    [{ action: 'lag', target: 'dc-2' }, /^ms: "lag" needs/],
    [{ action: 'slow', target: 'dc-2', ms: -1 }, /^ms:/],
    [{ action: 'app', target: 'DR' }, /^running:/],
    [{ action: 'kill', target: 'dc-1', extra: 1 }, /extra/],
    ['kill dc-1', /^body:/],
  ])('%j is refused with a message naming the field', (input, message) => {
    expect(() => parseFault(input)).toThrow(message);
  });
});
