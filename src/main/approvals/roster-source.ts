import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { DeskError } from '../../shared/errors';
import { envelopeSchema, type Envelope } from '../signing/envelope';

/**
 * Where the roster chain is kept: a JSON file in the data directory by default (it may equally live in a
 * shared configuration folder). The chain is self-verifying; the source only stores it.
 */
export interface RosterSource {
  readonly location: string;
  load(): Promise<Envelope[]>;
  save(chain: Envelope[]): Promise<void>;
}

export const ROSTER_FORMAT = 'drdesk-roster-chain/1';
const fileSchema = z.strictObject({ format: z.literal(ROSTER_FORMAT), chain: z.array(envelopeSchema) });

export class FileRosterSource implements RosterSource {
  constructor(readonly location: string) {}

  async load(): Promise<Envelope[]> {
    let text: string;
    try {
      text = readFileSync(this.location, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new DeskError('ROSTER_UNREADABLE', `Cannot read the roster ${this.location}: ${(err as Error).message}.`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new DeskError('ROSTER_UNREADABLE', `The roster file ${this.location} is not JSON: restore it, or import the roster again from an admin.`);
    }
    const r = fileSchema.safeParse(json);
    if (!r.success) throw new DeskError('ROSTER_UNREADABLE', `The roster file ${this.location} is not a DR Desk roster chain: restore it, or import the roster again from an admin.`);
    return r.data.chain;
  }

  async save(chain: Envelope[]): Promise<void> {
    mkdirSync(dirname(this.location), { recursive: true, mode: 0o700 });
    const tmp = `${this.location}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ format: ROSTER_FORMAT, chain }, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.location);
  }
}

export class MemoryRosterSource implements RosterSource {
  readonly location = 'memory';
  private chain: Envelope[] = [];

  async load(): Promise<Envelope[]> {
    return structuredClone(this.chain);
  }

  async save(chain: Envelope[]): Promise<void> {
    this.chain = structuredClone(chain);
  }
}
