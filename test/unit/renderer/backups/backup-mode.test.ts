import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { BackupControlView, BackupModeChange, BackupModeView } from '../../../../src/shared/api/backup';
import type { ActionState } from '../../../../src/renderer/app/use-action';
import { ModeChoice, whyModeLocked } from '../../../../src/renderer/pages/backups/BackupMode';
import { DeskError } from '../../../../src/shared/errors';

const view = (over: Partial<BackupModeView> = {}): BackupModeView => ({ current: 'interval', source: 'default', sliceSeconds: 5, switching: null, ...over });
const control = (over: Partial<BackupControlView>): BackupControlView => ({
  sentence: '',
  holder: { workstation: 'ws-b', identity: 'zoe', hostname: 'laptop', pid: 7 },
  heartbeatAgeSeconds: 3,
  expired: false,
  mine: false,
  ttlSeconds: 60,
  term: 4,
  chain: null,
  executions: [],
  ...over,
});

function render(props: { v?: BackupModeView; locked?: string | null; picked?: 'interval' | 'continuous' | null; action?: ActionState<BackupModeChange> }): string {
  return renderToStaticMarkup(
    h(ModeChoice, { view: props.v ?? view(), intervalMinutes: 15, locked: props.locked ?? null, picked: props.picked ?? null, action: props.action ?? { kind: 'idle' }, onPick: () => {}, onConfirm: () => {} }),
  );
}

describe('backup mode control', () => {
  it('locks with the reason: not configured, the agent flag, another holder, a switch under way; not for this desk or an expired lease', () => {
    expect(whyModeLocked(view(), undefined, false)).toMatch(/not configured/);
    expect(whyModeLocked(view({ source: 'agent', current: 'continuous' }), undefined, true)).toMatch(/^Fixed by the agent's --continuous flag: the agent's flag decides/);
    expect(whyModeLocked(view(), control({}), true)).toBe('Backups are run by zoe on laptop now: switch the mode there, or take the backups over first.');
    expect(whyModeLocked(view({ switching: 'cycle #12 to finish' }), undefined, true)).toBe('Switching: waiting for cycle #12 to finish.');
    expect(whyModeLocked(view(), control({ mine: true }), true)).toBeNull();
    expect(whyModeLocked(view(), control({ expired: true }), true)).toBeNull();
    expect(whyModeLocked(view(), control({ holder: null, expired: true }), true)).toBeNull();
    expect(whyModeLocked(view(), undefined, true)).toBeNull();
  });

  it('shows both options with their explanation, the current one checked, and no confirm step until the other is picked', () => {
    const html = render({});
    expect(html).toContain('data-mode="interval"');
    expect(html).toMatch(/checked="" value="interval"/);
    expect(html).not.toMatch(/checked="" value="continuous"/);
    expect(html).toContain('Cycles on the schedule, every 15 min: RPO up to the interval.');
    expect(html).toContain('DC&#x27;s oplog tailed: a slice every 5 s, RPO in seconds.');
    expect(html).not.toContain('mode-confirm');
    expect(html).not.toMatch(/<fieldset[^>]*disabled/);
  });

  it('picked: the other option checked and the confirm step saying what happens; locked: disabled with the reason and no confirm step', () => {
    const picked = render({ picked: 'continuous' });
    expect(picked).toMatch(/checked="" value="continuous"/);
    expect(picked).toContain('data-testid="mode-confirm"');
    expect(picked).toMatch(/The schedule stops \(a cycle in progress finishes first\)/);
    expect(picked).toContain('>Switch to continuous</button>');
    const back = render({ v: view({ current: 'continuous', source: 'setting' }), picked: 'interval' });
    expect(back).toMatch(/The tailer stops at its next safe point .* cycles run every 15 min\./);
    const locked = render({ picked: 'continuous', locked: 'Fixed by the agent.' });
    expect(locked).toMatch(/<fieldset class="mode-options" disabled=""/);
    expect(locked).toContain('data-testid="mode-locked">Fixed by the agent.</p>');
    expect(locked).not.toContain('mode-confirm');
  });

  it('pending, done and failed', () => {
    const busy = render({ picked: 'continuous', action: { kind: 'busy', label: 'Switch to continuous' } });
    expect(busy).toContain('Switching…');
    expect(busy).toMatch(/<button type="button" class="primary" disabled="">Switch to continuous/);
    const done: ActionState<BackupModeChange> = { kind: 'done', label: 'x', value: { mode: 'continuous', changed: true, message: 'Switching to continuous mode.' } };
    // The answer comes before the switch finished: its sentence until the status runs the new mode.
    expect(render({ action: done, v: view({ current: 'continuous', switching: 'the schedule to stop' }) })).toContain('<span class="outcome ok">Switching to continuous mode.</span>');
    expect(render({ action: done, v: view({ current: 'continuous' }) })).toContain('<span class="outcome ok">Now in continuous mode.</span>');
    const noop: ActionState<BackupModeChange> = { kind: 'done', label: 'x', value: { mode: 'interval', changed: false, message: 'Already in interval mode.' } };
    expect(render({ action: noop })).toContain('<span class="outcome ok">Already in interval mode.</span>');
    const err = new DeskError('BACKUP_MODE_FIXED', 'The agent decides.');
    expect(render({ action: { kind: 'failed', label: 'x', code: err.code, message: err.message, error: err } })).toContain('<span class="outcome error">BACKUP_MODE_FIXED: The agent decides.</span>');
  });
});
