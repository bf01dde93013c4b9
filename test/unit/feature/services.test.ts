import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDesk, type Desk } from '../../../src/main/desk';
import { serviceId, type DeskFeature, type ServiceId } from '../../../src/main/feature/contract';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import { twoSiteTopology } from '../runbooks/fixtures';

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

async function deskWith(features: DeskFeature[]): Promise<Desk> {
  const dir = mkdtempSync(join(tmpdir(), 'drdesk-services-'));
  dirs.push(dir);
  const topology = join(dir, 'topology.json');
  writeFileSync(topology, JSON.stringify(twoSiteTopology()));
  return createDesk({ dataDir: join(dir, 'data'), topologyPath: topology, secretStore: new MemorySecretStore(), autoStart: false, features });
}

describe('Desk services', () => {
  it('builds a service once per Desk, whichever feature asks first, and closes services newest first after the features', async () => {
    const log: string[] = [];
    let built = 0;
    const CLOCK = serviceId('clock', () => ({ n: ++built }), async () => void log.push('close clock'));
    const AUDIT: ServiceId<{ clock: { n: number } }> = serviceId('audit', (ctx) => ({ clock: ctx.services.get(CLOCK) }), async () => void log.push('close audit'));
    const first: DeskFeature = (ctx) => ({ close: async () => void log.push(`close first (audit sees clock ${ctx.services.get(AUDIT).clock.n})`) });
    const second: DeskFeature = (ctx) => {
      expect(ctx.services.get(CLOCK)).toBe(ctx.services.get(AUDIT).clock);
      return { close: async () => void log.push('close second') };
    };
    const desk = await deskWith([first, second]);
    expect(desk.services.get(AUDIT).clock.n).toBe(1);
    expect(built).toBe(1);
    const other = await deskWith([]);
    expect(other.services.get(CLOCK).n).toBe(2);
    await desk.close();
    await other.close();
    expect(log.slice(0, 4)).toEqual(['close second', 'close first (audit sees clock 1)', 'close audit', 'close clock']);
  });

  it('refuses two services that need each other with SERVICE_CYCLE instead of recursing', async () => {
    const A: ServiceId<unknown> = serviceId('a', (ctx) => ctx.services.get(B));
    const B: ServiceId<unknown> = serviceId('b', (ctx) => ctx.services.get(A));
    const desk = await deskWith([]);
    try {
      expect(() => desk.services.get(A)).toThrow(expect.objectContaining({ code: 'SERVICE_CYCLE' }));
    } finally {
      await desk.close();
    }
  });
});
