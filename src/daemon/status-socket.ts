// The read-only status socket: a second Unix socket beside the control socket that answers
// `status` and refuses every other command, so monitoring (Nagios, a cl_status shim) can run as
// a group of its own (tb_status_group) without being able to stop or move anything. Node has no
// SO_PEERCRED, so "who may do what" is the socket file's group and mode, one socket per right.
// Creates, chowns and removes only its own socket file.
import { basename, dirname, join } from 'node:path';
import { startControlServer, type ControlHandler, type ControlServer } from './control.js';

/**
 * `status.sock` in the control socket's directory (`status-ro.sock` should the control socket
 * itself be called status.sock), so one tb_control_socket line places both.
 */
export function statusSocketPath(controlSocket: string): string {
  return join(dirname(controlSocket), basename(controlSocket) === 'status.sock' ? 'status-ro.sock' : 'status.sock');
}

export interface StatusSocketOptions {
  controlSocket: string;
  /** tb_status_group: 0660 and this group, or null for root only (0600). */
  group: string | null;
  /** Answers status requests (the same handler as the control socket's). */
  handler: ControlHandler;
  maxConnections: number;
  onError: (err: Error) => void;
}

export function startStatusSocket(opts: StatusSocketOptions): Promise<ControlServer> {
  return startControlServer({
    path: statusSocketPath(opts.controlSocket),
    group: opts.group,
    handler: opts.handler,
    allow: ['status'],
    limits: { maxConnections: opts.maxConnections },
    onError: opts.onError,
  });
}
