// Per-link counters shared by every Link implementation, plus the screening every received
// frame passes before it is handed on: size and printable characters, the same on all media.
import type { LinkStats } from './link.js';
import { DropCounters, type DropReason } from '../protocol/drops.js';
import { MAX_FRAME_BYTES } from '../protocol/frame.js';

/** Inter-arrival statistics cover the last this-many accepted frames. */
export const INTER_ARRIVAL_WINDOW = 256;

export class LinkStatsRecorder {
  private framesSent = 0;
  private framesReceived = 0;
  private bytesSent = 0;
  private bytesReceived = 0;
  private lastHeardAt: number | null = null;
  private lastAcceptedAt: number | null = null;
  private readonly intervals: number[] = [];
  private next = 0;
  readonly drops = new DropCounters();

  sent(bytes: number): void {
    this.framesSent++;
    this.bytesSent += bytes;
  }

  /** A frame handed to listeners at monotonic time `at` (not yet decoded: anyone can send one). */
  received(bytes: number, at: number): void {
    this.framesReceived++;
    this.bytesReceived += bytes;
    this.lastHeardAt = at;
  }

  /** The frame received at `at` was authentic and new: only these make inter-arrival times. */
  accepted(at: number): void {
    if (this.lastAcceptedAt !== null) {
      const gap = Math.max(0, at - this.lastAcceptedAt);
      if (this.intervals.length < INTER_ARRIVAL_WINDOW) this.intervals.push(gap);
      else this.intervals[this.next] = gap;
      this.next = (this.next + 1) % INTER_ARRIVAL_WINDOW;
    }
    this.lastAcceptedAt = at;
  }

  /** Bytes that arrived but never became a frame still count as traffic. */
  receivedJunk(bytes: number, reason: DropReason): void {
    this.bytesReceived += bytes;
    this.drops.count(reason);
  }

  snapshot(): LinkStats {
    const sorted = [...this.intervals].sort((a, b) => a - b);
    const count = sorted.length;
    const mean = count === 0 ? 0 : sorted.reduce((a, b) => a + b, 0) / count;
    const p99 = count === 0 ? 0 : sorted[Math.min(count - 1, Math.ceil(count * 0.99) - 1)]!;
    return {
      framesSent: this.framesSent,
      framesReceived: this.framesReceived,
      bytesSent: this.bytesSent,
      bytesReceived: this.bytesReceived,
      drops: this.drops.nonZero(),
      lastHeardAt: this.lastHeardAt,
      interArrival: { mean, max: count === 0 ? 0 : sorted[count - 1]!, p99, count },
    };
  }
}

const PRINTABLE = /^[\x20-\x7e]+$/;

/**
 * Why a received (or to-be-sent) frame cannot be a twinbeat frame, or null if it may be one.
 * Cheap checks only; the codec does the rest.
 */
export function screenFrame(frame: string): DropReason | null {
  if (frame.length > MAX_FRAME_BYTES) return 'too-long';
  if (!PRINTABLE.test(frame)) return 'line-noise';
  return null;
}
