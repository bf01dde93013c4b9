import { chmodSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { securePrivateDir, securePrivateFile } from '../../../src/main/config/data-dir-modes';

const mode = (p: string) => statSync(p).mode & 0o7777;

describe.skipIf(process.platform === 'win32')('data directory modes', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const temp = () => {
    const d = mkdtempSync(join(tmpdir(), 'drdesk-modes-u-'));
    dirs.push(d);
    return d;
  };

  it('tightens a 0755 directory and a 0644 file; creates a missing directory 0700', () => {
    const d = temp();
    chmodSync(d, 0o755);
    writeFileSync(join(d, 'roster.json'), '{}', { mode: 0o644 });
    chmodSync(join(d, 'roster.json'), 0o644);
    securePrivateDir(d);
    securePrivateFile(join(d, 'roster.json'));
    expect(mode(d)).toBe(0o700);
    expect(mode(join(d, 'roster.json'))).toBe(0o600);
    securePrivateDir(join(d, 'new', 'deeper'));
    expect(mode(join(d, 'new', 'deeper'))).toBe(0o700);
  });

  it('never changes a shared sticky directory such as /tmp, nor the target of a symlink', () => {
    const d = temp();
    chmodSync(d, 0o1777);
    securePrivateDir(d);
    expect(mode(d)).toBe(0o1777);
    const outside = join(temp(), 'elsewhere.txt');
    writeFileSync(outside, 'x');
    chmodSync(outside, 0o644);
    symlinkSync(outside, join(d, 'settings.json'));
    securePrivateFile(join(d, 'settings.json'));
    expect(mode(outside)).toBe(0o644);
  });
});
