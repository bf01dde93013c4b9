import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DeskError } from '../../../shared/errors';
import { fileSha256 } from '../archive';
import type { Landing } from '../landing';
import { checkAborted } from '../scheduler';
import type { BaselinePart, PartAccess } from './restore';

/** The landing's file-level methods a parted baseline is checked and fetched with. */
export type PartFiles = Pick<Landing, 'fetchFile' | 'fileChecksum'>;

/** How refusals name the slice: where it landed, its sequence number, the site it is restored on. */
export interface PartsWhere {
  label: string;
  seq: number;
  target: string;
}

export interface PartProblem {
  code: 'PART_MISSING_REMOTE' | 'PART_CHECKSUM_MISMATCH';
  message: string;
}

/** The first part that is missing or not the one DC wrote, checked where it landed (nothing is fetched), or null. */
export async function landedPartsProblem(files: PartFiles, parts: BaselinePart[], w: PartsWhere): Promise<PartProblem | null> {
  for (const p of parts) {
    const sha = await files.fileChecksum(p.archive);
    if (sha === null)
      return { code: 'PART_MISSING_REMOTE', message: `Part ${p.index} (${p.archive}) of baseline #${w.seq} is not in ${w.label}: nothing was restored on ${w.target}; the baseline is shipped again.` };
    if (sha !== p.sha256)
      return {
        code: 'PART_CHECKSUM_MISMATCH',
        message: `Part ${p.index} (${p.archive}) of baseline #${w.seq} at ${w.label} has sha256 ${sha}, not ${p.sha256} as its manifest says: nothing was restored on ${w.target}; the baseline is shipped again.`,
      };
  }
  return null;
}

/**
 * Parts fetched into the staging directory as the restore's pool reaches them (so the staging disk holds at
 * most one file per running part), checked again after the copy, deleted once restored. A part that went
 * missing or arrived damaged in between stops the restore through `refuse` (the slice is shipped again).
 */
export function stagedPartAccess(files: PartFiles, staging: string, w: PartsWhere, refuse: (code: PartProblem['code'], message: string) => never, signal?: AbortSignal): PartAccess {
  return {
    open: async (p) => {
      const local = join(staging, p.archive);
      try {
        await files.fetchFile(p.archive, local, p.bytes, () => undefined, signal);
      } catch (err) {
        await rm(local, { force: true });
        if ((err as DeskError).code === 'SLICE_MISSING_REMOTE') refuse('PART_MISSING_REMOTE', `${(err as Error).message} The baseline is not recorded as applied on ${w.target}; it is shipped again.`);
        throw err;
      }
      const sha = await fileSha256(local);
      if (sha !== p.sha256) {
        await rm(local, { force: true });
        refuse(
          'PART_CHECKSUM_MISMATCH',
          `Part ${p.index} (${p.archive}) of baseline #${w.seq} arrived from ${w.label} with sha256 ${sha}, not ${p.sha256}: the restore on ${w.target} stopped and is not recorded as applied; the baseline is shipped again.`,
        );
      }
      checkAborted(signal);
      return local;
    },
    release: async (_p, local) => {
      await rm(local, { force: true });
    },
  };
}
