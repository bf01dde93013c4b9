import type { Document } from 'mongodb';
import { DeskError } from '../../../src/shared/errors';
import type { MongoAccess } from '../../../src/main/runbooks/steps/mongo-access';

type State = 'PRIMARY' | 'SECONDARY' | 'DOWN';

/** Replica-set members that answer hello / freeze / stepDown / stepUp / insert like mongod, without elections timing. */
export class FakeMongo implements MongoAccess {
  readonly log: string[] = [];
  readonly frozen = new Map<string, number>();
  constructor(readonly members: Map<string, State>) {}

  static of(spec: Record<string, State>): FakeMongo {
    return new FakeMongo(new Map(Object.entries(spec)));
  }

  async command(address: string, cmd: Document): Promise<Document> {
    const state = this.members.get(address);
    const name = Object.keys(cmd)[0];
    if (!state || state === 'DOWN') throw new DeskError('UNREACHABLE', `${address} did not answer`);
    if (name !== 'hello') this.log.push(`${address} ${name}${name === 'replSetFreeze' ? ` ${cmd.replSetFreeze}` : ''}`);
    switch (name) {
      case 'hello':
        return { isWritablePrimary: state === 'PRIMARY', secondary: state === 'SECONDARY' };
      case 'replSetFreeze':
        if (state === 'PRIMARY') throw new DeskError('NotSecondary', 'cannot freeze node when primary');
        this.frozen.set(address, cmd.replSetFreeze as number);
        return { ok: 1 };
      case 'replSetStepDown': {
        if (state !== 'PRIMARY') throw new DeskError('NotWritablePrimary', 'not primary');
        this.members.set(address, 'SECONDARY');
        // Election: the first unfrozen secondary (other than the one stepping down) wins.
        const next = [...this.members].find(([a, s]) => a !== address && s === 'SECONDARY' && !this.frozen.get(a));
        if (next) this.members.set(next[0], 'PRIMARY');
        return { ok: 1 };
      }
      case 'replSetStepUp':
        this.members.set(address, 'PRIMARY');
        return { ok: 1 };
      case 'insert':
        if (state !== 'PRIMARY') throw new DeskError('NotWritablePrimary', 'not primary');
        return { ok: 1, n: 1 };
      default:
        throw new DeskError('CommandNotFound', name);
    }
  }

  async close(): Promise<void> {}
}
