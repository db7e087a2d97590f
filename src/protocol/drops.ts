// Why a received frame was thrown away. Links count the reasons they detect themselves (size,
// noise, partial lines, own frames); the frame codec (decode, authentication, replay window)
// refuses the rest and the daemon loop counts those, one DropCounters per link. Operators
// read these counters in `twinbeat status`; DROP_REASON_DOCS is generated into README "Drop
// counters" by scripts/config-docs.ts from drop-docs.ts, so the table there cannot drift from
// this list. Imports nothing (frame.ts and replay.ts name their reasons from here). Pure: no I/O.

export const DROP_REASONS = [
  'too-long',
  'malformed',
  'bad-version',
  'unknown-type',
  'unknown-node',
  'own-frame',
  'unknown-key',
  'bad-mac',
  'replay',
  'old-generation',
  'too-old',
  'line-noise',
  'partial-line',
  'foreign-source',
  'send-refused',
  'send-failed',
  'superseded',
] as const;

export type DropReason = (typeof DROP_REASONS)[number];

/** Drops by reason, only the reasons seen (DropCounters.nonZero()). */
export type DropCounts = Partial<Record<DropReason, number>>;

export class DropCounters {
  private readonly counts = new Map<DropReason, number>();

  count(reason: DropReason): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
  }

  get(reason: DropReason): number {
    return this.counts.get(reason) ?? 0;
  }

  total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  /** Only the reasons seen at least once (what status and metrics list per link). */
  nonZero(): DropCounts {
    const out: DropCounts = {};
    for (const reason of DROP_REASONS) {
      const n = this.counts.get(reason);
      if (n) out[reason] = n;
    }
    return out;
  }

  /** Every reason, zero or not, so status output has a stable shape. */
  snapshot(): Record<DropReason, number> {
    const out = {} as Record<DropReason, number>;
    for (const reason of DROP_REASONS) out[reason] = this.counts.get(reason) ?? 0;
    return out;
  }
}
