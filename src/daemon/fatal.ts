// The daemon's last words. An uncaught exception or unhandled rejection is logged, the log is
// flushed and the process exits 70 (EX_SOFTWARE) so systemd restarts it; the pidfile and the
// control socket are left behind and taken over by the next start (both detect staleness).
// Safe to enter twice: an error raised while exiting (a write to a log that is closing) is
// written to stderr and does not start a second exit. It always says something: the logger
// falls back to a synchronous stderr write once its destinations have ended, and if logging
// throws anyway the line goes to stderr here. Touches only the logger and stderr it is given.
import { stderrLine, type Logger } from './logger.js';

export const FATAL_EXIT_CODE = 70;

export interface FatalDeps {
  log: Logger;
  /** Flush and close every log destination. */
  closeLog(): Promise<void>;
  exit(code: number): void;
  /** Last resort for a line (default: a synchronous write to fd 2). */
  stderr?: (line: string) => void;
  /** Exit even if closing the log hangs (a syslog socket that never drains). */
  flushTimeoutMs?: number;
}

const describe = (err: unknown): string => (err instanceof Error ? (err.stack ?? err.message) : String(err));

/** The handler for process 'uncaughtException' and 'unhandledRejection'. */
export function fatalHandler(deps: FatalDeps): (err: unknown) => void {
  const stderr = deps.stderr ?? stderrLine;
  let entered = false;
  return (err) => {
    const text = `fatal: ${describe(err)}`;
    if (entered) {
      stderr(`twinbeat: another error while exiting after a fatal one: ${text}`);
      return;
    }
    entered = true;
    try {
      deps.log.error('daemon-crash', text);
    } catch (logErr) {
      stderr(`twinbeat: ${text}`);
      stderr(`twinbeat: (the log failed too: ${describe(logErr)})`);
    }
    let exited = false;
    const exit = () => {
      if (exited) return;
      exited = true;
      deps.exit(FATAL_EXIT_CODE);
    };
    setTimeout(exit, deps.flushTimeoutMs ?? 2000); // kept referenced: the process must not idle on
    deps.closeLog().then(exit, exit);
  };
}
