import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupServiceOptions } from '../../../src/main/backup/service';
import { startLocalBed, until, type Desk, type LocalBed } from '../control/local-bed';

/**
 * Interval ↔ continuous on a running service, on the sandbox's DC and DR with the local landing: the switch
 * to continuous brings a DC write to DR with no cycle asked for; the switch back stops the tailer (no slice
 * closes any more); the choice is kept in the data directory (a restarted service runs it, and a running
 * one follows a change written by another process, as `drdesk backup mode` does); an unknown mode and a
 * mode fixed by the agent's flag are refused with their codes.
 */
const BIN = fileURLToPath(new URL('../../../bin/drdesk.mjs', import.meta.url));
let bed: LocalBed;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const OPTIONS: BackupServiceOptions = {
  controlLease: { ttlMs: 3_000, workstation: 'ws-mode', identity: 'ws-mode' },
  rpoSampleMs: 200,
  continuous: { sliceSeconds: 1, awaitMs: 300, retryMs: 300, retentionEveryMs: 2_000 },
};

beforeAll(async () => {
  bed = await startLocalBed({ sandbox: { periodicNoopIntervalMs: 0 } });
}, 60_000);

afterAll(async () => {
  await bed?.close();
}, 60_000);

const events = () => bed.dc.db('soar').collection<{ _id: string }>('events', { writeConcern: { w: 'majority' } });
const onDr = async (id: string) => (await bed.dr.db('soar').collection<{ _id: string }>('events').countDocuments({ _id: id })) === 1;
const captured = (d: Desk) => d.service.store.currentChain()?.capturedSeq ?? -1;
const logEvents = (d: Desk) =>
  readFileSync(join(d.dir, 'backup', 'backup.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { event: string; [k: string]: unknown });

describe('backup mode switch', () => {
  it('interval → continuous carries a DC write to DR without a cycle; back to interval stops the tailer; the choice survives a restart', async () => {
    await events().insertOne({ _id: 'seed' });
    let desk = bed.desk('ws', OPTIONS);
    const base = await desk.service.run('baseline', 'manual', true);
    expect(base.state, base.error?.message).toBe('ok');
    desk.service.start();
    expect(desk.service.status().schedule.mode).toEqual({ current: 'interval', source: 'default', sliceSeconds: 1, switching: null });
    const lastBefore = desk.service.store.recentCycles(1)[0].id;

    const on = desk.service.setMode('continuous', 'test');
    expect(on).toMatchObject({ mode: 'continuous', changed: true, message: expect.stringMatching(/^Switching to continuous mode/) });
    await until('the tailer running', 15_000, () => desk.service.status().live?.state === 'running');
    expect(desk.service.status().schedule).toMatchObject({ nextRunAt: null, mode: { current: 'continuous', source: 'setting', switching: null } });
    expect(desk.service.setMode('continuous', 'test')).toEqual({ mode: 'continuous', changed: false, message: expect.stringMatching(/^Already in continuous mode/) });
    // A cycle by hand is refused while the tailer runs: nobody but the tailer carries the write below.
    await expect(desk.service.run('cycle', 'manual', true)).rejects.toMatchObject({ code: 'BACKUP_BUSY' });

    const t0 = Date.now();
    await events().insertOne({ _id: 'live-1' });
    await until('the write on DR', 15_000, () => onDr('live-1'));
    const carriedMs = Date.now() - t0;
    expect(carriedMs).toBeLessThan(10_000);
    // The only cycle records since the switch are the tailer's segments, none started by the schedule or a hand.
    const since = desk.service.store.recentCycles(100).filter((c) => c.id > lastBefore);
    expect(since.length).toBeGreaterThan(0);
    expect(since.map((c) => c.trigger)).toEqual(since.map(() => 'agent'));

    const off = desk.service.setMode('interval', 'test');
    expect(off).toMatchObject({ mode: 'interval', changed: true, message: expect.stringMatching(/tailer stops at its next safe point/) });
    await until('the scheduler back', 10_000, () => desk.service.status().live === undefined && desk.service.status().schedule.nextRunAt !== null);
    const seq = captured(desk);
    await events().insertOne({ _id: 'after-off' });
    await sleep(3_000);
    expect(captured(desk), 'a slice closed after the switch back').toBe(seq);
    expect(await onDr('after-off')).toBe(false);
    const switched = logEvents(desk).filter((e) => e.event === 'mode-changed' || e.event === 'mode-switched');
    expect(switched.map((e) => [e.event, e.from, e.to])).toEqual([
      ['mode-changed', 'interval', 'continuous'],
      ['mode-switched', 'interval', 'continuous'],
      ['mode-changed', 'continuous', 'interval'],
      ['mode-switched', 'continuous', 'interval'],
    ]);
    expect(switched[0].by).toBe('test');

    // Another process (the CLI) writes the setting; the running service follows at its next sample.
    const cli = bed.desk('ws', OPTIONS);
    expect(cli.service.setMode('continuous', 'cli')).toMatchObject({ changed: true, message: expect.stringMatching(/^Saved: continuous mode/) });
    await until('the running service following', 10_000, () => desk.service.status().live?.state === 'running');
    await until('the waiting write on DR', 15_000, () => onDr('after-off'));
    await cli.close();

    // Restarted: the service runs the mode kept in the data directory.
    await desk.close();
    desk = bed.desk('ws', OPTIONS);
    expect(desk.service.status().schedule.mode).toMatchObject({ current: 'continuous', source: 'setting' });
    desk.service.start();
    await until('the tailer after the restart', 15_000, () => desk.service.status().live?.state === 'running');
    await events().insertOne({ _id: 'after-restart' });
    await until('the write after the restart on DR', 15_000, () => onDr('after-restart'));
    await desk.close();
  }, 120_000);

  it('refuses an unknown mode (BACKUP_MODE) and any change while the agent flag fixes the mode (BACKUP_MODE_FIXED)', async () => {
    const desk = bed.desk('plain', OPTIONS);
    expect(() => desk.service.setMode('hourly', 'test')).toThrow(expect.objectContaining({ code: 'BACKUP_MODE', message: expect.stringMatching(/"hourly" is not a backup mode/) }));
    expect(() => desk.service.setMode(undefined, 'test')).toThrow(expect.objectContaining({ code: 'BACKUP_MODE' }));
    const agent = bed.desk('agent', { ...OPTIONS, mode: 'continuous' });
    expect(agent.service.status().schedule.mode).toMatchObject({ current: 'continuous', source: 'agent' });
    expect(() => agent.service.setMode('interval', 'test')).toThrow(expect.objectContaining({ code: 'BACKUP_MODE_FIXED', message: expect.stringMatching(/--continuous: the agent's flag decides/) }));
    expect(agent.service.store.setting('mode')).toBeNull();
  });
});

/** `drdesk backup mode …` as an operator types it, on a topology file (the mode is a setting: nothing is connected). */
function drdesk(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stdout, stderr }));
  });
}

describe('drdesk backup mode', () => {
  it('shows the mode, sets it for the data directory (kept for the next call), refuses an unknown one', async () => {
    const dir = join(bed.dir, 'cli');
    mkdirSync(dir, { recursive: true });
    const topology = { ...(bed.sandbox.topology as object), sites: bed.topology.sites.map((s) => (s.role === 'dr' ? { ...s, ssh: [{ name: 'l', host: '127.0.0.1', port: 1, username: 'u', passwordSecret: 'p', hostKeySha256: `SHA256:${'A'.repeat(43)}` }] } : s)) };
    writeFileSync(join(dir, 'topology.json'), JSON.stringify(topology));
    const common = ['--topology', join(dir, 'topology.json'), '--data-dir', join(dir, 'data')];
    expect(await drdesk(['backup', 'mode', ...common])).toMatchObject({ code: 0, stdout: 'Mode: interval (cycles on the schedule), the default\n' });
    const set = await drdesk(['backup', 'mode', 'continuous', ...common]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toMatch(/^Saved: continuous mode .*\nMode: continuous \(DC's oplog tailed, a slice every 5 s\), chosen for this data directory\n$/s);
    const again = JSON.parse((await drdesk(['backup', 'mode', 'continuous', '--json', ...common])).stdout) as { changed: boolean; view: { current: string; source: string } };
    expect(again).toMatchObject({ changed: false, view: { current: 'continuous', source: 'setting' } });
    const bad = await drdesk(['backup', 'mode', 'hourly', ...common]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/BACKUP_MODE: "hourly" is not a backup mode/);
    expect((await drdesk(['backup', 'mode', 'interval', 'now', ...common])).code).toBe(3);
  }, 30_000);
});
