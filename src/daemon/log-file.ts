// A winston transport for ha.cf's `logfile` and `debugfile` that can be reopened: logrotate
// renames the file and then runs `twinbeat reload` (or sends SIGHUP), and the next line must go
// to a new file at the configured path instead of following the renamed one. Winston's own File
// transport cannot do that. Touches only the file it is given (append, created 0644 by umask).
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import winston from 'winston';
import type TransportStream from 'winston-transport';

// winston's typings name the base class `transport`; at run time it is `Transport`.
const Transport = (winston as unknown as { Transport: typeof TransportStream }).Transport;

export class ReopenableFileTransport extends Transport {
  private stream: WriteStream;
  private readonly retired: Promise<unknown>[] = [];

  constructor(
    private readonly path: string,
    opts: { level: string; format: winston.Logform.Format },
  ) {
    super(opts);
    this.stream = this.open();
  }

  private open(): WriteStream {
    const stream = createWriteStream(this.path, { flags: 'a' });
    // A full disk or a vanished directory must not crash the daemon; the next reopen retries.
    stream.on('error', () => undefined);
    return stream;
  }

  override log(info: { [key: symbol]: unknown }, next: () => void): void {
    const line = info[Symbol.for('message')];
    this.stream.write(`${String(line)}\n`);
    next();
  }

  /** Close the current file (after what was written reaches it) and open the path anew. */
  reopen(): void {
    const old = this.stream;
    this.stream = this.open();
    this.retired.push(endOf(old));
  }

  /** Every line written so far is in the file and the file is closed. */
  async flushAndClose(): Promise<void> {
    await Promise.all([...this.retired, endOf(this.stream)]);
  }
}

function endOf(stream: WriteStream): Promise<unknown> {
  if (stream.closed || stream.destroyed) return Promise.resolve();
  const closed = once(stream, 'close').catch(() => undefined);
  stream.end();
  return closed;
}
