// The daemon's logger. Every line reads
//   LEVEL event=NAME component=COMP key=value ... msg="human text"
// so `grep event=peer-dead` finds every occurrence of an event, and the same text works in a
// file, in syslog and in the journal. Destinations follow ha.cf: `logfile` (info and above),
// `debugfile` (debug and above), `logfacility` (syslog); with none of them — or with
// `twinbeat start -f` — lines go to stdout, which systemd hands to journald; there each line
// starts with its syslog priority (`<4>WARN ...`) so `journalctl -p warning` works.
// Identical lines are rate limited (see rate-limit.ts). Numbers are written as a person reads
// them (milliseconds whole, others to 3 decimals). reopen() reopens the log files (logrotate).
import winston from 'winston';
import { fstatSync, writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import type { Writable } from 'node:stream';
import { ReopenableFileTransport } from './log-file.js';
import { RateLimiter, type Suppressed } from './rate-limit.js';
import { syslogTransport, syslogUnavailable } from './syslog.js';
import { monotonicNow } from './clock.js';

export type Level = 'debug' | 'info' | 'warn' | 'error';
export type Fields = Record<string, unknown>;

export interface Logger {
  log(level: Level, event: string, message: string, fields?: Fields): void;
  debug(event: string, message: string, fields?: Fields): void;
  info(event: string, message: string, fields?: Fields): void;
  warn(event: string, message: string, fields?: Fields): void;
  error(event: string, message: string, fields?: Fields): void;
  /** A logger that adds component=NAME to every line; shares destinations and rate limiting. */
  child(component: string): Logger;
  /** Reopen logfile and debugfile at their paths (after logrotate moved them away). */
  reopen(): void;
  /** Emit pending suppression summaries and flush and close every destination. */
  close(): Promise<void>;
}

export interface LoggerOptions {
  logfile?: string | null;
  debugfile?: string | null;
  /** Syslog facility name (ha.cf `logfacility`), null or 'none' for none. */
  logfacility?: string | null;
  /** Log to stdout even when a file or syslog is configured (`start -f`). */
  foreground?: boolean;
  /** ha.cf `debug` level: > 0 lets debug lines reach stdout and syslog too. */
  debug?: number;
  /** Where "stdout" lines go (tests pass a stream). */
  stdout?: Writable;
  /** Prefix stdout lines with `<N>` syslog priorities (default: stdoutIsJournal()). */
  journal?: boolean;
  /** Syslog socket (tests). */
  syslogSocket?: string;
  /** Repeats of the same line within this window are summarised. Default 10 s. */
  rateLimitWindowMs?: number;
  /** Clock for rate limiting (tests). */
  now?: () => number;
  /** Where lines go once the logger is closed, or when a destination throws (default: fd 2, synchronously). */
  fallback?: (line: string) => void;
}

/**
 * A number as a person reads it: a field named ...Ms (or a number followed by "ms" in a message)
 * in whole milliseconds, anything else to at most 3 decimals — never `2001.8966199999998`.
 */
export function readableNumber(value: number, milliseconds: boolean): number {
  if (!Number.isFinite(value) || Number.isInteger(value)) return value;
  return milliseconds ? Math.round(value) : Math.round(value * 1000) / 1000;
}

/** Long decimal numbers in a message, rounded like readableNumber. */
export function readableText(text: string): string {
  return text.replace(/\d+\.\d{4,}(?=( ?ms\b)?)/g, (n, ms: string | undefined) => String(readableNumber(Number(n), ms !== undefined)));
}

/** `key=value`, quoting values that contain spaces, quotes or `=` so the line stays parseable. */
export function formatValue(value: unknown, key = ''): string {
  if (typeof value === 'number') value = readableNumber(value, /ms$/i.test(key));
  const readable = (k: string, v: unknown) => (typeof v === 'number' ? readableNumber(v, /ms$/i.test(k)) : v);
  const text = typeof value === 'string' ? value : value instanceof Error ? value.message : JSON.stringify(value, readable) ?? String(value);
  return /^[^\s"=\\]+$/.test(text) ? text : JSON.stringify(text);
}

export function formatLine(level: Level, event: string, message: string, fields: Fields): string {
  const parts = [level.toUpperCase(), `event=${formatValue(event)}`];
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) parts.push(`${key}=${formatValue(value, key)}`);
  parts.push(`msg=${JSON.stringify(readableText(message))}`);
  return parts.join(' ');
}

/**
 * Is file descriptor `fd` (stdout) the journal's stream? systemd sets JOURNAL_STREAM to the
 * device:inode of the stream it connected; a child whose stdout was redirected (the detached
 * daemon's logfile) inherits the variable but not the stream, so both are compared.
 */
export function stdoutIsJournal(env: NodeJS.ProcessEnv = process.env, fd = 1): boolean {
  const match = /^(\d+):(\d+)$/.exec(env.JOURNAL_STREAM ?? '');
  if (match === null || isatty(fd)) return false;
  try {
    const st = fstatSync(fd, { bigint: true });
    return st.dev === BigInt(match[1]!) && st.ino === BigInt(match[2]!);
  } catch {
    return false;
  }
}

/** sd-daemon(3) priority prefixes: err, warning, info, debug. */
const JOURNAL_PRIORITY: Record<string, string> = { error: '<3>', warn: '<4>', info: '<6>', debug: '<7>' };

const withTimestamp = winston.format.printf((info) => `${new Date().toISOString()} ${String(info.message)}`);
const bare = winston.format.printf((info) => String(info.message));
const journalLine = winston.format.printf((info) => `${JOURNAL_PRIORITY[info.level] ?? ''}${String(info.message)}`);

/** The last resort for a line: a synchronous write to fd 2 (the logger's fallback, fatal.ts's too). */
export function stderrLine(line: string): void {
  try {
    writeSync(2, `${line}\n`);
  } catch {
    // nowhere left to say it
  }
}

export function createLogger(opts: LoggerOptions): Logger {
  const stdout = opts.stdout ?? process.stdout;
  const verbose = (opts.debug ?? 0) > 0;
  const transports: winston.transport[] = [];
  const files: ReopenableFileTransport[] = [];
  if (opts.logfile) files.push(new ReopenableFileTransport(opts.logfile, { level: 'info', format: withTimestamp }));
  if (opts.debugfile) files.push(new ReopenableFileTransport(opts.debugfile, { level: 'debug', format: withTimestamp }));
  transports.push(...files);

  const notices: string[] = [];
  const closers: (() => void)[] = [];
  const facility = opts.logfacility && opts.logfacility !== 'none' ? opts.logfacility : null;
  let wantStdout = opts.foreground === true || (!opts.logfile && !opts.debugfile && facility === null);
  let fallBackToStdout: ((reason: string) => void) | null = null;
  if (facility !== null) {
    const socketPath = opts.syslogSocket ?? '/dev/log';
    const why = syslogUnavailable(socketPath, facility);
    if (why === null) {
      const syslog = syslogTransport({ facility, level: verbose ? 'debug' : 'info', socketPath, onFailure: (reason) => fallBackToStdout?.(reason) });
      transports.push(syslog.transport);
      closers.push(syslog.close);
    } else {
      notices.push(`syslog unavailable (${why}): logging to stdout instead`);
      wantStdout = true;
    }
  }
  const journal = opts.journal ?? (opts.stdout === undefined && stdoutIsJournal());
  const stdoutTransport = () => new winston.transports.Stream({ stream: stdout, level: verbose ? 'debug' : 'info', format: journal ? journalLine : bare });
  let hasStdout = wantStdout;
  if (wantStdout) transports.push(stdoutTransport());

  const sink = winston.createLogger({ levels: { error: 0, warn: 1, info: 2, debug: 3 }, level: 'debug', transports, exitOnError: false });
  const now = opts.now ?? monotonicNow;
  const limiter = new RateLimiter(opts.rateLimitWindowMs ?? 10_000);

  // After close() winston throws "write after end": a late line (a crash while stopping) must
  // still be seen, so it goes to stderr with a synchronous write instead.
  const fallback = opts.fallback ?? stderrLine;
  const write = (level: Level, event: string, message: string, fields: Fields) => {
    const line = formatLine(level, event, message, fields);
    if (!sink.writableEnded) {
      try {
        sink.log(level, line);
        return;
      } catch {
        // fall through: the line is not lost
      }
    }
    if (level !== 'debug') fallback(`${new Date().toISOString()} ${line}`);
  };
  const writeSummary = (s: Suppressed, fields: Fields) =>
    write(s.level as Level, s.event, `suppressed ${s.count} identical messages in ${Math.round(s.windowMs / 1000)}s: ${s.message}`, {
      ...fields,
      suppressed: s.count,
    });

  // Summaries for windows nobody repeats into again would otherwise never appear.
  const flushTimer = setInterval(() => {
    for (const s of limiter.flush(now())) writeSummary(s, {});
  }, limiter.windowMs);
  flushTimer.unref();

  // Once: the crash path and the normal cleanup may both close (a second end() never finishes).
  let closing: Promise<void> | null = null;
  const closeAll = async () => {
    clearInterval(flushTimer);
    for (const s of limiter.flush(now(), true)) writeSummary(s, {});
    const finished = new Promise<void>((resolve) => sink.on('finish', () => resolve()));
    sink.end();
    await finished;
    await Promise.all(files.map((f) => f.flushAndClose()));
    for (const close of closers) close();
  };

  const make = (base: Fields): Logger => {
    const log = (level: Level, event: string, message: string, fields: Fields = {}) => {
      const verdict = limiter.admit(now(), level, event, message);
      if (verdict.summary !== null) writeSummary(verdict.summary, base);
      if (verdict.emit) write(level, event, message, { ...base, ...fields });
    };
    return {
      log,
      debug: (e, m, f) => log('debug', e, m, f),
      info: (e, m, f) => log('info', e, m, f),
      warn: (e, m, f) => log('warn', e, m, f),
      error: (e, m, f) => log('error', e, m, f),
      child: (component) => make({ ...base, component }),
      reopen: () => {
        for (const file of files) file.reopen();
      },
      close: () => (closing ??= closeAll()),
    };
  };
  const root = make({});

  fallBackToStdout = (reason) => {
    if (!hasStdout) {
      hasStdout = true;
      sink.add(stdoutTransport());
    }
    root.warn('log-syslog-failed', `syslog logging failed (${reason}): logging to stdout instead`);
  };
  for (const notice of notices) root.warn('log-syslog-unavailable', notice);
  return root;
}
