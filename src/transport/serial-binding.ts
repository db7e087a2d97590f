// The serialport package's own binding with one fix: a tty that has hung up reports it.
// Touches only the file descriptor of a port the binding opened.
//
// Why: when the far side of a tty hangs up (a socat pty pair's master closes, a modem drops
// carrier with HUPCL) Linux makes every read() of the slave return 0 bytes at once, forever.
// The stock read loop (@serialport/bindings-cpp unix-read) treats 0 as "try again" and retries
// without waiting: it spins a core and thread-pool thread and never tells the stream, so the
// link never sees "medium down" and never re-opens. The port is opened non-blocking in raw mode,
// where "no data yet" is EAGAIN, never 0: so here 0 bytes is a disconnect, and the stream closes
// with a DisconnectedError like for an unplugged USB adapter (ENXIO).
import { read } from 'node:fs';
import { promisify } from 'node:util';
import { SerialPort } from 'serialport';

const readAsync = promisify(read);

interface ReadResult {
  bytesRead: number;
  buffer: Buffer;
}

/** What the stock Linux/Darwin port binding has and this file relies on. */
export interface PolledPort {
  readonly fd: number | null;
  readonly isOpen: boolean;
  readonly poller?: { once(event: 'readable', cb: (err?: Error | null) => void): void };
  read(buffer: Buffer, offset: number, length: number): Promise<ReadResult>;
}

interface Binding {
  list(): Promise<unknown[]>;
  open(options: unknown): Promise<PolledPort>;
}

const stock = SerialPort.binding as unknown as Binding;

/** The stream reads "canceled" as "closed on purpose": no disconnect, wait for the next open. */
function notOpen(): Error {
  return Object.assign(new Error('Port is not open'), { canceled: true });
}

function hungUp(): Error {
  return Object.assign(new Error('the line hung up (read returned end of file)'), { code: 'EIO', disconnect: true });
}

export type Poller = NonNullable<PolledPort['poller']>;

export async function readReportingHangup(port: PolledPort, poller: Poller, buffer: Buffer, offset: number, length: number): Promise<ReadResult> {
  for (;;) {
    if (!port.isOpen || port.fd === null) throw notOpen();
    try {
      const { bytesRead } = await readAsync(port.fd, buffer, offset, length, null);
      if (bytesRead === 0) throw hungUp();
      return { bytesRead, buffer };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK' && code !== 'EINTR') throw err;
      if (!port.isOpen) throw notOpen();
      await new Promise<void>((resolve, reject) => poller.once('readable', (e) => (e ? reject(e) : resolve())));
    }
  }
}

/** Pass as SerialPort's `binding`: the stock binding whose ports report a hang-up. */
export const hangupAwareBinding = {
  list: () => stock.list(),
  async open(options: unknown): Promise<PolledPort> {
    const port = await stock.open(options);
    const { poller } = port;
    // Windows ports have no poller and no such loop: leave them as they are.
    if (poller) port.read = (buffer, offset, length) => readReportingHangup(port, poller, buffer, offset, length);
    return port;
  },
};
