import { Timestamp } from 'bson';
import { DeskError } from '../../shared/errors';
import type { OplogTs } from '../../shared/api/backup';

/** Oplog positions as text ("seconds:increment") in manifests, SQLite and the UI; BSON Timestamps on the wire. */
export function tsToText(ts: Timestamp): OplogTs {
  return `${ts.t}:${ts.i}`;
}

export function textToTs(text: OplogTs): Timestamp {
  const m = /^(\d{1,10}):(\d{1,10})$/.exec(text);
  if (!m) throw new DeskError('OPLOG_TS_INVALID', `"${text}" is not an oplog position ("seconds:increment").`);
  return new Timestamp({ t: Number(m[1]), i: Number(m[2]) });
}

function key(text: OplogTs): bigint {
  const ts = textToTs(text);
  return (BigInt(ts.t) << 32n) | BigInt(ts.i);
}

/** Negative, zero or positive as a is before, at or after b. */
export function compareTs(a: OplogTs, b: OplogTs): number {
  const ka = key(a);
  const kb = key(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
