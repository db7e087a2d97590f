// `twinbeat start [-f]`. With -f the daemon runs in this process (systemd, debugging). Without,
// it re-runs itself detached with -f and waits until the new daemon answers on its control
// socket, so "started" is only printed once it really is.
import { NODE_FLAGS } from '../node-flags.js';
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ExitCode, type CliCommand, type GlobalOptions, type Io } from '../command.js';
import { parseCommandArgs } from '../args.js';
import { runtimePaths } from '../runtime-paths.js';
import { findRunningDaemon } from '../../daemon/pidfile.js';
import { controlRequest } from '../../daemon/control.js';
import { runDaemon, type Wiring } from '../../daemon/main.js';

/** Set in the environment of the detached child: its stdout is the log file, not a terminal. */
export const DETACHED_ENV = 'TWINBEAT_DETACHED';
const READY_TIMEOUT_MS = 30_000;

const help = `usage: twinbeat start [-f]

Starts the daemon for this node (see -c and --node). It refuses to start when the
configuration is invalid (\`twinbeat check\` lists the problems) or when a daemon of this
configuration is already running. A pidfile or control socket left behind by a crashed daemon
does not count: it is taken over (and logged as stale-pidfile).
-f, --foreground   stay in the foreground and log to stdout as well (use this under systemd:
                   the journal gets the log)
Without -f the daemon detaches; start waits until it answers on its control socket.
Exit status: 0 started (or, with -f, stopped cleanly), 1 failed to start, 78 (with -f) the
configuration is invalid (systemd's unit does not restart on it).`;

export interface StartOptions {
  /** The script the detached daemon runs (default: the twinbeat CLI entry, src/cli/main.js). */
  entry?: string;
}

export function createStartCommand(wiring: Wiring, options: StartOptions = {}): CliCommand {
  const entry = options.entry ?? fileURLToPath(new URL('../main.js', import.meta.url));
  return {
    name: 'start',
    summary: 'start the daemon (-f: in the foreground, for systemd)',
    help,
    async run(global, args, io) {
      const parsed = parseCommandArgs(args, { flags: { '-f': 'foreground', '--foreground': 'foreground' } }, io, 'start', help);
      if (typeof parsed === 'number') return parsed;
      if (parsed.flags.has('foreground')) {
        const detached = process.env[DETACHED_ENV] === '1';
        return runDaemon({ configDir: global.configDir, node: global.node, foreground: !detached }, io, wiring);
      }
      return startDetached(global, io, entry);
    },
  };
}

async function startDetached(global: GlobalOptions, io: Io, entry: string): Promise<number> {
  const paths = runtimePaths(global.configDir);
  // A stale pidfile or socket is not "running": the daemon itself logs and replaces them.
  const running = await findRunningDaemon({ pidFile: paths.pidFile, controlSocket: paths.controlSocket, configDir: global.configDir });
  if (running) {
    io.err(`twinbeat start: ${running.message}\n`);
    return ExitCode.failed;
  }
  // The child's stdout/stderr: where a crash before the logger is up can still be read.
  const output = paths.logfile ?? paths.debugfile;
  if (output === null && paths.logfacility === null) {
    io.err('twinbeat start: warning: no logfile, debugfile or logfacility in ha.cf: a detached daemon\'s log is discarded (run it with `start -f` under systemd instead)\n');
  }
  const fd = openSync(output ?? '/dev/null', 'a');
  const child = spawn(process.execPath, [...NODE_FLAGS, entry, '-c', global.configDir, '--node', global.node, 'start', '-f'], {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { ...process.env, [DETACHED_ENV]: '1' },
  });
  closeSync(fd);
  const exited = new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const outcome = await Promise.race([exited.then((code) => ({ exited: code })), sleep(200).then(() => null)]);
    if (outcome !== null) {
      const where = output !== null ? `see ${output}` : 'run `twinbeat start -f` to see why';
      io.err(`twinbeat start: the daemon exited during startup with status ${outcome.exited}; ${where} (and \`twinbeat check\`)\n`);
      return ExitCode.failed;
    }
    try {
      const answer = await controlRequest(paths.controlSocket, { cmd: 'status' }, 2000);
      if (answer.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() >= deadline) {
      io.err(`twinbeat start: pid ${child.pid} did not answer on ${paths.controlSocket} within ${READY_TIMEOUT_MS / 1000}s; it is left running: check its log\n`);
      child.unref();
      return ExitCode.failed;
    }
  }
  child.unref();
  io.out(global.json ? `${JSON.stringify({ ok: true, pid: child.pid })}\n` : `twinbeat started (pid ${child.pid})\n`);
  return ExitCode.ok;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
