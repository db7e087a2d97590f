// The control socket: how the CLI talks to a running daemon. One Unix stream socket, one JSON
// object per line each way: the client writes a request, the daemon answers with one response
// and closes. Root only (0600) by default; with ext.controlGroup the socket is 0660 and owned by
// that group. Bounded like the metrics endpoint (connection-limits.ts): a few connections at
// once, one short request line per connection, a deadline for it, no idle connection kept.
import { createServer, createConnection, type Server, type Socket } from 'node:net';
import { chmodSync, chownSync, unlinkSync, readFileSync, lstatSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { guardConnections, type ConnectionLimits } from './connection-limits.js';
import { MAX_GROUP_NAME, validGroupName } from '../core/placements.js';

export type ControlCommand = 'status' | 'standby' | 'online' | 'takeover' | 'reload' | 'stop' | 'move';
export const CONTROL_COMMANDS: readonly ControlCommand[] = ['status', 'standby', 'online', 'takeover', 'reload', 'stop', 'move'];

/** Commands that may name one resource group (per-group moves, src/core/placements.ts). */
const GROUP_COMMANDS: readonly ControlCommand[] = ['standby', 'online', 'move'];

export interface ControlRequest {
  cmd: ControlCommand;
  /** standby/online/move: one resource group (its key, as status lists it). Required for move. */
  group?: string;
  /** move: the node to move it to (default: the node that does not run it now). */
  node?: string;
  /** move: forget the group's move instead (like `crm resource clear`). */
  clear?: boolean;
}

export interface ControlAccepted {
  ok: true;
  message?: string;
  data?: unknown;
}
export type ControlResponse = ControlAccepted | { ok: false; error: string };

export type ControlHandler = (request: ControlRequest) => Promise<ControlResponse>;

export interface ControlLimits extends ConnectionLimits {
  /** Bytes a connection may send in all: one request line. More is not a client of ours. */
  maxRequestBytes: number;
}

/** The CLI opens one connection per command and writes ~20 bytes at once. */
export const CONTROL_LIMITS: ControlLimits = {
  maxConnections: 16,
  idleTimeoutMs: 10_000,
  requestTimeoutMs: 5_000,
  maxRequestBytes: 4096,
};

export class ControlError extends Error {
  override readonly name = 'ControlError';
  constructor(
    readonly kind: 'not-running' | 'permission' | 'timeout' | 'protocol',
    message: string,
  ) {
    super(message);
  }
}

export function parseRequest(line: string): ControlRequest | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'request is not JSON';
  }
  const cmd = (value as { cmd?: unknown } | null)?.cmd;
  if (typeof cmd !== 'string' || !(CONTROL_COMMANDS as readonly string[]).includes(cmd)) {
    return `unknown command ${JSON.stringify(cmd)}; expected one of ${CONTROL_COMMANDS.join(', ')}`;
  }
  const { group, node, clear } = value as { group?: unknown; node?: unknown; clear?: unknown };
  const request: ControlRequest = { cmd: cmd as ControlCommand };
  if (group !== undefined || node !== undefined || clear !== undefined) {
    if (!GROUP_COMMANDS.includes(request.cmd)) return `${cmd} takes no group, node or clear`;
    // Names go into logs and status: printable ASCII only, bounded (a newline or a control
    // character could forge log lines; the core checks the name against haresources).
    if (group !== undefined && !validGroupName(group)) return `group must be a resource group name (printable, 1-${MAX_GROUP_NAME} characters)`;
    if (node !== undefined && (request.cmd !== 'move' || !validGroupName(node))) return 'node must be a node name, and only with move';
    if (clear !== undefined && (request.cmd !== 'move' || typeof clear !== 'boolean' || node !== undefined)) return 'clear must be true or false, only with move and without node';
    if (group !== undefined) request.group = group;
    if (node !== undefined) request.node = node as string;
    if (clear === true) request.clear = true;
  }
  return request;
}

/** The gid of a group name from /etc/group (Node has no getgrnam), or a numeric gid as given. */
export function resolveGroup(name: string, groupFile = '/etc/group'): number {
  if (/^\d+$/.test(name)) return Number(name);
  for (const line of readFileSync(groupFile, 'utf8').split('\n')) {
    const [group, , gid] = line.split(':');
    if (group === name && gid !== undefined) return Number(gid);
  }
  throw new Error(`group ${name} does not exist (${groupFile})`);
}

export interface ControlServerOptions {
  path: string;
  /** Group allowed to use the socket (0660), or null for root only (0600). */
  group: string | null;
  handler: ControlHandler;
  onError?: (err: Error) => void;
  /** Default CONTROL_LIMITS; the daemon lowers maxConnections when descriptors are scarce. */
  limits?: Partial<ControlLimits>;
  /** Commands this socket answers (default all); others are refused before the handler sees them. */
  allow?: readonly ControlCommand[];
}

export interface ControlServer {
  close(): Promise<void>;
}

/** Is a daemon answering on this socket path? */
export function socketAnswers(path: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(true)); // connected but slow: someone is there
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function startControlServer(opts: ControlServerOptions): Promise<ControlServer> {
  const gid = opts.group === null ? null : resolveGroup(opts.group);
  mkdirSync(dirname(opts.path), { recursive: true });
  if (existsAsSocket(opts.path)) {
    if (await socketAnswers(opts.path)) throw new Error(`another twinbeat is answering on control socket ${opts.path}`);
    unlinkSync(opts.path); // stale: left by a daemon that died without cleaning up
  }
  const limits: ControlLimits = { ...CONTROL_LIMITS, ...opts.limits };
  const server = createServer((socket) => serve(socket, opts, limits));
  const guard = guardConnections(server, limits, (max) =>
    opts.onError?.(new Error(`control socket: ${max} connections open (the limit), closed a new one at once`)),
  );
  // The socket file is created by bind() with the process umask: make it private from birth,
  // instead of chmod-ing it after a window in which anyone could connect.
  const oldUmask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.path, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } finally {
    process.umask(oldUmask);
  }
  if (gid !== null) {
    chownSync(opts.path, 0, gid);
    chmodSync(opts.path, 0o660);
  } else {
    chmodSync(opts.path, 0o600);
  }
  server.on('error', (err) => opts.onError?.(err));
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        guard.destroyAll();
        try {
          unlinkSync(opts.path);
        } catch {
          // already gone
        }
      }),
  };
}

function existsAsSocket(path: string): boolean {
  try {
    return lstatSync(path).isSocket();
  } catch {
    return false;
  }
}

/**
 * One connection: at most limits.maxRequestBytes in all, counted over every read (a client
 * dribbling a long line in small writes is cut off like one sending it at once), the whole line
 * within limits.requestTimeoutMs, nothing read after the line, closed once the answer is out.
 */
function serve(socket: Socket, opts: ControlServerOptions, limits: ControlLimits): void {
  const chunks: Buffer[] = [];
  let received = 0;
  let lineComplete = false;
  let answered = false;
  const reply = (response: ControlResponse) => {
    if (answered) return;
    answered = true;
    clearTimeout(requestTimer);
    // Our answer is in the client's receive queue once written: closing then loses nothing, and
    // a client that keeps writing (or never reads) cannot keep the connection.
    socket.end(`${JSON.stringify(response)}\n`, () => socket.destroy());
  };
  const requestTimer = setTimeout(() => {
    if (!lineComplete) reply({ ok: false, error: `request not complete within ${limits.requestTimeoutMs} ms` });
  }, limits.requestTimeoutMs);
  socket.once('close', () => clearTimeout(requestTimer));
  socket.on('error', () => {}); // a client going away mid-answer is not our problem
  socket.on('data', (chunk: Buffer) => {
    if (lineComplete || answered) return;
    received += chunk.length;
    const newline = chunk.indexOf(0x0a);
    const lineBytes = newline < 0 ? received : received - chunk.length + newline;
    if (lineBytes > limits.maxRequestBytes) return reply({ ok: false, error: `request too long (over ${limits.maxRequestBytes} bytes)` });
    chunks.push(newline < 0 ? chunk : chunk.subarray(0, newline));
    if (newline < 0) return;
    lineComplete = true;
    clearTimeout(requestTimer);
    socket.pause(); // one request per connection: what follows the line is never read
    const request = parseRequest(Buffer.concat(chunks).toString('utf8'));
    if (typeof request === 'string') return reply({ ok: false, error: request });
    if (opts.allow !== undefined && !opts.allow.includes(request.cmd)) {
      return reply({ ok: false, error: `${request.cmd} is not allowed on this socket (read-only: ${opts.allow.join(', ')}); use the control socket` });
    }
    opts.handler(request).then(reply, (err: Error) => {
      opts.onError?.(err);
      reply({ ok: false, error: `internal error: ${err.message}` });
    });
  });
}

/** Send one request to the daemon and wait for its answer. Throws ControlError. */
export function controlRequest(path: string, request: ControlRequest, timeoutMs: number): Promise<ControlResponse> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    let buffer = '';
    let settled = false;
    const finish = (result: ControlResponse | ControlError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (result instanceof ControlError) reject(result);
      else resolve(result);
    };
    const timer = setTimeout(
      () => finish(new ControlError('timeout', `no answer from twinbeat on ${path} within ${timeoutMs} ms (daemon busy or hung?)`)),
      timeoutMs,
    );
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline >= 0) finish(parseResponse(buffer.slice(0, newline), path));
    });
    socket.on('end', () => finish(new ControlError('protocol', `twinbeat closed the control socket ${path} without answering`)));
    socket.on('error', (err: NodeJS.ErrnoException) => finish(connectError(err, path)));
  });
}

function parseResponse(line: string, path: string): ControlResponse | ControlError {
  try {
    const value = JSON.parse(line) as ControlResponse;
    if (typeof value === 'object' && value !== null && typeof value.ok === 'boolean') return value;
  } catch {
    // fall through
  }
  return new ControlError('protocol', `unexpected answer on control socket ${path}: ${line.slice(0, 200)}`);
}

function connectError(err: NodeJS.ErrnoException, path: string): ControlError {
  switch (err.code) {
    case 'ENOENT':
    case 'ECONNREFUSED':
    case 'ENOTSOCK':
      return new ControlError('not-running', `twinbeat is not running (no control socket at ${path})`);
    case 'EACCES':
    case 'EPERM':
      return new ControlError('permission', `permission denied on control socket ${path}: run as root (or as a member of the socket's group when a control group is configured)`);
    default:
      return new ControlError('protocol', `cannot reach twinbeat on ${path}: ${err.message}`);
  }
}
