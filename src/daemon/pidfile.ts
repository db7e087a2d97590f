// Refuse to run twice. The pidfile is created with O_EXCL, so two daemons starting at the same
// instant cannot both win. A pidfile left by a process that no longer exists (kill -9, power
// loss) is taken over; one whose process is alive makes this start fail.
import { openSync, writeSync, closeSync, readFileSync, unlinkSync, mkdirSync, fsyncSync } from 'node:fs';
import { dirname } from 'node:path';

export class AlreadyRunningError extends Error {
  override readonly name = 'AlreadyRunningError';
  constructor(
    readonly path: string,
    readonly pid: number,
  ) {
    super(`twinbeat is already running as pid ${pid} (pidfile ${path})`);
  }
}

export interface Pidfile {
  readonly path: string;
  /** Remove the pidfile if it is still ours. Idempotent. */
  release(): void;
}

/** The pid recorded in the file, or null when absent or unreadable. */
export function readPid(path: string): number | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else — still alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Create the pidfile for `pid` (default: this process). `onStale` is told when a dead owner's
 * file is taken over, so the caller can log it.
 */
export function acquirePidfile(path: string, onStale: (stalePid: number | null) => void = () => {}, pid = process.pid): Pidfile {
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      try {
        writeSync(fd, `${pid}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      return ownedPidfile(path, pid);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 2) throw err;
    }
    const holder = readPid(path);
    if (holder !== null && holder !== pid && processAlive(holder)) throw new AlreadyRunningError(path, holder);
    // Dead owner, our own pid (a pid reused after reboot), or garbage: remove and retry with
    // O_EXCL again, so a concurrent starter doing the same still loses cleanly.
    onStale(holder);
    try {
      unlinkSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

function ownedPidfile(path: string, pid: number): Pidfile {
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      // Only remove it if it still names us: never delete a successor's pidfile.
      if (readPid(path) !== pid) return;
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
    },
  };
}
