import { describe } from 'vitest';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import { rosterRollbackAttacks } from './rollback-attacks';

describe('roster rollback protection (memory keychain)', () => {
  rosterRollbackAttacks('memory keychain', () => new MemorySecretStore());
});
