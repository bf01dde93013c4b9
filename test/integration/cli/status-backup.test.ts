import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Overview } from '../../../src/shared/monitor';
import { drdesk } from './cli-process';

const env = { DRDESK_DATA_DIR: mkdtempSync(join(tmpdir(), 'drdesk-status-backup-')) };

describe('drdesk status includes the backup readiness', () => {
  it('a fresh sandbox has healthy replication but no baseline: exit 2, and the reason is named', async () => {
    const text = await drdesk(['status', '--sandbox'], { env });
    expect(text.code).toBe(2);
    expect(text.stdout).toContain('Backup: RED — DR holds no copy of DC');
    expect(text.stdout).toMatch(/Worst: No baseline has been taken/);
    expect(text.stdout).toMatch(/RED +BACKUP_CHAIN_BROKEN +No baseline has been taken/);

    const json = await drdesk(['status', '--sandbox', '--json'], { env });
    expect(json.code).toBe(2);
    const o = JSON.parse(json.stdout) as Overview;
    // The red comes from the backup alone; replication on a fresh sandbox may still read yellow under load.
    expect(o.sites.every((s) => s.status.level !== 'red'), JSON.stringify(o.sites.map((s) => s.status))).toBe(true);
    expect(o.status.reasons.map((r) => r.code)).toContain('BACKUP_CHAIN_BROKEN');
    expect(o.status.level).toBe('red');
    expect(o.activeSite).toBe('DC');
    expect(o.backup).toMatchObject({ from: 'DC', to: 'DR', coveredUntil: null });
  });
});
