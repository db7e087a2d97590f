// Refuse to run twice, and never let what a crash left behind keep a node out of its pair.
//
// "Already running" means: the pid in the pidfile is alive, is not a zombie (/proc/PID/stat),
// and runs `twinbeat start -f` for this configuration directory (/proc/PID/cmdline); or a daemon
// answers on the control socket. Anything else in the pidfile — a dead pid, a zombie its parent
// never reaped, an unrelated process that got the pid after a crash or a restored /run, garbage —
// is stale: the caller is told what was found (to log it) and the file is taken over. The
// pidfile is created with O_EXCL, so two daemons starting at the same instant cannot both win.
//
// Touches the pidfile, reads /proc, and connects to the control socket (never signals anyone).
import { openSync, writeSync, closeSync, readFileSync, readlinkSync, unlinkSync, mkdirSync, fsyncSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { DEFAULT_CONFIG_DIR } from '../config/config-dir.js';
import { socketAnswers } from './control.js';

export class AlreadyRunningError extends Error {
  override readonly name = 'AlreadyRunningError';
  constructor(
    message: string,
    /** The running daemon's pid, when the pidfile named it. */
    readonly pid: number | null,
  ) {
    super(message);
  }
}

export interface Pidfile {
  readonly path: string;
  /** Remove the pidfile if it is still ours. Idempotent. */
  release(): void;
}

/** What a pidfile was found to hold when it turned out stale: for the `stale-pidfile` log line. */
export interface StalePidfile {
  pid: number | null;
  /** What was found, in words: "pid 42 is a zombie (...)". */
  found: string;
}

/** Where one daemon's runtime files are, and which configuration it serves. */
export interface DaemonFiles {
  pidFile: string;
  controlSocket: string;
  configDir: string;
}

/** The pid recorded in the file, or null when absent or unreadable. */
export function readPid(path: string): number | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  // Digits only: "1e3" or "-1" must not become pid 1 or a process group.
  const digits = text.trim();
  if (!/^\d{1,10}$/.test(digits)) return null;
  const pid = Number(digits);
  return pid > 0 ? pid : null;
}

/** State letter and parent of a process from /proc/PID/stat, or null (gone, or no /proc). */
function procStat(pid: number): { state: string; ppid: number } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // "pid (comm) S ppid ...": comm may contain spaces and ')', so the fields follow the last ')'.
  const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return state === undefined ? null : { state, ppid: Number(ppid) };
}

/** Zombie (killed, not yet reaped by its parent) or dead: a pid that runs nothing any more. */
function isZombie(stat: { state: string } | null): boolean {
  return stat !== null && (stat.state === 'Z' || stat.state === 'X');
}

/** The process exists (it may belong to someone else). */
function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process exists and is not a zombie: it can still do something. */
export function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false; // kill(0 or -n) would address groups
  return exists(pid) && !isZombie(procStat(pid));
}

/** argv of a process from /proc/PID/cmdline, or null when it cannot be read. */
function commandLine(pid: number): string[] | null {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw === '' ? [] : raw.replace(/\0$/, '').split('\0');
  } catch {
    return null;
  }
}

function workingDir(pid: number): string {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return '/';
  }
}

/**
 * The configuration directory of a daemon's command line, or null when argv is not a twinbeat
 * daemon: node (with its flags) running a script with `start` and `-f`/`--foreground` among its
 * arguments — the shebang, systemd's ExecStart, `start`'s detached child and the lab all look
 * like that. `-c DIR` / `--config DIR` is resolved against the process's working directory.
 */
export function daemonConfigDir(argv: readonly string[], cwd: string): string | null {
  if (argv.length < 2 || !basename(argv[0]!).startsWith('node')) return null;
  let script = 1;
  while (script < argv.length && argv[script]!.startsWith('-')) script++; // node's own flags
  let configDir = DEFAULT_CONFIG_DIR;
  let start = false;
  let foreground = false;
  for (let i = script + 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-c' || arg === '--config') configDir = argv[++i] ?? '';
    else if (arg.startsWith('--config=')) configDir = arg.slice('--config='.length);
    else if (arg === '--node') i++;
    else if (arg === 'start') start = true;
    else if (arg === '-f' || arg === '--foreground') foreground = true;
  }
  return start && foreground && configDir !== '' ? resolve(cwd, configDir) : null;
}

/** Is `pid` our running daemon? If not, what it is instead. Reads /proc only. */
export function judgePid(pid: number, configDir: string): { running: true } | { running: false; found: string } {
  if (pid === process.pid) return { running: false, found: `pid ${pid} is this process (a pid reused after a reboot)` };
  if (!exists(pid)) return { running: false, found: `pid ${pid} is not running` };
  const stat = procStat(pid);
  if (isZombie(stat)) return { running: false, found: `pid ${pid} is a zombie (killed, not reaped by its parent pid ${stat!.ppid})` };
  const argv = commandLine(pid);
  // No /proc to ask: a live pid is all we can tell, and starting twice is the worse mistake.
  if (argv === null) return { running: true };
  const dir = daemonConfigDir(argv, workingDir(pid));
  const wanted = resolve(configDir);
  if (dir === null) return { running: false, found: `pid ${pid} is not a twinbeat daemon: ${JSON.stringify(argv.join(' ').slice(0, 200))}` };
  if (dir !== wanted) return { running: false, found: `pid ${pid} is the twinbeat daemon for ${dir}, not for ${wanted}` };
  return { running: true };
}

/**
 * The running daemon of this configuration, as the error a second start reports, or null when
 * none runs: the pidfile names our live daemon, or (pidfile or not) a daemon answers on the
 * control socket — a live daemon's socket is never taken over.
 */
export async function findRunningDaemon(files: DaemonFiles): Promise<AlreadyRunningError | null> {
  const pid = readPid(files.pidFile);
  if (pid !== null && judgePid(pid, files.configDir).running) {
    return new AlreadyRunningError(`twinbeat is already running as pid ${pid} (pidfile ${files.pidFile})`, pid);
  }
  if (await socketAnswers(files.controlSocket)) {
    return new AlreadyRunningError(`twinbeat is already running: a daemon answers on control socket ${files.controlSocket}`, null);
  }
  return null;
}

/**
 * Create the pidfile for `pid` (default: this process), taking over a stale one. Throws
 * AlreadyRunningError when it names our running daemon. `onStale` is told what a stale file held.
 */
export function acquirePidfile(path: string, configDir: string, onStale: (stale: StalePidfile) => void = () => {}, pid = process.pid): Pidfile {
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
    const verdict = holder === null ? { running: false as const, found: 'no pid in it' } : judgePid(holder, configDir);
    if (verdict.running) throw new AlreadyRunningError(`twinbeat is already running as pid ${holder} (pidfile ${path})`, holder);
    // Remove and retry with O_EXCL again, so a concurrent starter doing the same still loses cleanly.
    onStale({ pid: holder, found: verdict.found });
    try {
      unlinkSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

/** The start-up claim: refuse if a daemon of this configuration runs, else own the pidfile. */
export async function claimPidfile(files: DaemonFiles, onStale: (stale: StalePidfile) => void): Promise<Pidfile> {
  const running = await findRunningDaemon(files);
  if (running) throw running;
  return acquirePidfile(files.pidFile, files.configDir, onStale);
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
