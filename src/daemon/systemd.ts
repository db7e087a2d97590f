// systemd integration for `Type=notify` and `WatchdogSec=` (scripts/twinbeat.service): READY=1
// once the links are open and the state file is read, WATCHDOG=1 from the event loop, STOPPING=1
// on a graceful stop. Node cannot send on a unix datagram socket, so each notification runs
// `systemd-notify` as a direct child: as root it sends with the daemon's PID as the sender (see
// systemd-notify(1)), so systemd attributes it to the main process even after the short-lived
// child exited (the unit also sets NotifyAccess=all). May touch: runs systemd-notify; removes
// NOTIFY_SOCKET and WATCHDOG_* from this process's environment so resource scripts and the
// services they start cannot speak for twinbeat's unit.
import { execFile } from 'node:child_process';

export interface NotifyTarget {
  /** $NOTIFY_SOCKET: a path or an abstract socket (@...). */
  socket: string;
  /** Ping interval asked for by WatchdogSec= ($WATCHDOG_USEC), ms; null: no watchdog. */
  watchdogMs: number | null;
}

/**
 * The daemon's exit status when it refuses an invalid configuration: sysexits' EX_CONFIG, which
 * systemd shows as "78/CONFIG". The unit lists it in RestartPreventExitStatus= so a broken
 * configuration fails once instead of restarting every RestartSec.
 */
export const CONFIG_REFUSED_EXIT = 78;

const NOTIFY_VARIABLES = ['NOTIFY_SOCKET', 'WATCHDOG_USEC', 'WATCHDOG_PID'] as const;

/**
 * Read what systemd told this process and remove it from `env` (as sd_notify's
 * unset_environment does), so children do not inherit it. Null when not started by systemd with
 * Type=notify. A watchdog addressed to another PID (WATCHDOG_PID) is not ours.
 */
export function takeNotifyEnvironment(env: NodeJS.ProcessEnv = process.env, pid = process.pid): NotifyTarget | null {
  const socket = env.NOTIFY_SOCKET ?? '';
  const usec = env.WATCHDOG_USEC ?? '';
  const watchdogPid = env.WATCHDOG_PID;
  for (const name of NOTIFY_VARIABLES) delete env[name];
  if (!/^[/@]/.test(socket) || socket.length > 108) return null;
  const forUs = watchdogPid === undefined || watchdogPid === String(pid);
  const micros = /^\d{1,15}$/.test(usec) ? Number(usec) : 0;
  return { socket, watchdogMs: forUs && micros >= 1000 ? micros / 1000 : null };
}

export interface SystemdNotifier {
  /** READY=1 with a one-line STATUS=. */
  ready(status: string): void;
  /** STOPPING=1: the graceful stop began (resources are being released). */
  stopping(status: string): void;
  /**
   * The event loop stepped at `now` (monotonic ms). Sends WATCHDOG=1 when half the watchdog
   * interval passed since the last one: a loop that stops stepping stops the pings and systemd
   * restarts the daemon. A comparison per step; one short child process per interval/2.
   */
  alive(now: number): void;
}

export interface NotifierOptions {
  /** The systemd-notify executable (tests: a fake). */
  command?: string;
  /** A notification could not be sent (told once per kind of failure). */
  onError?: (message: string) => void;
}

/** A notifier for `target`; without one (not under systemd) every call does nothing. */
export function createNotifier(target: NotifyTarget | null, opts: NotifierOptions = {}): SystemdNotifier {
  if (target === null) return { ready() {}, stopping() {}, alive() {} };
  const command = opts.command ?? 'systemd-notify';
  const told = new Set<string>();
  let lastPing = -Infinity;
  let pingInFlight = false;

  const send = (assignments: string[], done?: () => void) => {
    execFile(command, assignments, { env: { ...process.env, NOTIFY_SOCKET: target.socket }, timeout: 5000 }, (err, _stdout, stderr) => {
      done?.();
      if (err === null) return;
      const why = `${command} ${assignments[0]} failed: ${(stderr || err.message).trim()}`;
      const kind = `${assignments[0]}:${(err as NodeJS.ErrnoException).code ?? 'exit'}`;
      if (told.has(kind)) return;
      told.add(kind);
      opts.onError?.(why);
    });
  };
  const status = (text: string) => `STATUS=${text.replace(/[\r\n]+/g, ' ')}`;

  return {
    ready(text) {
      // The first watchdog ping travels with READY=1: the watchdog runs from now on.
      if (target.watchdogMs !== null) lastPing = Infinity;
      send(['READY=1', status(text), ...(target.watchdogMs !== null ? ['WATCHDOG=1'] : [])]);
    },
    stopping(text) {
      send(['STOPPING=1', status(text)]);
    },
    alive(now) {
      if (target.watchdogMs === null || pingInFlight) return;
      if (lastPing === Infinity) lastPing = now; // the ping sent with READY=1
      if (now - lastPing < target.watchdogMs / 2) return;
      lastPing = now;
      pingInFlight = true;
      send(['WATCHDOG=1'], () => (pingInFlight = false));
    },
  };
}
