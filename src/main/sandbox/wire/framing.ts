import { HEADER_SIZE, MAX_MESSAGE_SIZE_BYTES, type MessageHeader } from './protocol';

export class FramingError extends Error {}

export interface Frame {
  header: MessageHeader;
  /** The message without its 16-byte header. */
  body: Buffer;
}

/**
 * Splits a TCP byte stream into whole wire messages. A length that cannot be a message (below the header
 * size or above maxMessageSizeBytes) is a framing error: the stream can no longer be trusted, so the caller
 * closes the connection, as mongod does.
 */
export class MessageFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxMessageSize = MAX_MESSAGE_SIZE_BYTES) {}

  push(chunk: Buffer): Frame[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Frame[] = [];
    while (this.buffered >= 4) {
      const head = this.peek(4);
      const length = head.readInt32LE(0);
      if (length < HEADER_SIZE || length > this.maxMessageSize) {
        throw new FramingError(`invalid message length ${length} (allowed ${HEADER_SIZE}..${this.maxMessageSize})`);
      }
      if (this.buffered < length) break;
      const msg = this.take(length);
      frames.push({
        header: { messageLength: length, requestId: msg.readInt32LE(4), responseTo: msg.readInt32LE(8), opCode: msg.readInt32LE(12) },
        body: msg.subarray(HEADER_SIZE),
      });
    }
    return frames;
  }

  private peek(n: number): Buffer {
    if (this.chunks[0].length >= n) return this.chunks[0];
    this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0];
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return out;
  }
}
