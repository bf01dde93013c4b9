import { describe, expect, it } from 'vitest';
import type { BackupControlView } from '../../../../src/shared/api/backup';
import { leaseLook } from '../../../../src/renderer/pages/backups/backup-format';

const view = (patch: Partial<BackupControlView>): BackupControlView => ({
  sentence: '',
  holder: { workstation: '/home/alice/.config/drdesk', identity: 'alice', hostname: 'host-a', pid: 4242 },
  heartbeatAgeSeconds: 12,
  expired: false,
  mine: false,
  ttlSeconds: 60,
  term: 3,
  chain: null,
  executions: [],
  ...patch,
});

describe('who runs the backups, on the Backups page', () => {
  const at = Date.parse('2026-12-03T12:00:00Z');
  it('names the holder and its heartbeat, counted on from the read', () => {
    const l = leaseLook(view({}), at, at + 3_400);
    expect(l.sentence).toBe('Backups are run by alice on host-a (last heartbeat 15 s ago).');
    expect(l.pill).toEqual({ label: 'running a cycle', level: 'green' });
    expect(l.canTakeOver).toBe(false);
  });

  it('a lease given up after a cycle is not a stopped holder: no take-over', () => {
    const l = leaseLook(view({ expired: true, heartbeatAgeSeconds: 5 }), at, at);
    expect(l.pill?.label).toBe('between cycles');
    expect(l.canTakeOver).toBe(false);
  });

  it('a heartbeat older than the time to live offers the take-over, but never to the holder itself', () => {
    const stale = leaseLook(view({ expired: true, heartbeatAgeSeconds: 50 }), at, at + 10_000);
    expect(stale.pill).toEqual({ label: 'heartbeat stopped', level: 'yellow' });
    expect(stale.canTakeOver).toBe(true);
    const mine = leaseLook(view({ expired: true, heartbeatAgeSeconds: 90, mine: true }), at, at);
    expect(mine.sentence).toBe('Backups are run by this workstation (last heartbeat 90 s ago).');
    expect(mine.canTakeOver).toBe(false);
  });

  it('says so when nobody has taken the lease yet', () => {
    expect(leaseLook(view({ holder: null, heartbeatAgeSeconds: null }), at, at)).toMatchObject({ sentence: 'No workstation or agent has taken the backup lease yet.', canTakeOver: false, pill: null });
  });
});
