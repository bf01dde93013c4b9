import type { Document, MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../src/main/sandbox';
import { directUri, memberHost, waitFor, withClient, withSandbox } from './helpers';

describe('a member removed by a forced reconfig', () => {
  let sb: Sandbox;
  withSandbox({ fast: true }, (s) => (sb = s));

  it('answers replSetGetStatus with InvalidReplicaSetConfig (93), as mongod in state REMOVED does', async () => {
    await withClient(directUri(sb, 'dc-1'), async (c) => {
      const cfg = (await c.db('admin').command({ replSetGetConfig: 1 })).config;
      cfg.version++;
      cfg.members = cfg.members.filter((m: Document) => m.host !== memberHost(sb, 'dc-2'));
      await c.db('admin').command({ replSetReconfig: cfg, force: true });
      // the remaining members still answer with a status that no longer lists dc-2
      const st = await c.db('admin').command({ replSetGetStatus: 1 });
      expect(st.members.map((m: Document) => m.name)).not.toContain(memberHost(sb, 'dc-2'));
      // a forced reconfig writes no "Reconfig set" no-op (repl_set_commands.cpp writes it only when not forced);
      // its version jumps by at least 10 000, as mongod's forced reconfig does
      const now = (await c.db('admin').command({ replSetGetConfig: 1 })).config;
      expect(now.version).toBeGreaterThanOrEqual(cfg.version + 10_000);
      const noops = await c.db('local').collection('oplog.rs').find({ op: 'n', 'o.msg': 'Reconfig set' }).toArray();
      expect(noops).toEqual([]);
    });
    await waitFor(() => sb.state().members.find((m) => m.name === 'dc-2')!.stateStr === 'REMOVED', 5000, 'dc-2 REMOVED');
    await withClient(directUri(sb, 'dc-2'), async (c) => {
      const err = (await c.db('admin').command({ replSetGetStatus: 1 }).catch((e: MongoServerError) => e)) as MongoServerError;
      expect(err.code).toBe(93);
      expect(err.codeName).toBe('InvalidReplicaSetConfig');
      // the text of topology_coordinator.cpp, prepareStatusResponse, when the member is not in the config
      expect(err.message).toBe('Our replica set config is invalid or we are not a member of it');
      // a REMOVED member serves no data either
      const read = (await c.db('app').collection('any').findOne({}).catch((e: MongoServerError) => e)) as MongoServerError;
      expect(read.code).toBe(13436);
    });
  });
});
