/**
 * History samples are stored in chunks: all samples of one series in one CHUNK_MS window, packed as two
 * Float64 arrays (times, values; NaN = no value) in a BLOB each. Reading 24 h of 1 s samples is then 144
 * rows of bytes per series instead of 86,400 rows, which is what makes query + downsampling fast.
 */
export const CHUNK_MS = 10 * 60_000;

export const chunkStart = (ts: number): number => Math.floor(ts / CHUNK_MS) * CHUNK_MS;

// The byte order is the platform's; every platform Node and Electron ship for is little-endian.
export function packFloat64(values: ArrayLike<number>): Buffer {
  const arr = Float64Array.from(values);
  return Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength);
}

export function unpackFloat64(buf: Uint8Array): Float64Array {
  // Copy into a fresh buffer: SQLite's bytes need not be 8-byte aligned.
  const bytes = new Uint8Array(buf.byteLength);
  bytes.set(buf);
  return new Float64Array(bytes.buffer);
}

/** Merges sorted (ts, value) runs, later runs winning on equal times. */
export function mergeSorted(parts: Array<{ ts: Float64Array; vals: Float64Array }>): { ts: Float64Array; vals: Float64Array } {
  const map = new Map<number, number>();
  for (const p of parts) for (let i = 0; i < p.ts.length; i++) map.set(p.ts[i], p.vals[i]);
  const keys = [...map.keys()].sort((a, b) => a - b);
  return { ts: Float64Array.from(keys), vals: Float64Array.from(keys, (k) => map.get(k)!) };
}

/** Concatenates typed arrays. */
export function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
