import { createServer, type Server, type Socket } from 'node:net';
import type { MemberRuntime } from '../commands/context';
import { MemberConnection } from './connection';

/**
 * Time and event-loop turns for a peer in this process to handle closed sockets: reading the EOF, the
 * 'close' event and the driver's reaction take a few loop iterations, however busy the machine is.
 */
async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 50));
  for (let i = 0; i < 8; i++) await new Promise((r) => setImmediate(r));
}

/**
 * A member's TCP listener on 127.0.0.1. kill() closes it and every open connection (clients then get
 * "connection refused"); listen() again reopens the same port.
 */
export class MemberListener {
  private server: Server | null = null;
  private readonly connections = new Set<MemberConnection>();
  private readonly sockets = new Set<Socket>();
  port = 0;
  /** A partition between this member and every client: connections are refused while it stays up. */
  clientsBlocked = false;

  constructor(private readonly rt: MemberRuntime) {}

  /**
   * Listens on a free port below every OS's ephemeral range (Linux 32768-60999, macOS/Windows 49152+), so
   * the port cannot be handed to some outgoing connection while the member is down and a revive can take
   * it back. Falls back to an OS-chosen port if that range is crowded.
   */
  async listenOnFreePort(): Promise<number> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const port = 20_000 + Math.floor(Math.random() * 12_768);
      try {
        return await this.listen(port);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' && (err as NodeJS.ErrnoException).code !== 'EACCES') throw err;
      }
    }
    return this.listen(0);
  }

  /** Listens on 127.0.0.1:port (0: a free port). retries: for reopening a just-closed port on revive. */
  async listen(port: number, retries = 0): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const server = createServer((socket) => this.accept(socket));
      server.maxConnections = 10_000;
      try {
        await new Promise<void>((resolve, reject) => {
          const onError = (err: Error): void => {
            server.off('listening', onListening);
            reject(err);
          };
          const onListening = (): void => {
            server.off('error', onError);
            resolve();
          };
          server.once('error', onError);
          server.once('listening', onListening);
          server.listen({ port, host: '127.0.0.1', exclusive: true });
        });
        server.on('error', () => undefined);
        this.server = server;
        this.port = (server.address() as { port: number }).port;
        return this.port;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= retries) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  private accept(socket: Socket): void {
    const m = this.rt.member;
    if (!m.alive || this.clientsBlocked) {
      socket.destroy();
      return;
    }
    m.connectionsCurrent++;
    m.connectionsTotal++;
    const conn = new MemberConnection(socket, this.rt);
    this.connections.add(conn);
    this.sockets.add(socket);
    socket.on('close', () => {
      m.connectionsCurrent--;
      this.connections.delete(conn);
      this.sockets.delete(socket);
    });
  }

  /**
   * Stops listening and drops every connection. Application connections go first and monitoring ones a
   * moment later: when the driver's monitor sees the loss first, it clears the pool and an operation that
   * failed on the same kill counts as stale and is not retried (mongodb 7, sdam/server.js
   * connectionIsStale), which would make "the next retryable write succeeds" a matter of luck.
   */
  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    const closing = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    await this.dropConnections();
    await closing;
  }

  /** Cuts clients off (or lets them back) without stopping the member. */
  async blockClients(blocked: boolean): Promise<void> {
    this.clientsBlocked = blocked;
    if (blocked) await this.dropConnections();
  }

  private async dropConnections(): Promise<void> {
    const monitors = [...this.connections].filter((c) => c.streaming);
    for (const c of this.connections) if (!c.streaming) c.close();
    if (monitors.length) await settle();
    for (const c of monitors) c.close();
    for (const s of this.sockets) s.destroy();
    // Let in-process drivers see their monitors fail before the caller goes on: an operation started
    // before that would pick the dead primary's pooled connection and fail as a stale, unretried error.
    if (monitors.length) await settle();
  }
}
