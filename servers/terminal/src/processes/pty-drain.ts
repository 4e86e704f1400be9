import { readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { IPty } from '@lydell/node-pty';

interface PtyInternals {
  _fd?: number;
  _socket?: { destroy: (...args: unknown[]) => unknown };
}

/**
 * node-pty, after a process exits, waits at most 200 ms for the PTY to be read to its end, then
 * destroys the socket: output still unread then (the event loop was busy, or reading was paused)
 * would be lost. This reads what is left straight from the PTY's non-blocking descriptor just
 * before that destroy, and hands it to `onData`, so a command's last lines always arrive.
 */
export function keepFinalOutput(term: IPty, onData: (text: string) => void): void {
  const internals = term as unknown as PtyInternals;
  const socket = internals._socket;
  const fd = internals._fd;
  if (!socket || typeof socket.destroy !== 'function' || typeof fd !== 'number') return;
  const destroy = socket.destroy.bind(socket);
  socket.destroy = (...args: unknown[]) => {
    const decoder = new StringDecoder('utf8');
    const buffer = Buffer.alloc(64 * 1024);
    // Bounded: a PTY holds at most a few pages; EAGAIN (empty) or EIO (closed) ends the loop.
    for (let i = 0; i < 64; i++) {
      let n: number;
      try {
        n = readSync(fd, buffer, 0, buffer.length, null);
      } catch {
        break;
      }
      if (n <= 0) break;
      const text = decoder.write(buffer.subarray(0, n));
      if (text) onData(text);
    }
    const rest = decoder.end();
    if (rest) onData(rest);
    return destroy(...args);
  };
}
