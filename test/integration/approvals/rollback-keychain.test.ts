import { describe } from 'vitest';
import { KeyringSecretStore, probeKeychain } from '../../../src/main/store/keyring-secret-store';
import type { SecretStore } from '../../../src/main/store/secret-store';
import { rosterRollbackAttacks } from '../../unit/approvals/rollback-attacks';

/** The same rollback attacks with the pins in a real Secret Service (run under dbus-run-session + gnome-keyring). */
const probe = await probeKeychain();
const created = new Map<SecretStore, string[]>();

describe.skipIf(!probe.ok)('roster rollback protection (Secret Service)', () => {
  rosterRollbackAttacks(
    'Secret Service',
    (dir) => {
      const store = new KeyringSecretStore(dir);
      const names: string[] = [];
      created.set(store, names);
      // Remember what the test wrote, so that exactly those entries are removed afterwards.
      const set = store.set.bind(store);
      store.set = async (name, value, kind) => {
        names.push(name);
        return set(name, value, kind);
      };
      return store;
    },
    async (s) => {
      for (const n of created.get(s) ?? []) await s.delete(n);
    },
  );
});
