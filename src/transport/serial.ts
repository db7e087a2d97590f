// RS-232 heartbeat link: 8N1 at the configured baud, one frame per '\n'-terminated line, read
// through a LineSplitter (@serialport/parser-readline behind a bound: long lines, partial lines
// and noise are dropped and counted). Touches only its serial device.
//
// When the device goes away (USB adapter unplugged, socat killed) the link reports `medium down`
// once and re-opens the same path with backoff (reopen.ts; 100 ms doubling to a 500 ms cap: a
// failed open is one cheap syscall, and a returning device is used again well within the
// required second); it reports `medium up` when the port is back. Failed
// re-open attempts are silent: one warning per outage, one notice on recovery. open() itself
// never fails because the device is missing: it starts the same re-open cycle, so a cable
// plugged in after the daemon started is picked up.
import { SerialPort } from 'serialport';
import { BaseLink } from './base.js';
import { LineSplitter } from './line-splitter.js';
import type { LinkDeps } from './log.js';
import { MAX_FRAME_BYTES } from '../protocol/frame.js';
import { Reopener } from './reopen.js';
import { LinePacer, type PacerDecision } from './line-pacer.js';
import { mainThreadBinding } from './serial-binding.js';
import type { BindingInterface } from '@serialport/bindings-cpp';

/** The longest gathering wait, as a share of the inter-byte timeout (see the constructor). */
const GATHER_SHARE_OF_INTER_BYTE = 0.8;

export interface SerialLinkOptions {
  device: string;
  baud: number;
  /** Re-open backoff: first delay and cap, ms (defaults 100 and 500). */
  reopenMinMs?: number;
  reopenMaxMs?: number;
  /** A partial line older than this is dropped (default: 50 ms or 20 character times). */
  interByteTimeoutMs?: number;
  /** Frames are dropped instead of queued beyond this many unsent bytes (a stalled line). */
  maxQueuedBytes?: number;
}

export class SerialLink extends BaseLink {
  private port: SerialPort | null = null;
  private readonly splitter: LineSplitter;
  private expireTimer: NodeJS.Timeout | null = null;
  private readonly reopener: Reopener;
  private readonly maxQueued: number;
  private readonly interByteMs: number;
  /** Never more frames than the line's baud can carry (line-pacer.ts). */
  private readonly pacer: LinePacer;
  private flushTimer: NodeJS.Timeout | null = null;
  /** serialport's binding with main-thread reads and writes (serial-binding.ts). */
  private readonly binding: BindingInterface;

  constructor(
    private readonly options: SerialLinkOptions,
    deps: LinkDeps,
  ) {
    super(`serial:${options.device}`, 'serial', deps);
    this.reopener = new Reopener(
      { minMs: options.reopenMinMs ?? 100, maxMs: options.reopenMaxMs ?? 500 },
      () => this.tryOpen(),
      () => this.setMedium(true, `${options.device} re-opened`),
    );
    this.maxQueued = options.maxQueuedBytes ?? 16 * MAX_FRAME_BYTES;
    const charMs = 10_000 / options.baud; // 8N1: 10 bits per byte
    this.pacer = LinePacer.forBaud(options.baud);
    this.interByteMs = options.interByteTimeoutMs ?? Math.max(50, 20 * charMs);
    // A gathering wait stays inside the inter-byte timeout (a fifth of it to spare: the expiry
    // timer is armed at the same read, for interByteMs + 1), so it never expires a line; at 19200
    // baud that is 40 ms, room for a whole 70-byte frame (36 ms) in one wait.
    this.binding = mainThreadBinding(options.baud, this.interByteMs * GATHER_SHARE_OF_INTER_BYTE);
    this.splitter = new LineSplitter(MAX_FRAME_BYTES, this.interByteMs, {
      line: (text, bytes) => this.deliver(text, bytes),
      drop: (reason, bytes) => this.dropReceived(bytes, reason),
    });
  }

  async open(): Promise<void> {
    const error = await this.tryOpen();
    if (error) {
      this.setMedium(false, `cannot open ${this.options.device}: ${error.message}`);
      this.reopener.schedule();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.reopener.stop();
    if (this.expireTimer) clearTimeout(this.expireTimer);
    this.expireTimer = null;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  protected transmit(frame: string): void {
    if (!this.port?.isOpen) {
      this.recorder.drops.count('send-failed');
      return;
    }
    this.apply(this.pacer.offer(frame, this.deps.now()));
  }

  private apply(decision: PacerDecision): void {
    if (decision.superseded) this.recorder.drops.count('superseded');
    if (decision.write !== null) this.write(decision.write);
    if (decision.flushAt !== null && this.flushTimer === null) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = null;
        if (!this.closed) this.apply(this.pacer.flush(this.deps.now()));
      }, Math.max(1, Math.ceil(decision.flushAt - this.deps.now())));
    }
  }

  private write(frame: string): void {
    const port = this.port;
    if (!port || !port.isOpen || port.writableLength > this.maxQueued) {
      this.recorder.drops.count('send-failed');
      return;
    }
    const data = Buffer.from(frame + '\n', 'latin1');
    port.write(data, (err) => {
      if (err) this.recorder.drops.count('send-failed');
      else this.recorder.sent(data.length);
    });
  }

  /** Opens the device once; resolves with the error instead of throwing. */
  private tryOpen(): Promise<Error | null> {
    return new Promise((resolve) => {
      // SerialPort's options type leaves `binding` out, but the constructor takes it over the
      // detected one: a variable, not a literal, so the extra property type-checks.
      const settings = { binding: this.binding, path: this.options.device, baudRate: this.options.baud, dataBits: 8, stopBits: 1, parity: 'none', rtscts: false, autoOpen: false } as const;
      const port = new SerialPort(settings);
      port.open((err) => {
        if (err) return resolve(err);
        if (this.closed) {
          port.close();
          return resolve(null);
        }
        this.port = port;
        port.on('data', (chunk: Buffer) => this.onData(chunk));
        port.on('error', (e: Error) => this.lost(port, e.message));
        port.on('close', (e: Error | null) => this.lost(port, e?.message ?? 'port closed'));
        port.on('end', () => this.lost(port, 'end of input'));
        resolve(null);
      });
    });
  }

  private onData(chunk: Buffer): void {
    this.splitter.feed(chunk, this.deps.now());
    if (this.expireTimer) clearTimeout(this.expireTimer);
    this.expireTimer = null;
    if (this.splitter.pending) {
      this.expireTimer = setTimeout(() => {
        this.expireTimer = null;
        this.splitter.expire(this.deps.now());
      }, this.interByteMs + 1);
    }
  }

  /** The open port failed: report once, forget it, and start re-opening. */
  private lost(port: SerialPort, reason: string): void {
    if (this.closed || this.port !== port) return;
    this.port = null;
    this.pacer.reset();
    port.removeAllListeners('data');
    port.on('error', () => undefined); // late errors of a dead port are expected
    if (port.isOpen) port.close(() => undefined);
    this.setMedium(false, `${this.options.device}: ${reason}`);
    this.reopener.schedule();
  }
}
