// RS-232 heartbeat link: 8N1 at the configured baud, one frame per '\n'-terminated line, read
// through a LineSplitter (@serialport/parser-readline behind a bound: long lines, partial lines
// and noise are dropped and counted). Touches only its serial device.
//
// When the device goes away (USB adapter unplugged, socat killed) the link reports `medium down`
// once and re-opens the same path with backoff (reopen.ts; 100 ms doubling to a 500 ms cap: a
// failed open is one cheap syscall, and a returning device is used again well within the
// required second); it reports `medium up` when the port is back. While re-opening fails the
// link says why every 10 s (`link-reopen-failing`), never per attempt. open() itself never fails
// because the device is missing: it starts the same re-open cycle, so a cable plugged in after
// the daemon started is picked up.
//
// A down link always comes back by itself. The way from a dead port to a re-open runs through
// serialport's stream events, bindings-cpp's native poller and an open on the libuv thread
// pool; an event that never comes (a close that does not complete, an error swallowed after
// close) or an open that never finishes would leave the link down for good, and which of them
// happens depends on timing under load. So the re-open does not rest on them alone: an attempt
// that hangs counts as failed after 5 s (reopen.ts), and a once-a-second check holds the
// invariant "closed, or the port is open, or a re-open is pending" — a port that stopped being
// open without telling us is treated as lost, a down link without a pending re-open gets one.
import { SerialPort } from 'serialport';
import { BaseLink } from './base.js';
import { LineSplitter } from './line-splitter.js';
import type { LinkDeps } from './log.js';
import { MAX_FRAME_BYTES } from '../protocol/frame.js';
import { Reopener, attemptOnce } from './reopen.js';
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
  /** An open attempt not finished after this long counts as failed, ms (default 5 s). */
  openTimeoutMs?: number;
  /** Period of the recovery check, ms (default 1 s). */
  recoveryCheckMs?: number;
  /** Tests: a fake of serialport's binding instead of the platform's (serial-binding.ts). */
  binding?: BindingInterface;
}

/** While re-opening fails, why is logged at most this often per link. */
const STILL_FAILING_EVERY_MS = 10_000;

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
  private recoveryTimer: NodeJS.Timeout | null = null;
  /** A port seen not open by the last recovery check while still ours (lost on the next one). */
  private notOpenSince: SerialPort | null = null;
  /** The current outage: failed attempts, and when its reason was last logged (deps.now()). */
  private failedAttempts = 0;
  private lastFailureLogAt: number | null = null;

  constructor(
    private readonly options: SerialLinkOptions,
    deps: LinkDeps,
  ) {
    super(`serial:${options.device}`, 'serial', deps);
    this.reopener = new Reopener(
      { minMs: options.reopenMinMs ?? 100, maxMs: options.reopenMaxMs ?? 500, attemptTimeoutMs: options.openTimeoutMs },
      (abandoned) => this.tryOpen(abandoned),
      () => this.reopened(),
      (error) => this.reopenFailed(error),
    );
    this.maxQueued = options.maxQueuedBytes ?? 16 * MAX_FRAME_BYTES;
    const charMs = 10_000 / options.baud; // 8N1: 10 bits per byte
    this.pacer = LinePacer.forBaud(options.baud);
    this.interByteMs = options.interByteTimeoutMs ?? Math.max(50, 20 * charMs);
    // A gathering wait stays inside the inter-byte timeout (a fifth of it to spare: the expiry
    // timer is armed at the same read, for interByteMs + 1), so it never expires a line; at 19200
    // baud that is 40 ms, room for a whole 70-byte frame (36 ms) in one wait.
    this.binding = options.binding ?? mainThreadBinding(options.baud, this.interByteMs * GATHER_SHARE_OF_INTER_BYTE);
    this.splitter = new LineSplitter(MAX_FRAME_BYTES, this.interByteMs, {
      line: (text, bytes) => this.deliver(text, bytes),
      drop: (reason, bytes) => this.dropReceived(bytes, reason),
    });
  }

  async open(): Promise<void> {
    // Bounded like every re-open: a first open stuck in the thread pool must not hold up the daemon's start.
    const error = await attemptOnce((abandoned) => this.tryOpen(abandoned), new AbortController(), this.options.openTimeoutMs);
    if (error) {
      this.reopener.schedule();
      this.lastFailureLogAt = this.deps.now();
      this.setMedium(false, `cannot open ${this.options.device}: ${error.message}`);
    }
    if (!this.closed && this.recoveryTimer === null) {
      this.recoveryTimer = setInterval(() => this.checkRecovery(), this.options.recoveryCheckMs ?? 1_000);
      this.recoveryTimer.unref();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.reopener.stop();
    if (this.recoveryTimer) clearInterval(this.recoveryTimer);
    this.recoveryTimer = null;
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

  /**
   * Opens the device once; resolves with the error instead of throwing. A port that opens after
   * the link closed or the Reopener gave up on this attempt (`abandoned`) is closed again.
   */
  private tryOpen(abandoned?: AbortSignal): Promise<Error | null> {
    return new Promise((resolve) => {
      // SerialPort's options type leaves `binding` out, but the constructor takes it over the
      // detected one: a variable, not a literal, so the extra property type-checks.
      const settings = { binding: this.binding, path: this.options.device, baudRate: this.options.baud, dataBits: 8, stopBits: 1, parity: 'none', rtscts: false, autoOpen: false } as const;
      const port = new SerialPort(settings);
      port.open((err) => {
        if (err) return resolve(err);
        if (this.closed || abandoned?.aborted) {
          port.on('error', () => undefined);
          port.close();
          return resolve(this.closed ? null : new Error('opened after the attempt was given up'));
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

  /** The open port failed: forget it, start re-opening, and report once. */
  private lost(port: SerialPort, reason: string): void {
    if (this.closed || this.port !== port) return;
    this.port = null;
    this.pacer.reset();
    port.removeAllListeners('data');
    port.on('error', () => undefined); // late errors of a dead port are expected
    // Scheduled before anything can throw (closing, reporting): the re-open must not depend on them.
    this.reopener.schedule();
    this.failedAttempts = 0;
    this.lastFailureLogAt = this.deps.now();
    if (port.isOpen) port.close(() => undefined);
    this.setMedium(false, `${this.options.device}: ${reason}`);
  }

  /** A re-open succeeded: medium up, unless that port already died (then try again). */
  private reopened(): void {
    const port = this.port;
    if (port === null || !port.isOpen) {
      if (port) this.lost(port, 'lost right after re-opening');
      else this.reopener.schedule();
      return;
    }
    const attempts = this.failedAttempts;
    this.failedAttempts = 0;
    this.setMedium(true, `${this.options.device} re-opened${attempts > 0 ? ` after ${attempts + 1} attempts` : ''}`);
  }

  /** Failed re-opens are quiet, but an outage says why it lasts: at most once per STILL_FAILING_EVERY_MS. */
  private reopenFailed(error: Error): void {
    this.failedAttempts++;
    const now = this.deps.now();
    if (this.closed || (this.lastFailureLogAt !== null && now - this.lastFailureLogAt < STILL_FAILING_EVERY_MS)) return;
    this.lastFailureLogAt = now;
    this.deps.log.warn('link-reopen-failing', `${this.name}: still cannot re-open ${this.options.device} after ${this.failedAttempts} attempts: ${error.message}`, {
      link: this.name,
      attempts: this.failedAttempts,
      reason: error.message,
    });
  }

  /**
   * The recovery invariant, checked once a second: closed, or the port is open, or a re-open is
   * pending. A port that is not open on two checks in a row (its close or error never reached
   * us) is lost; a link without a port and without a pending re-open gets one.
   */
  private checkRecovery(): void {
    if (this.closed) return;
    const port = this.port;
    if (port !== null) {
      if (port.isOpen) this.notOpenSince = null;
      else if (this.notOpenSince !== port) this.notOpenSince = port;
      else this.lost(port, 'the port stopped being open without a close event');
      return;
    }
    this.notOpenSince = null;
    if (this.reopener.scheduled) return;
    this.deps.log.warn('link-reopen-rearmed', `${this.name}: down with no re-open pending; trying again`, { link: this.name });
    this.reopener.schedule();
  }
}
