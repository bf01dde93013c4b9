import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir } from '../../../src/main/config/data-dir';
import { SettingsFile } from '../../../src/main/config/settings';

describe('SettingsFile', () => {
  it('reads nothing as {} and writes electron-store style JSON, keeping unknown keys', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'drdesk-settings-')), 'data');
    const s = new SettingsFile(dir);
    expect(s.read()).toEqual({});
    s.update({ topologyPath: '/etc/drdesk/topology.yaml' });
    writeFileSync(s.path, JSON.stringify({ ...JSON.parse(readFileSync(s.path, 'utf8')), windowBounds: { width: 800 } }));
    s.update({ topologyPath: '/other.yaml' });
    expect(s.read()).toEqual({ topologyPath: '/other.yaml', windowBounds: { width: 800 } });
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toContain('\t"topologyPath"');
    s.update({ topologyPath: undefined });
    expect(s.read()).toEqual({ windowBounds: { width: 800 } });
  });

  it('names a damaged file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drdesk-settings-'));
    writeFileSync(join(dir, 'config.json'), '{nope');
    expect(() => new SettingsFile(dir).read()).toThrow(/not valid JSON: fix or delete/);
    writeFileSync(join(dir, 'config.json'), '{"topologyPath": 3}');
    expect(() => new SettingsFile(dir).read()).toThrow(/topologyPath/);
  });

  it('defaults the data dir to DRDESK_DATA_DIR or the per-user config dir', () => {
    expect(defaultDataDir({ DRDESK_DATA_DIR: '/tmp/x' })).toBe('/tmp/x');
    if (process.platform === 'linux') expect(defaultDataDir({ XDG_CONFIG_HOME: '/home/u/.config' })).toBe('/home/u/.config/dr-desk');
  });
});
