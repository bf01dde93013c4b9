/**
 * Copies small byte strings into shared 64 KiB chunks. bson hands back slices of Node's 8 KiB buffer pool;
 * keeping such a slice alive keeps the whole pool slab (and whatever else was in it) alive, which made
 * stored documents cost ~13 KB each. A chunk here is freed once nothing in it is referenced any more;
 * give each append-mostly store (a collection, an oplog) its own arena so chunks die together.
 */
export class ByteArena {
  private chunk: Buffer | null = null;
  private used = 0;

  constructor(private readonly chunkSize = 64 * 1024) {}

  copy(src: Uint8Array): Buffer {
    if (src.length > this.chunkSize / 8) {
      const own = Buffer.allocUnsafeSlow(src.length);
      own.set(src);
      return own;
    }
    if (!this.chunk || this.used + src.length > this.chunk.length) {
      this.chunk = Buffer.allocUnsafeSlow(this.chunkSize);
      this.used = 0;
    }
    const out = this.chunk.subarray(this.used, this.used + src.length);
    out.set(src);
    this.used += src.length;
    return out;
  }
}
