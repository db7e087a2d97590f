// Syslog without an extra npm package. Node has no Unix datagram sockets, so lines go through
// one long-lived util-linux `logger --prio-prefix` child that reads them on stdin and sends each
// as an RFC 3164 datagram to /dev/log with the priority we prefix (<facility*8+severity>).
// The winston side is a plain Stream transport writing into the child's stdin.
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import winston from 'winston';

const FACILITIES: Record<string, number> = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9,
  authpriv: 10, ftp: 11, local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21,
  local6: 22, local7: 23,
};

const SEVERITIES: Record<string, number> = { error: 3, warn: 4, info: 6, debug: 7 };

export function facilityCode(name: string): number | null {
  return FACILITIES[name.toLowerCase()] ?? null;
}

/** Why syslog cannot be used here, or null when it can. */
export function syslogUnavailable(socketPath: string, facility: string): string | null {
  if (facilityCode(facility) === null) return `unknown syslog facility ${facility}`;
  try {
    if (!statSync(socketPath).isSocket()) return `${socketPath} is not a socket`;
  } catch {
    return `no syslog socket at ${socketPath}`;
  }
  return null;
}

export interface SyslogOptions {
  facility: string;
  level: string;
  tag?: string;
  socketPath?: string;
  /** Told once if the logger child fails (missing binary, socket gone). */
  onFailure: (reason: string) => void;
}

/** `<PRI>line` as logger --prio-prefix expects it; newlines would split a message in two. */
export function syslogLine(facility: number, level: string, message: string): string {
  return `<${facility * 8 + (SEVERITIES[level] ?? 6)}>${message.replace(/[\r\n]+/g, ' ')}`;
}

export function syslogTransport(opts: SyslogOptions): { transport: winston.transport; close: () => void } {
  const facility = facilityCode(opts.facility) ?? 3;
  const child = spawn('logger', ['--prio-prefix', '-t', opts.tag ?? 'twinbeat', `--id=${process.pid}`, '-u', opts.socketPath ?? '/dev/log'], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let failed = false;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const fail = (reason: string) => {
    if (failed) return;
    failed = true;
    opts.onFailure(reason);
  };
  child.on('error', (err) => fail(`cannot run logger(1): ${err.message}`));
  child.on('exit', (code, signal) => {
    if (code !== 0 || signal !== null) fail(`logger(1) exited (${signal ?? code}) ${stderr.trim()}`);
  });
  child.stdin.on('error', () => {}); // reported through 'exit'
  child.unref();
  const format = winston.format.printf((info) => syslogLine(facility, info.level, String(info.message)));
  const transport = new winston.transports.Stream({ stream: child.stdin, level: opts.level, format });
  return { transport, close: () => child.stdin.end() };
}
