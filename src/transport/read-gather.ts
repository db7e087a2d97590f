// When to read a serial line next. A UART (or the bench's paced relay) hands a heartbeat over in
// pieces of a few bytes as they come off the wire; reading every piece costs a wake-up each, 14
// for one 55-byte frame at 19200 baud. The line's own traffic says when the frame will be whole:
// frames from one peer are nearly the same length, so once a frame has started, the rest of it
// is (expected length − bytes so far) × the airtime of a byte away. The reader sleeps until then
// and takes the rest in one read: one timer per frame.
//
// The expected length is the LONGEST of the recent frames plus a few bytes of slack (the byte
// that woke the reader before it read, a counter that gained a digit, a relay's pacing jitter):
// waking a little after the end costs a shorter frame at most (spread + slack) byte times of
// latency, 2-4 ms at 19200 baud; waking before it cost a second and third timer on nearly every
// frame (measured 2.2 gathering timers per frame with the shortest length and no slack). A frame
// that runs longer still is read again after the slack alone, never piece by piece. It never
// waits at a line boundary, never longer than `maxWaitMs`, and reads each piece as it comes when
// no length is known yet. Pure: the caller feeds it what it read and owns the timer.

const NEWLINE = 0x0a;
/** Frame lengths remembered: the longest of them is the expectation (lengths move by a digit). */
const REMEMBERED = 4;
/** Bytes waited for past the expected end (see above). */
export const SLACK_BYTES = 3;

export class ReadGather {
  /** Bytes of the unfinished line read so far. */
  private partial = 0;
  /** Lengths of the last complete lines (newline included), newest last. */
  private readonly lengths: number[] = [];

  /**
   * @param msPerByte airtime of one byte (8N1: 10 bit times).
   * @param maxWaitMs longest single wait (the caller keeps it below its inter-byte timeout).
   */
  constructor(
    private readonly msPerByte: number,
    private readonly maxWaitMs: number,
  ) {}

  /** 8N1 at `baud`. */
  static forBaud(baud: number, maxWaitMs: number): ReadGather {
    return new ReadGather(10_000 / baud, maxWaitMs);
  }

  /** Bytes just read (`bytes[start, end)`). */
  observe(bytes: Uint8Array, start: number, end: number): void {
    let lineStart = start;
    for (let i = bytes.indexOf(NEWLINE, start); i >= 0 && i < end; i = bytes.indexOf(NEWLINE, i + 1)) {
      this.remember(this.partial + i + 1 - lineStart);
      this.partial = 0;
      lineStart = i + 1;
    }
    this.partial += end - lineStart;
  }

  /** How long to wait before the next read, ms (0: read now; on EAGAIN, wait for the line to be readable). */
  waitMs(): number {
    if (this.partial === 0 || this.lengths.length === 0) return 0;
    const rest = Math.max(0, Math.max(...this.lengths) - this.partial);
    return Math.min(this.maxWaitMs, (rest + SLACK_BYTES) * this.msPerByte);
  }

  /** The port was re-opened: what was half read is gone. */
  reset(): void {
    this.partial = 0;
  }

  private remember(length: number): void {
    this.lengths.push(length);
    if (this.lengths.length > REMEMBERED) this.lengths.shift();
  }
}
