// Bounds shared by the daemon's two listening servers (the control socket and the metrics
// endpoint): at most so many connections at once — one more is accepted and closed at once, so
// a flood of idle connections cannot eat the descriptors a takeover needs to spawn its scripts —
// and no connection lives on without traffic. Touches only the server and sockets it is given.
import type { Server, Socket } from 'node:net';

export interface ConnectionLimits {
  /** Connections served at once; more are closed as soon as they are accepted. */
  maxConnections: number;
  /** A connection with no traffic either way for this long is destroyed. */
  idleTimeoutMs: number;
  /** From accept until the request is complete: a client dribbling its request is cut off. */
  requestTimeoutMs: number;
}

export interface GuardedServer {
  /** Connections open now. */
  readonly open: number;
  /** Destroy every open connection (server close: nobody may hold the daemon's exit). */
  destroyAll(): void;
}

/**
 * Applies `limits.maxConnections` and the idle timeout to every connection of `server`;
 * `onRefused` hears of each connection closed for the limit (log it: an operator must see a
 * flood, the logger's rate limit keeps a flood from flooding the log too).
 */
export function guardConnections(server: Server, limits: ConnectionLimits, onRefused: (limit: number) => void): GuardedServer {
  const sockets = new Set<Socket>();
  server.maxConnections = Math.max(1, Math.floor(limits.maxConnections));
  server.on('drop', () => onRefused(server.maxConnections));
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.setTimeout(limits.idleTimeoutMs, () => socket.destroy());
  });
  return {
    get open() {
      return sockets.size;
    },
    destroyAll: () => {
      for (const socket of sockets) socket.destroy();
    },
  };
}
