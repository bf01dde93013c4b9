import type { SecretInfo } from '../../shared/monitor';
import type { SecretStore } from './secret-store';

export interface SecretMigration {
  /** Copied into the target and removed from the source. */
  moved: string[];
  /** Already in the target with the same value: removed from the source. */
  same: string[];
  /** In the target with a different value: the target's value is kept, the source's left untouched. */
  conflicts: string[];
  failed: Array<{ name: string; reason: string }>;
}

/**
 * Moves secrets from an old store into the one every DR Desk process shares (the desktop app used to keep
 * its own Electron safeStorage copies, invisible to the CLI and the agent). The target wins on conflict,
 * because the CLI and the agent already use it; the source copy is then left in place, never silently lost.
 */
export async function migrateSecrets(from: SecretStore, to: SecretStore, entries: readonly SecretInfo[]): Promise<SecretMigration> {
  const out: SecretMigration = { moved: [], same: [], conflicts: [], failed: [] };
  for (const e of entries) {
    try {
      const value = await from.get(e.name);
      if (value === null) {
        await from.delete(e.name);
        continue;
      }
      const existing = await to.get(e.name);
      if (existing === null) {
        await to.set(e.name, value, e.kind);
        if ((await to.get(e.name)) !== value) throw new Error('the copy in the target store reads back differently');
        out.moved.push(e.name);
      } else if (existing === value) out.same.push(e.name);
      else {
        out.conflicts.push(e.name);
        continue;
      }
      await from.delete(e.name);
    } catch (err) {
      out.failed.push({ name: e.name, reason: (err as Error).message.split('\n')[0] });
    }
  }
  return out;
}
