// Per-link counters shared by every Link implementation, plus the screening every received
// frame passes before it is handed on: size and printable characters, the same on all media.
// Pure: counters in memory, time passed in.
import type { LinkStats } from './link.js';
import { DropCounters, type DropReason } from '../protocol/drops.js';
import { MAX_FRAME_BYTES } from '../protocol/frame.js';

/**
 * Inter-arrival statistics cover the last this-many accepted frames: enough for p99.9 to be a
 * rank of its own (the 5th largest) rather than the maximum. 41 s at keepalive 10 ms, 68 min
 * at 1 s; 32 KiB per link.
 */
export const INTER_ARRIVAL_WINDOW = 4096;

/** Below this many gaps a p99.9 is only a guess: no deadtime is advised from it. */
export const ADVICE_MIN_SAMPLES = 64;

/** Nearest-rank percentile (q in 0..1] of an ascending array; 0 when empty. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * q) - 1))]!;
}

/**
 * The deadtime a link's measured inter-arrival distribution supports, in ms (null: fewer than
 * ADVICE_MIN_SAMPLES gaps). max(2 × p99.9, max + p50), rounded up to 10 ms:
 * - 2 × p99.9: one frame may be lost while the next comes as late as the 1-in-1000 worst gap
 *   (the same two-interval rule check's floor applies to the configured timings);
 * - max + p50: the worst gap this window saw must be survived with a typical frame to spare,
 *   so a stall the link has already shown does not declare it dead next time.
 * Rounded up to 10 ms because the figures themselves move by that much between windows.
 */
export function supportedDeadtimeMs(ia: { p50: number; p999: number; max: number; count: number }): number | null {
  if (ia.count < ADVICE_MIN_SAMPLES) return null;
  return Math.ceil(Math.max(2 * ia.p999, ia.max + ia.p50) / 10) * 10;
}

export class LinkStatsRecorder {
  private framesSent = 0;
  private framesReceived = 0;
  private bytesSent = 0;
  private bytesReceived = 0;
  private lastHeardAt: number | null = null;
  private lastAcceptedAt: number | null = null;
  /** Ring buffer of the last INTER_ARRIVAL_WINDOW gaps; `filled` of them are valid. */
  private readonly intervals = new Float64Array(INTER_ARRIVAL_WINDOW);
  private filled = 0;
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
    if (!Number.isFinite(at)) return;
    if (this.lastAcceptedAt !== null) {
      // A clock that went backwards must not make a negative gap.
      const gap = Math.max(0, at - this.lastAcceptedAt);
      this.intervals[this.next] = gap;
      this.next = (this.next + 1) % INTER_ARRIVAL_WINDOW;
      this.filled = Math.min(INTER_ARRIVAL_WINDOW, this.filled + 1);
    }
    this.lastAcceptedAt = at;
  }

  /** Bytes that arrived but never became a frame still count as traffic. */
  receivedJunk(bytes: number, reason: DropReason): void {
    this.bytesReceived += bytes;
    this.drops.count(reason);
  }

  snapshot(): LinkStats {
    const sorted = this.intervals.slice(0, this.filled).sort();
    const count = sorted.length;
    const mean = count === 0 ? 0 : sorted.reduce((a, b) => a + b, 0) / count;
    return {
      framesSent: this.framesSent,
      framesReceived: this.framesReceived,
      bytesSent: this.bytesSent,
      bytesReceived: this.bytesReceived,
      drops: this.drops.nonZero(),
      lastHeardAt: this.lastHeardAt,
      interArrival: { mean, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), p999: percentile(sorted, 0.999), max: percentile(sorted, 1), count },
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
