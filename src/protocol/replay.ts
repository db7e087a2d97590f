// Replay protection per (link, peer), in the style of the IPsec anti-replay window: a frame is
// accepted once, and only if it is newer than what we have, or at most WINDOW frames behind the
// newest and not seen yet (UDP may reorder a little). A new generation (the peer restarted and
// bumped its persisted boot counter) starts a fresh window; an older generation is refused.
// No wall-clock time is involved, so clock steps cannot open or close the window.
import type { DropReason } from './drops.js';

export const REPLAY_WINDOW = 64;

export type ReplayVerdict = { ok: true } | { ok: false; reason: DropReason };

export class ReplayWindow {
  private generation = -1;
  private highest = 0;
  /** Bit i set: highest - i was accepted (bit 0 is `highest` itself). */
  private seen = 0n;

  constructor(private readonly size = REPLAY_WINDOW) {}

  /** Checks (generation, seq) and, if it is acceptable, records it — one atomic step. */
  check(generation: number, seq: number): ReplayVerdict {
    if (generation < this.generation) return { ok: false, reason: 'old-generation' };
    if (generation > this.generation) {
      this.generation = generation;
      this.highest = seq;
      this.seen = 1n;
      return { ok: true };
    }
    if (seq > this.highest) {
      const shift = seq - this.highest;
      this.seen = shift >= this.size ? 1n : ((this.seen << BigInt(shift)) | 1n) & ((1n << BigInt(this.size)) - 1n);
      this.highest = seq;
      return { ok: true };
    }
    const behind = this.highest - seq;
    if (behind >= this.size) return { ok: false, reason: 'too-old' };
    const bit = 1n << BigInt(behind);
    if (this.seen & bit) return { ok: false, reason: 'replay' };
    this.seen |= bit;
    return { ok: true };
  }
}
