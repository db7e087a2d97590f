// Why a received frame was thrown away. Links count the reasons they detect themselves (size,
// noise, partial lines, own frames); the frame codec (decode, authentication, replay window)
// refuses the rest and the daemon loop counts those, one DropCounters per link. Operators
// read these counters in `twinbeat status` (see README "Drop counters").

export const DROP_REASONS = [
  'too-long', // longer than MAX_FRAME_BYTES (or a serial line overflowing the bounded buffer)
  'malformed', // not a twinbeat frame: wrong magic or broken structure
  'bad-version', // a twinbeat frame of a protocol version this build does not speak
  'unknown-type', // a message type code this build does not know
  'unknown-node', // sender is not one of the two nodes in ha.cf
  'own-frame', // our own frame came back (broadcast, multicast loop, ucast to self)
  'unknown-key', // signed with a key index not listed in authkeys
  'bad-mac', // signature does not match: wrong key, tampering or corruption
  'replay', // this (generation, seq) was already accepted on this link
  'old-generation', // from an earlier run of the sender than one already heard
  'too-old', // same run, but further behind than the replay window reaches
  'line-noise', // bytes that cannot be a frame (non-printable, empty)
  'partial-line', // serial: a line that stopped arriving before its newline
  'foreign-source', // bcast: a datagram from outside the device's subnet (another interface)
  'send-refused', // we were asked to send a frame that no receiver would accept
  'send-failed', // the medium refused a frame we sent (socket error, port closed)
  'superseded', // serial: a newer heartbeat replaced this one while the line was still busy
] as const;

export type DropReason = (typeof DROP_REASONS)[number];

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
  nonZero(): Partial<Record<DropReason, number>> {
    const out: Partial<Record<DropReason, number>> = {};
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
