// Cuts a serial byte stream into lines with bounded memory. @serialport/parser-readline splits
// complete lines; a bound in front of it keeps the unfinished line, at most the line limit of it,
// so a line without a newline can never grow memory: a line longer than the limit is discarded
// as it streams in, a line that stops arriving before its newline is dropped after an
// inter-byte timeout, and lines with non-printable bytes are noise. The parser is given only
// bytes up to a newline, in one write per chunk that has one; newlines are found with
// Buffer.indexOf (native), so there is no per-byte JavaScript. The caller passes the time in and
// arms a timer for expire(); touches nothing else.
import { ReadlineParser } from '@serialport/parser-readline';
import type { DropReason } from '../protocol/drops.js';

export interface SplitterSink {
  line(text: string, bytes: number): void;
  drop(reason: DropReason, bytes: number): void;
}

const NEWLINE = 0x0a;
// Uint8Array's own search and copy are V8 builtins; Buffer's versions wrap them in argument
// handling that costs more than the work itself for the few bytes one serial read brings.
const { lastIndexOf } = Uint8Array.prototype;
const PRINTABLE = /^[\x20-\x7e]+$/;

export class LineSplitter {
  /** Emits each complete line (empty ones too: object mode) without its '\n', as latin1 text. */
  private readonly parser = new ReadlineParser({ delimiter: '\n', encoding: 'latin1', readableObjectMode: true });
  /** The unfinished line (bytes not yet followed by a newline): the bound, maxLineBytes long. */
  private readonly unfinished: Buffer;
  private unfinishedBytes = 0;
  /** Bytes of the current line thrown away because it outgrew the bound (never buffered). */
  private overflowed = 0;
  private lastByteAt = 0;

  constructor(
    private readonly maxLineBytes: number,
    private readonly interByteTimeoutMs: number,
    private readonly sink: SplitterSink,
  ) {
    this.unfinished = Buffer.alloc(maxLineBytes);
    this.parser.on('data', (line: string) => this.parsed(line));
  }

  /** Whether a partial line is waiting (the caller arms a timer for expire()). */
  get pending(): boolean {
    return this.unfinishedBytes > 0 || this.overflowed > 0;
  }

  feed(chunk: Buffer, now: number): void {
    this.expire(now);
    const last = lastIndexOf.call(chunk, NEWLINE);
    if (last >= 0) {
      let complete = chunk.subarray(0, last + 1);
      if (this.overflowed > 0) {
        // The first newline ends the line that already outgrew the bound.
        const first = chunk.indexOf(NEWLINE);
        this.sink.drop('too-long', this.overflowed + first + 1);
        this.overflowed = 0;
        complete = chunk.subarray(first + 1, last + 1);
      } else if (this.unfinishedBytes > 0) {
        complete = Buffer.concat([this.unfinished.subarray(0, this.unfinishedBytes), complete]);
        this.unfinishedBytes = 0;
      }
      if (complete.length > 0) this.parser.write(complete);
    }
    this.hold(last < 0 ? chunk : chunk.subarray(last + 1));
    this.lastByteAt = now;
  }

  /** Drops a partial line whose last byte is older than the inter-byte timeout. */
  expire(now: number): void {
    if (!this.pending || now - this.lastByteAt < this.interByteTimeoutMs) return;
    const reason: DropReason = this.overflowed > 0 ? 'too-long' : 'partial-line';
    const bytes = this.overflowed + this.unfinishedBytes;
    this.overflowed = 0;
    this.unfinishedBytes = 0;
    this.sink.drop(reason, bytes);
  }

  /** The bound: bytes with no newline after them wait for one, up to the line limit. */
  private hold(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.overflowed > 0) {
      this.overflowed += bytes.length;
    } else if (this.unfinishedBytes + bytes.length > this.maxLineBytes) {
      this.overflowed = this.unfinishedBytes + bytes.length;
      this.unfinishedBytes = 0;
    } else {
      this.unfinished.set(bytes, this.unfinishedBytes);
      this.unfinishedBytes += bytes.length;
    }
  }

  private parsed(line: string): void {
    const bytes = line.length + 1;
    // A line that arrived whole in one chunk can exceed the bound without being buffered by it.
    if (line.length > this.maxLineBytes) return this.sink.drop('too-long', bytes);
    const text = line.endsWith('\r') ? line.slice(0, -1) : line; // tolerate CRLF from terminal programs
    if (PRINTABLE.test(text)) this.sink.line(text, bytes);
    else this.sink.drop('line-noise', bytes);
  }
}
