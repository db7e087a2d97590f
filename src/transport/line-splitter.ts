// Cuts a serial byte stream into lines with bounded memory. A line longer than the limit is
// discarded as it streams in (never buffered), a line that stops arriving before its newline is
// dropped after an inter-byte timeout, and lines with non-printable bytes are noise. Pure: the
// caller passes the time in and arms a timer for expire().
import type { DropReason } from '../protocol/drops.js';

export interface SplitterSink {
  line(text: string, bytes: number): void;
  drop(reason: DropReason, bytes: number): void;
}

const NEWLINE = 0x0a;
const CR = 0x0d;

export class LineSplitter {
  private readonly buffer: Buffer;
  private length = 0;
  /** Bytes of the current line thrown away because it outgrew the buffer. */
  private overflowed = 0;
  private lastByteAt = 0;

  constructor(
    private readonly maxLineBytes: number,
    private readonly interByteTimeoutMs: number,
    private readonly sink: SplitterSink,
  ) {
    this.buffer = Buffer.alloc(maxLineBytes);
  }

  /** Whether a partial line is waiting (the caller arms a timer for expire()). */
  get pending(): boolean {
    return this.length > 0 || this.overflowed > 0;
  }

  feed(chunk: Uint8Array, now: number): void {
    this.expire(now);
    for (const byte of chunk) {
      if (byte === NEWLINE) {
        this.endLine();
      } else if (this.overflowed > 0 || this.length === this.maxLineBytes) {
        this.overflowed += this.length + 1;
        this.length = 0;
      } else {
        this.buffer[this.length++] = byte;
      }
    }
    this.lastByteAt = now;
  }

  /** Drops a partial line whose last byte is older than the inter-byte timeout. */
  expire(now: number): void {
    if (!this.pending || now - this.lastByteAt < this.interByteTimeoutMs) return;
    this.sink.drop(this.overflowed > 0 ? 'too-long' : 'partial-line', this.length + this.overflowed);
    this.length = 0;
    this.overflowed = 0;
  }

  private endLine(): void {
    const bytes = this.length + this.overflowed + 1;
    if (this.overflowed > 0) {
      this.sink.drop('too-long', bytes);
    } else {
      let end = this.length;
      if (end > 0 && this.buffer[end - 1] === CR) end--; // tolerate CRLF from terminal programs
      if (end === 0) {
        this.sink.drop('line-noise', bytes);
      } else {
        const view = this.buffer.subarray(0, end);
        if (view.every((b) => b >= 0x20 && b <= 0x7e)) this.sink.line(view.toString('latin1'), bytes);
        else this.sink.drop('line-noise', bytes);
      }
    }
    this.length = 0;
    this.overflowed = 0;
  }
}
