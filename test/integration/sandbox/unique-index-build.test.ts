import type { Document } from 'bson';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../src/main/sandbox/types';
import { setUri, withSandbox } from './helpers';

/**
 * Building a unique index over data that already break it, as mongod does: the build fails with
 * DuplicateKey (11000), no index of that createIndexes stays, and the oplog shows the build started and
 * aborted (index_builds_coordinator.cpp). A restore that builds indexes after its data relies on this.
 */
describe('createIndexes: a unique index over duplicate data', () => {
  let sandbox: Sandbox;
  let c: MongoClient;
  withSandbox({ fast: true }, (sb) => (sandbox = sb));
  beforeAll(async () => {
    c = new MongoClient(setUri(sandbox, 'DC'), { serverSelectionTimeoutMS: 20_000 });
    await c.connect();
  });
  afterAll(async () => {
    await c?.close(true);
  });

  it('fails with DuplicateKey, keeps none of the command’s indexes, logs start and abort', async () => {
    const coll = c.db('uix').collection('users');
    await coll.insertMany([{ _id: 1, email: 'a@x', n: 1 }, { _id: 2, email: 'b@x', n: 2 }, { _id: 3, email: 'a@x', n: 3 }] as Document[], { writeConcern: { w: 'majority' } });
    const err = await c
      .db('uix')
      .command({ createIndexes: 'users', indexes: [{ key: { n: 1 }, name: 'n_1' }, { key: { email: 1 }, name: 'email_1', unique: true }] })
      .then(() => null, (e: unknown) => e as { code?: number; message: string; keyValue?: Document });
    expect(err?.code).toBe(11000);
    expect(err?.message).toContain('E11000 duplicate key error collection: uix.users index: email_1 dup key: { email: "a@x" }');
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
    const ops = await c.db('local').collection('oplog.rs').find({ ns: 'uix.$cmd' }).toArray();
    expect(ops.map((o) => Object.keys(o.o as Document)[0]).slice(-2)).toEqual(['startIndexBuild', 'abortIndexBuild']);
    // Two documents without the field key as null: a unique index over them fails too.
    await c.db('uix').collection('nulls').insertMany([{ _id: 1 }, { _id: 2 }] as Document[]);
    await expect(c.db('uix').collection('nulls').createIndex({ k: 1 }, { unique: true })).rejects.toMatchObject({ code: 11000 });
    // Distinct keys build.
    await coll.deleteOne({ _id: 3 } as Document);
    await c.db('uix').command({ createIndexes: 'users', indexes: [{ key: { email: 1 }, name: 'email_1', unique: true }] });
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'email_1']);
  });
});
