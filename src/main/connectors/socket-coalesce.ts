import type { Socket } from 'node:net';

/**
 * ssh2 hands every SSH packet (at most 32 KiB: the channel packet size OpenSSH's sshd advertises) to
 * `socket.write` on its own, one system call each. Corking the socket for the rest of the current tick
 * turns a burst of packets into one writev: fewer system calls and wake-ups of the far side, same bytes in
 * the same order. Nothing waits longer than the current tick, so latency is unchanged.
 */
export function coalesceWrites(socket: Socket): void {
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let corked = false;
  const uncork = () => {
    corked = false;
    if (!socket.destroyed) socket.uncork();
  };
  socket.write = ((...args: unknown[]) => {
    if (!corked && !socket.destroyed) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    return write(...args);
  }) as Socket['write'];
}
