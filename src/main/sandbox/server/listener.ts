import { createServer, type Server, type Socket } from 'node:net';
import type { MemberRuntime } from '../commands/context';
import { MemberConnection } from './connection';

/**
 * A member's TCP listener on 127.0.0.1. kill() closes it and every open connection (clients then get
 * "connection refused"); listen() again reopens the same port.
 */
export class MemberListener {
  private server: Server | null = null;
  private readonly connections = new Set<MemberConnection>();
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly rt: MemberRuntime) {}

  async listen(port: number): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    server.maxConnections = 10_000;
    for (let attempt = 0; ; attempt++) {
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
            server.off('error', reject);
            resolve();
          });
        });
        break;
      } catch (err) {
        // Reopening a just-closed port can race the OS for a moment; anything else is fatal.
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0 || attempt >= 20) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    server.on('error', () => undefined);
    this.server = server;
    this.port = (server.address() as { port: number }).port;
    return this.port;
  }

  private accept(socket: Socket): void {
    const m = this.rt.member;
    if (!m.alive) {
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

  /** Stops listening and drops every connection. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const c of this.connections) c.close();
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
