// A serial line carries one byte per 10 bit times (8N1): a 70-byte heartbeat needs 36 ms at
// 19200 baud. A sender that writes faster than that only fills the UART's transmit buffer, and
// every frame then arrives later and later — a heartbeat seconds old still says "alive now".
// Heartbeat does exactly that (the bench saw its line 100 % full and overrunning). The pacer
// keeps the line honest: a frame goes out only when the previous one has left the wire;
// a frame offered while the line is busy waits, and a newer one replaces it (a heartbeat is
// a snapshot: only the latest matters). Pure: time is passed in, the caller owns the timer.

export interface PacerDecision {
  /** Write this now (null: nothing to write now). */
  write: string | null;
  /** Call flush() at this time (null: nothing pending). */
  flushAt: number | null;
  /** A pending frame was replaced by a newer one (count it). */
  superseded: boolean;
}

export class LinePacer {
  private busyUntil = -Infinity;
  private pending: string | null = null;

  /** @param msPerByte airtime of one byte, in ms. */
  private constructor(private readonly msPerByte: number) {}

  /** 8N1: 10 bit times per byte. */
  static forBaud(baud: number): LinePacer {
    return new LinePacer(10_000 / baud);
  }

  /** Bytes on the wire for a frame (its newline included). */
  private airtimeMs(frame: string): number {
    return (frame.length + 1) * this.msPerByte;
  }

  offer(frame: string, now: number): PacerDecision {
    if (now >= this.busyUntil && this.pending === null) return this.sendNow(frame, now);
    const superseded = this.pending !== null;
    this.pending = frame;
    return { write: null, flushAt: this.busyUntil, superseded };
  }

  /** The line may be free: write what waits, if its turn has come. */
  flush(now: number): PacerDecision {
    if (this.pending === null) return { write: null, flushAt: null, superseded: false };
    if (now < this.busyUntil) return { write: null, flushAt: this.busyUntil, superseded: false };
    const frame = this.pending;
    this.pending = null;
    return this.sendNow(frame, now);
  }

  /** The port went away: what was waiting is stale by the time it returns. */
  reset(): void {
    this.pending = null;
    this.busyUntil = -Infinity;
  }

  private sendNow(frame: string, now: number): PacerDecision {
    this.busyUntil = now + this.airtimeMs(frame);
    return { write: frame, flushAt: null, superseded: false };
  }
}
