// How serialport reaches the tty: serialport's own Linux binding, with reads and writes moved off
// the libuv thread pool. That binding reads with fs.read on the pool: every piece of a frame is
// a hop to a pool thread and back, plus a second hop that finds the line empty (EAGAIN) before it
// waits for poll() — five thread wake-ups per piece, and a paced line brings a frame in many
// pieces. The descriptor is non-blocking (the binding opens it O_NONBLOCK), so a read or write on
// the main thread never blocks: here a read is one readSync after poll() says the line is
// readable, timed by ReadGather so a frame arriving in pieces is taken in one or two reads; a
// write is one writeSync, retried on a timer when the tty's buffer is full (never through the
// poller: see write()). Opening, closing, termios, poll() for reading and the errors that mean
// "unplugged" stay serialport's. Touches only the serial device it is given.
//
// A hung-up tty is a disconnect: when the far side hangs up (a socat pty pair's master closes, a
// modem drops carrier with HUPCL) every read() of the slave returns 0 bytes at once, forever. The
// stock read loop treats 0 as "try again" and spins; the port is non-blocking in raw mode, where
// "no data yet" is EAGAIN, never 0, so here 0 bytes closes the stream with a DisconnectedError,
// like an unplugged USB adapter (ENXIO), and the link re-opens.
import { readSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { SerialPort } from 'serialport';
import type { BindingInterface, BindingPortInterface, OpenOptions } from '@serialport/bindings-cpp';
import { ReadGather } from './read-gather.js';

/** What a Unix port of @serialport/bindings-cpp has besides the interface: its fd and poller. */
export interface UnixPort extends BindingPortInterface {
  fd: number | null;
  poller: { once(event: 'readable', callback: (err: Error | null) => void): unknown };
}

const TRY_AGAIN = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR']);
interface ReadResult {
  bytesRead: number;
  buffer: Buffer;
}

/** The port's poller, as far as reading needs it. */
export type Poller = UnixPort['poller'];

/** What reading needs of a port (tests build one on a FIFO). */
export interface PolledPort {
  readonly fd: number | null;
  readonly isOpen: boolean;
  read?(buffer: Buffer, offset: number, length: number): Promise<ReadResult>;
}

/** The codes bindings-cpp treats as an unplugged device (unix-read.js): the stream closes. */
const DISCONNECT = new Set(['EBADF', 'ENXIO', 'UNKNOWN']);

function isUnixPort(port: BindingPortInterface): port is UnixPort {
  const p = port as Partial<UnixPort>;
  return typeof p.fd === 'number' && typeof p.poller?.once === 'function';
}

/** serialport's contract: a read in progress when the port closes fails with `canceled`. */
function canceled(): Error {
  return Object.assign(new Error('Port is not open'), { canceled: true });
}

function hungUp(): Error {
  return Object.assign(new Error('the line hung up (read returned end of file)'), { code: 'EIO', disconnect: true });
}

/**
 * One read of a non-blocking tty on the main thread: what is there, after `gather`'s wait for
 * the rest of a frame that has started; EAGAIN waits for `poller` to say readable; 0 bytes (end
 * of file: the line hung up) rejects as a disconnect; a closed port as canceled.
 */
export async function readReportingHangup(port: PolledPort, poller: Poller, buffer: Buffer, offset: number, length: number, gather?: ReadGather): Promise<ReadResult> {
  for (;;) {
    const wait = gather?.waitMs() ?? 0;
    if (wait > 0) await sleep(wait);
    const fd = port.fd;
    if (fd === null || !port.isOpen) throw canceled();
    let bytesRead: number;
    try {
      bytesRead = readSync(fd, buffer, offset, length, null);
    } catch (err) {
      if (!TRY_AGAIN.has((err as NodeJS.ErrnoException).code ?? '')) throw asDisconnect(err);
      if (!port.isOpen) throw canceled();
      await new Promise<void>((resolve, reject) => poller.once('readable', (e) => (e ? reject(e) : resolve())));
      continue;
    }
    if (bytesRead === 0) throw hungUp();
    gather?.observe(buffer, offset, offset + bytesRead);
    return { buffer, bytesRead };
  }
}

function asDisconnect(err: unknown): unknown {
  const e = err as NodeJS.ErrnoException & { disconnect?: boolean };
  if (DISCONNECT.has(e.code ?? '') || e.errno === -1) e.disconnect = true;
  return e;
}

/** Wraps one open port of the platform binding; everything but read and write is passed on (exported for tests). */
export class MainThreadPort implements BindingPortInterface {
  constructor(
    private readonly port: UnixPort,
    private readonly gather: ReadGather,
    /** How long a write the tty cannot take waits before it tries again, ms. */
    private readonly writeRetryMs: number,
  ) {}

  get openOptions(): BindingPortInterface['openOptions'] {
    return this.port.openOptions;
  }

  get isOpen(): boolean {
    return this.port.isOpen;
  }

  read(buffer: Buffer, offset: number, length: number): Promise<ReadResult> {
    return readReportingHangup(this.port, this.port.poller, buffer, offset, length, this.gather);
  }

  async write(buffer: Buffer): Promise<void> {
    let written = 0;
    for (;;) {
      const fd = this.port.fd;
      if (fd === null || !this.port.isOpen) throw new Error('Port is not open');
      try {
        while (written < buffer.length) written += writeSync(fd, buffer, written);
        return;
      } catch (err) {
        if (!TRY_AGAIN.has((err as NodeJS.ErrnoException).code ?? '')) throw asDisconnect(err);
      }
      // The tty's output buffer is full (a stalled line): try again once some of it can have
      // left. Not through poll(): bindings-cpp's poller never forgets an event it was once asked
      // for, and with "writable" in its mask it wakes without end (readable ↔ writable) while a
      // frame waits in the tty to be gathered — measured 18 % of a core.
      await sleep(this.writeRetryMs);
    }
  }

  close(): Promise<void> {
    return this.port.close();
  }
  update(options: Parameters<BindingPortInterface['update']>[0]): Promise<void> {
    return this.port.update(options);
  }
  set(options: Parameters<BindingPortInterface['set']>[0]): Promise<void> {
    return this.port.set(options);
  }
  get(): ReturnType<BindingPortInterface['get']> {
    return this.port.get();
  }
  getBaudRate(): ReturnType<BindingPortInterface['getBaudRate']> {
    return this.port.getBaudRate();
  }
  flush(): Promise<void> {
    return this.port.flush();
  }
  drain(): Promise<void> {
    return this.port.drain();
  }
}

/**
 * The binding SerialLink gives serialport: the platform's own (SerialPort.binding), with main-thread
 * reads gathered per frame at `baud`. A platform port without an fd and poller (Windows) is used
 * as it is. `maxWaitMs` bounds one gathering wait (keep it under the inter-byte timeout).
 */
export function mainThreadBinding(baud: number, maxWaitMs: number): BindingInterface {
  const platform = SerialPort.binding as unknown as BindingInterface;
  return {
    list: () => platform.list(),
    async open(options: OpenOptions): Promise<BindingPortInterface> {
      const port = await platform.open(options);
      // A full output buffer is retried after 16 byte times (8 ms at 19200 baud), at least 1 ms.
      return isUnixPort(port) ? new MainThreadPort(port, ReadGather.forBaud(baud, maxWaitMs), Math.max(1, (16 * 10_000) / baud)) : port;
    },
  };
}
