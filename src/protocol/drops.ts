// Why a received frame was thrown away. Links count the reasons they detect themselves (size,
// noise, partial lines, own frames); the frame codec (decode, authentication, replay window)
// refuses the rest and the daemon loop counts those, one DropCounters per link. Operators
// read these counters in `twinbeat status`; DROP_REASON_DOCS is generated into README "Drop
// counters" by scripts/config-docs.ts, so the table there cannot drift from this list.
// Pure: no I/O.
import { MAX_FRAME_BYTES } from './frame.js';
import { REPLAY_WINDOW } from './replay.js';

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

/** What each reason means, in an operator's words (one README table row each). */
export const DROP_REASON_DOCS: Record<DropReason, string> = {
  'too-long': `frame (or serial line) longer than ${MAX_FRAME_BYTES} bytes`,
  malformed: 'not a twinbeat frame: wrong magic or broken structure',
  'bad-version': 'a twinbeat frame of a protocol version this build does not speak',
  'unknown-type': 'a message type this version does not know',
  'unknown-node': 'sender is not one of the two `node` names in ha.cf',
  'own-frame': 'our own frame came back (broadcast, multicast loop, ucast to self); harmless',
  'unknown-key': 'signed with an `authkeys` index we do not list',
  'bad-mac': 'tag does not verify: a different key under the same index, tampering or corruption',
  replay: 'this (generation, sequence) was already accepted on this link',
  'old-generation': 'from an earlier run of the peer than one already heard',
  'too-old': `same run of the peer, but further behind than the ${REPLAY_WINDOW}-frame replay window reaches`,
  'line-noise': 'serial: non-printable bytes or empty lines',
  'partial-line': 'serial: a line that stopped arriving before its newline',
  'foreign-source': '`bcast`: a datagram from outside the device\'s subnet',
  'send-refused': 'we did not send a frame no receiver would accept (invalid frame)',
  'send-failed': 'the medium refused a frame we sent (device down, socket error, line stalled)',
  superseded: 'serial: a newer heartbeat replaced this one while the line was still busy with the previous one (keepalive shorter than a frame\'s time on the wire at `baud`); harmless',
};

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
