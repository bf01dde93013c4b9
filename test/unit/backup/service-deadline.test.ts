import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupService } from '../../../src/main/backup/service';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import { topologySchema } from '../../../src/shared/topology';

/** TCP servers that accept and never answer: every call to them hangs until its own timeout. */
const holes: Server[] = [];
const sockets: Socket[] = [];
const ports: number[] = [];
const dir = mkdtempSync(join(tmpdir(), 'drdesk-deadline-'));

beforeAll(async () => {
  for (let i = 0; i < 2; i++) {
    const hole = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => hole.listen(0, '127.0.0.1', r));
    holes.push(hole);
    ports.push((hole.address() as { port: number }).port);
  }
});
afterAll(async () => {
  sockets.forEach((s) => s.destroy());
  for (const h of holes) await new Promise((r) => h.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('a cycle past its deadline', () => {
  it('is recorded failed at the deadline, not left running, and no second cycle starts while it unwinds', async () => {
    const member = (name: string, port: number) => ({ name, host: '127.0.0.1', port, role: 'primary' as const });
    const topology = topologySchema.parse({
      sites: [
        { name: 'DC', role: 'dc', replicaSets: [{ name: 'rs-dc', members: [member('dc-1', ports[0])] }] },
        { name: 'DR', role: 'dr', replicaSets: [{ name: 'rs-dr', members: [member('dr-1', ports[1])] }], ssh: [{ name: 'l', host: '127.0.0.1', port: ports[1], username: 'u', passwordSecret: 'p' }] },
      ],
    });
    const db = new Database(':memory:');
    const service = new BackupService({ topology, secrets: new MemorySecretStore(), db, dataDir: dir, options: { cycleDeadlineMs: 300, baselineDeadlineMs: 300, timeoutMs: 2_000 } });
    const started = Date.now();
    const run = service.run('baseline', 'manual', true);
    await new Promise((r) => setTimeout(r, 600));
    const rec = service.store.recentCycles(1)[0];
    expect(rec).toMatchObject({ state: 'failed', error: { code: 'CYCLE_DEADLINE' } });
    expect(service.status().running?.message).toMatch(/Deadline passed/);
    await expect(service.run('cycle', 'manual', true)).rejects.toMatchObject({ code: 'BACKUP_BUSY' });
    const final = await run;
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    expect(final).toMatchObject({ state: 'failed', error: { code: 'CYCLE_DEADLINE' } });
    expect(service.status().running).toBeNull();
    expect(service.status().recentCycles[0].state).toBe('failed');
    const second = new BackupService({ topology, secrets: new MemorySecretStore(), db, dataDir: dir });
    expect(second.store.recentCycles(5).every((c) => c.state !== 'running')).toBe(true);
  });

  it('a cycle left "running" by a process that died is failed at the next start-up', () => {
    const db = new Database(':memory:');
    const topology = topologySchema.parse({ sites: [{ name: 'DC', role: 'dc', replicaSets: [{ name: 'rs', members: [{ name: 'a', host: 'h', port: 1, role: 'primary' }] }] }] });
    const first = new BackupService({ topology, secrets: new MemorySecretStore(), db, dataDir: dir });
    first.store.startCycle('cycle', 'schedule', new Date(Date.now() + 60_000));
    const next = new BackupService({ topology, secrets: new MemorySecretStore(), db, dataDir: dir });
    expect(next.store.recentCycles(1)[0]).toMatchObject({ state: 'failed', error: { code: 'CYCLE_INTERRUPTED' } });
  });
});
