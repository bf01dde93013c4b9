import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { flags, strings, subcommand } from '../../../src/main/cli/subcommand';

const HELP = 'Usage: drdesk thing <start|stop> [--name N] [--json]\n';
const seen: unknown[] = [];
const thing = subcommand({ name: 'thing', help: HELP, options: { name: { type: 'string' }, json: { type: 'boolean' } }, subcommands: ['start', 'stop'], maxOperands: 1 }, async (call) => {
  seen.push(call);
  return 7;
});

afterEach(() => {
  seen.length = 0;
  vi.restoreAllMocks();
});

function stdout(): string[] {
  const out: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  return out;
}

describe('subcommand', () => {
  it('hands the body typed values, the subcommand and its operands', async () => {
    await expect(thing(['start', 'x', '--name', 'dc', '--json'])).resolves.toBe(7);
    expect(seen).toEqual([{ values: { name: 'dc', json: true }, sub: 'start', operands: ['x'] }]);
  });

  it('prints the help for --help and -h (exit 0) and when the subcommand is missing (exit 3), running nothing', async () => {
    const out = stdout();
    await expect(thing(['--help'])).resolves.toBe(0);
    await expect(thing(['stop', '-h'])).resolves.toBe(0);
    await expect(thing([])).resolves.toBe(3);
    expect(out).toEqual([HELP, HELP, HELP]);
    expect(seen).toEqual([]);
  });

  it('refuses an unknown subcommand, an unknown option, a missing option value and stray operands with USAGE', async () => {
    await expect(thing(['restart'])).rejects.toMatchObject({ code: 'USAGE', message: 'Unknown thing command "restart": use start or stop.' });
    await expect(thing(['start', '--force'])).rejects.toMatchObject({ code: 'USAGE', message: expect.stringContaining("'--force'") });
    await expect(thing(['start', '--name'])).rejects.toMatchObject({ code: 'USAGE' });
    await expect(thing(['start', 'a', 'b'])).rejects.toMatchObject({ code: 'USAGE', message: 'Unexpected arguments: b' });
    expect(seen).toEqual([]);
  });

  it('takes no operands at all by default', async () => {
    const plain = subcommand({ name: 'plain', help: HELP, options: {} }, async () => 0);
    await expect(plain([])).resolves.toBe(0);
    await expect(plain(['extra'])).rejects.toMatchObject({ code: 'USAGE', message: 'Unexpected arguments: extra' });
  });

  it('prints the help (exit 3) when a required operand is missing', async () => {
    const out = stdout();
    const one = subcommand({ name: 'one', help: HELP, options: {}, minOperands: 1 }, async ({ operands }) => operands.length);
    await expect(one([])).resolves.toBe(3);
    await expect(one(['x'])).resolves.toBe(1);
    await expect(one(['x', 'y'])).rejects.toMatchObject({ code: 'USAGE', message: 'Unexpected arguments: y' });
    expect(out).toEqual([HELP]);
  });

  it('builds option tables with strings() and flags(), typed for the body (the type check fails otherwise)', async () => {
    const typed = subcommand({ name: 'typed', help: HELP, options: { ...strings('topology', 'data-dir'), ...flags('json') } }, async ({ values }) => {
      expectTypeOf(values.topology).toEqualTypeOf<string | undefined>();
      expectTypeOf(values['data-dir']).toEqualTypeOf<string | undefined>();
      expectTypeOf(values.json).toEqualTypeOf<boolean | undefined>();
      return values.json && values.topology === 'x' ? 1 : 0;
    });
    await expect(typed(['--json', '--topology', 'x'])).resolves.toBe(1);
    await expect(typed(['--json', '--topology'])).rejects.toMatchObject({ code: 'USAGE' });
  });
});
