import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/main/store/database';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';

describe('DeskDatabase', () => {
  it('opens in WAL mode and applies each component’s migrations once, in order', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'drdesk-db-')), 'nested', 'desk.sqlite');
    const db = openDatabase(file);
    expect(db.db.pragma('journal_mode', { simple: true })).toBe('wal');
    const steps = ['CREATE TABLE a (x INTEGER)', (d: typeof db.db) => d.prepare('INSERT INTO a VALUES (1)').run()];
    expect(db.migrate('feature-a', steps)).toBe(2);
    expect(db.migrate('feature-a', steps)).toBe(0);
    expect(db.migrate('feature-a', [...steps, 'ALTER TABLE a ADD COLUMN y TEXT'])).toBe(1);
    expect(db.migrate('feature-b', ['CREATE TABLE b (x INTEGER)'])).toBe(1);
    expect(db.schemaVersion('feature-a')).toBe(3);
    db.close();
    expect(existsSync(file)).toBe(true);
    const again = openDatabase(file);
    expect(again.schemaVersion('feature-b')).toBe(1);
    expect(() => again.migrate('feature-a', steps)).toThrow(/newer than this DR Desk knows/);
    again.close();
  });

  it('a failing step rolls back and is not recorded', () => {
    const db = openDatabase(':memory:');
    expect(() => db.migrate('c', ['CREATE TABLE c (x INTEGER)', 'NOT SQL'])).toThrow();
    expect(db.schemaVersion('c')).toBe(1);
    expect(db.migrate('c', ['CREATE TABLE c (x INTEGER)', 'CREATE TABLE c2 (x INTEGER)'])).toBe(1);
    db.close();
  });

  it('names a database it cannot open', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'drdesk-db-')), 'desk.sqlite');
    openDatabase(file).close();
    expect(() => openDatabase(join(file, 'inside-a-file.sqlite'))).toThrow(/^Cannot open the database .*Check the data directory/);
  });
});

describe('MemorySecretStore', () => {
  it('sets, lists (names only), gets and deletes', async () => {
    const s = new MemorySecretStore();
    const info = await s.set('db-pass', 'v', 'password');
    expect(info).toMatchObject({ name: 'db-pass', kind: 'password' });
    expect(await s.list()).toEqual([info]);
    expect(JSON.stringify(await s.list())).not.toContain('"v"');
    expect(await s.get('db-pass')).toBe('v');
    expect(await s.delete('db-pass')).toBe(true);
    expect(await s.get('db-pass')).toBeNull();
    await expect(s.set('bad name', 'v', 'other')).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });
});
