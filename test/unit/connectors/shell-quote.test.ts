import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellCommand, shellQuote } from '../../../src/main/connectors/shell-quote';
import { DeskError } from '../../../src/shared/errors';

describe('shell quoting', () => {
  it('leaves plain words alone and quotes everything else', () => {
    expect(shellQuote('/var/backups/drdesk')).toBe('/var/backups/drdesk');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });

  it('turns hostile values into exactly one word for /bin/sh', () => {
    const hostile = [
      '; rm -rf /',
      '$(touch /tmp/pwned)',
      '`id`',
      "'; echo owned; '",
      'a\nb',
      '"double" and \\backslash\\',
      '*',
      '-rf',
      '~root',
      '$HOME',
      'x|y&z>w<v',
      '\t tab',
      'ünïcödé ✓',
    ];
    for (const value of hostile) {
      const out = execFileSync('/bin/sh', ['-c', shellCommand(['printf', '%s\\0', value, 'end'])]);
      expect(out.toString('utf8')).toBe(`${value}\0end\0`);
    }
  });

  it('refuses NUL bytes and empty commands with a code', () => {
    expect(() => shellQuote('a\0b')).toThrow(DeskError);
    expect(() => shellCommand([])).toThrow(/at least the program/);
  });
});
