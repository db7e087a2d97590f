// Hostile clients for the daemon's servers (control socket, metrics endpoint): connections that
// are held without a byte, requests dribbled a byte at a time, floods. Each one records what it
// received and when the server closed it, so tests can assert on both. Touches only the
// connections it opens.
import { connect, type Socket } from 'node:net';
import { sleep, waitFor } from '../../scripts/lab/process.js';

export interface Observed {
  socket: Socket;
  /** Everything the server sent. */
  received(): string;
  /** Has the server closed (or reset) the connection? */
  readonly closed: boolean;
  /** Resolves with the ms from connect() to the close. */
  closedAfter: Promise<number>;
}

/** A connection to a unix socket path or a loopback TCP port, observed. */
export function observe(target: string | number): Observed {
  const started = Date.now();
  const socket = typeof target === 'number' ? connect(target, '127.0.0.1') : connect(target);
  const chunks: Buffer[] = [];
  let closed = false;
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.on('error', () => {}); // ECONNRESET / EPIPE: the server cut us off, which is the point
  const closedAfter = new Promise<number>((resolve) =>
    socket.once('close', () => {
      closed = true;
      resolve(Date.now() - started);
    }),
  );
  return {
    socket,
    received: () => Buffer.concat(chunks).toString('utf8'),
    get closed() {
      return closed;
    },
    closedAfter,
  };
}

export const connected = (o: Observed): Promise<void> =>
  new Promise((resolve, reject) => {
    if (!o.socket.connecting) return resolve();
    o.socket.once('connect', () => resolve());
    o.socket.once('error', reject);
  });

/**
 * Writes `text` one byte every `everyMs` until it is all sent or the server closes; returns the
 * number of bytes written before the close.
 */
export async function dribble(o: Observed, text: string, everyMs: number): Promise<number> {
  await connected(o);
  let sent = 0;
  for (const byte of Buffer.from(text)) {
    if (o.closed || o.socket.destroyed) break;
    o.socket.write(Buffer.from([byte]));
    sent++;
    await sleep(everyMs);
  }
  return sent;
}

export { sleep };

/** Polls `condition` every 20 ms; throws after `timeoutMs` (the lab's waitFor, polled faster). */
export function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  return waitFor('the condition', condition, timeoutMs, 20);
}

/** Destroys every client (test cleanup). */
export function destroyAll(clients: readonly Observed[]): void {
  for (const c of clients) c.socket.destroy();
}
