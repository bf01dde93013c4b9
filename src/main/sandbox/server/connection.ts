import type { Socket } from 'node:net';
import type { Document } from 'bson';
import { dispatch } from '../commands/dispatch';
import type { ConnectionState, MemberRuntime } from '../commands/context';
import { ErrorCodes } from '../errors';
import { FramingError, MessageFramer, type Frame } from '../wire/framing';
import { encodeOpMsg, encodeOpReply, parseOpMsg, parseOpQuery, ProtocolError, type ParsedCommand } from '../wire/messages';
import { OP_MSG, OP_QUERY } from '../wire/protocol';

let nextConnectionId = 1;
let nextResponseId = 1;

function responseId(): number {
  nextResponseId = (nextResponseId + 1) & 0x7fffffff;
  return nextResponseId;
}

/**
 * One client connection to a member. Requests are handled one after another, in order (a connection
 * carries one operation at a time). Broken framing closes the connection; a message that is framed but
 * unparsable, or an unknown opcode, gets an error reply or a close, as mongod does.
 */
export class MemberConnection {
  private readonly framer = new MessageFramer();
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  /** True once the connection carries a driver monitor's streaming hello. */
  streaming = false;
  readonly state: ConnectionState;

  constructor(
    private readonly socket: Socket,
    private readonly rt: MemberRuntime,
  ) {
    this.state = { id: nextConnectionId++, client: `${socket.remoteAddress ?? '127.0.0.1'}:${socket.remotePort ?? 0}`, user: null, conversations: new Map(), nextConversationId: 1 };
    rt.member.ops.connect(this.state);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => {
      this.closed = true;
      // mongod kills what a client was running when its connection goes (the operation's client is gone).
      rt.member.ops.disconnect(this.state.id);
    });
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.rt.member.metrics.network.bytesIn += chunk.length;
    let frames: Frame[];
    try {
      frames = this.framer.push(chunk);
    } catch (err) {
      if (err instanceof FramingError) this.close();
      else throw err;
      return;
    }
    for (const f of frames) this.queue = this.queue.then(() => this.handle(f)).catch(() => this.close());
  }

  private send(buf: Buffer): void {
    if (this.closed || this.socket.destroyed) return;
    this.rt.member.metrics.network.bytesOut += buf.length;
    this.socket.write(buf);
  }

  private async delay(): Promise<void> {
    const ms = this.rt.member.slowMs;
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
  }

  private async handle(frame: Frame): Promise<void> {
    if (this.closed || !this.rt.member.alive) return;
    const { opCode, requestId } = frame.header;
    this.rt.member.metrics.network.numRequests++;
    if (opCode !== OP_MSG && opCode !== OP_QUERY) {
      // OP_COMPRESSED is never negotiated (hello offers no compressors); anything else is not a request.
      this.close();
      return;
    }
    let parsed: ParsedCommand;
    let opQuerySecondaryOk = false;
    try {
      parsed = opCode === OP_MSG ? parseOpMsg(frame.body) : parseOpQuery(frame.body);
      if (opCode === OP_QUERY) opQuerySecondaryOk = (frame.body.readInt32LE(0) & 4) !== 0;
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      const reply = { ok: 0, errmsg: err.message, code: ErrorCodes.ProtocolError, codeName: 'ProtocolError' };
      this.send(opCode === OP_MSG ? encodeOpMsg(reply, responseId(), requestId) : encodeOpReply(reply, responseId(), requestId));
      return;
    }
    const run = (cmd: Document): Promise<Document> => dispatch({ ...this.rt, cmd, db: parsed.db, conn: this.state }, opQuerySecondaryOk);
    const name = Object.keys(parsed.command)[0];
    const awaitable = parsed.exhaustAllowed && (name === 'hello' || name === 'isMaster' || name === 'ismaster') && parsed.command.maxAwaitTimeMS !== undefined;
    // Known before the first (possibly long) await, so a kill can tell monitors from application connections.
    if (awaitable) this.streaming = true;
    let reply = await run(parsed.command);
    await this.delay();
    if (!this.rt.member.alive) return;
    if (parsed.opCode === OP_QUERY) {
      this.send(encodeOpReply(reply, responseId(), requestId));
      return;
    }
    if (parsed.moreToCome) return; // w:0 — the client expects no reply
    if (!awaitable || reply.ok !== 1) {
      this.send(encodeOpMsg(reply, responseId(), requestId));
      return;
    }
    // The streaming hello of the driver's monitor: keep answering (moreToCome) whenever the topology changes
    // or maxAwaitTimeMS passes, each reply in answer to the previous one, until the connection closes.
    let to = requestId;
    for (;;) {
      const id = responseId();
      this.send(encodeOpMsg(reply, id, to, true));
      to = id;
      if (this.closed || !this.rt.member.alive) return;
      reply = await run({ ...parsed.command, topologyVersion: reply.topologyVersion });
      await this.delay();
      if (this.closed || !this.rt.member.alive) return;
    }
  }
}
