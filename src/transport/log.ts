// What a link needs from the daemon: a monotonic clock and a place to say that its medium
// failed or came back. The daemon's Logger satisfies LinkLog as it is. Types only.

export type LogFields = Record<string, unknown>;

export interface LinkLog {
  info(event: string, message: string, fields?: LogFields): void;
  warn(event: string, message: string, fields?: LogFields): void;
}

export interface LinkDeps {
  /** Monotonic milliseconds; never the wall clock. */
  now(): number;
  log: LinkLog;
}

export const silentLog: LinkLog = { info: () => undefined, warn: () => undefined };
