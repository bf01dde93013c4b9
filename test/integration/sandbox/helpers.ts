import { MongoClient, type MongoClientOptions } from 'mongodb';
import { afterAll, beforeAll } from 'vitest';
import { startSandbox, type Sandbox } from '../../../src/main/sandbox';
import type { SandboxOptions } from '../../../src/main/sandbox/types';

/** Documents with any _id (the driver's default typing wants ObjectId). */
export type AnyDoc = { _id?: string | number } & Record<string, unknown>;

/** Connection strings and small waits shared by the sandbox integration tests. */
/** A sandbox for the tests of one describe block: started before them (handed to `set`), stopped after. */
export function withSandbox(options: SandboxOptions, set: (sb: Sandbox) => void): void {
  let sb: Sandbox | undefined;
  beforeAll(async () => {
    sb = await startSandbox(options);
    set(sb);
  });
  afterAll(async () => {
    await sb?.stop();
  });
}

export function setUri(sb: Sandbox, site = 'DC', extra = ''): string {
  const s = sb.description.sites.find((x) => x.name === site)!;
  return `mongodb://${s.members.map((m) => m.host).join(',')}/?replicaSet=${s.replicaSet}${extra}`;
}

export function memberHost(sb: Sandbox, name: string): string {
  for (const s of sb.description.sites) for (const m of s.members) if (m.name === name) return m.host;
  throw new Error(`no member ${name}`);
}

export function directUri(sb: Sandbox, name: string, extra = ''): string {
  return `mongodb://${memberHost(sb, name)}/?directConnection=true${extra}`;
}

export async function withClient<T>(uri: string, fn: (c: MongoClient) => Promise<T>, opts: MongoClientOptions = {}): Promise<T> {
  const c = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000, ...opts });
  try {
    await c.connect();
    return await fn(c);
  } finally {
    await c.close(true);
  }
}

/** Polls until fn returns a truthy value (or throws after timeoutMs). */
export async function waitFor<T>(fn: () => T | Promise<T>, timeoutMs: number, what: string): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function primaryOf(sb: Sandbox, replicaSet: string): string | undefined {
  return sb.state().members.find((m) => m.replicaSet === replicaSet && m.alive && m.stateStr === 'PRIMARY')?.name;
}
