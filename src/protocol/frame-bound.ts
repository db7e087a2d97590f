// The longest heartbeat frame a pair can send: the codec's output for the largest realistic
// message (generation 99999, sequence and acknowledgement numbers at 10^9: a frame every 10 ms
// for four months; every group in every claim set; the uplink score field when the pair tracks
// uplinks) between this pair's node names. The drift field (src/core/drift.ts) is left out: it
// is sent only while the two configurations list other groups, a misconfiguration `status`
// reports, and counting it would refuse timings that are safe for every agreeing pair. What a
// serial line must carry per heartbeat (src/config/deadtime-floor.ts) and what
// scripts/bench/frame-size.ts reports. Pure.
import type { AuthMethod } from '../config/types.js';
import { encodeFrame } from './frame.js';
import { MessageType, type Message } from './message.js';

/** Claim sets are 32 bits: more groups than that cannot be named on the wire. */
const MAX_GROUPS = 32;

/** Every group in every set: the most digits the claims field can take for `groups` groups. */
function allGroups(groups: number): number {
  const n = Math.max(0, Math.min(MAX_GROUPS, Math.floor(groups)));
  return n >= MAX_GROUPS ? 0xffffffff : 2 ** n - 1;
}

/** The largest realistic status message from `from` in a pair with `groups` resource groups. */
export function worstCaseStatus(from: string, groups: number, uplink = false): Message {
  const all = allGroups(groups);
  const message: Message = {
    type: MessageType.Status,
    from,
    generation: 99_999,
    seq: 1_000_000_000,
    ackGeneration: 99_999,
    ackSeq: 1_000_000_000,
    role: 'transition',
    standby: true,
    claims: { holds: all, wants: all, grants: all },
    configDigest: '3fa9c0de12345678',
  };
  // With uplink tracking every frame carries the score (src/core/uplink.ts); 63 is the largest
  // one-digit score, far above any real count of ping nodes and interfaces.
  if (uplink) message.uplink = 63;
  return message;
}

/**
 * Bytes on a serial line (newline included; a UDP datagram is one less) of the longest frame
 * either node of the pair sends, signed with `method`, with an uplink score field when `uplink`.
 */
export function worstCaseFrameBytes(nodes: readonly string[], groups: number, method: AuthMethod, uplink = false): number {
  const auth = { signIndex: 1, keys: [{ index: 1, method, key: 'frame-bound' }] };
  let longest = 0;
  for (const from of nodes) {
    const frame = encodeFrame(worstCaseStatus(from, groups, uplink), { auth, nodes, self: from });
    longest = Math.max(longest, Buffer.byteLength(frame, 'latin1') + 1);
  }
  return longest;
}
