// The messages two twinbeat nodes exchange. Pure data: src/protocol/frame.ts turns them into
// one signed text line and back, src/core decides what they mean.
//
// Type codes are numeric on the wire and only ever appended: a node that meets a code it does not
// know drops the frame as `unknown-type` instead of guessing.

export const PROTOCOL_VERSION = 1;

export const MessageType = {
  /** Periodic heartbeat, also sent at once whenever the sender's state changes. */
  Status: 1,
  /** "I am stopping on purpose and hold nothing": the peer takes over without waiting deadtime. */
  Goodbye: 2,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** The role a node announces. One character on the wire (see ROLE_CODES). */
export type Role =
  | 'init' // waiting for initdead or for the first word from the peer
  | 'active' // settled: holds whatever it should hold
  | 'transition' // starting or stopping resources
  | 'standby' // operator standby: holds nothing, wants nothing
  | 'failed' // a stop failed: may still hold resources, needs an operator
  | 'leaving'; // graceful stop in progress

export const ROLE_CODES: Record<Role, string> = {
  init: 'I',
  active: 'A',
  transition: 'T',
  standby: 'S',
  failed: 'F',
  leaving: 'L',
};

/**
 * Resource-group claims as bit sets: bit i is group i in haresources order (both nodes share
 * the same haresources, which the config digest checks). At most 32 groups.
 */
export interface Claims {
  /** Groups this node may be running: started, starting or stopping ("not known to be stopped"). */
  holds: number;
  /** Groups this node believes it should hold and asks the peer to grant. */
  wants: number;
  /** Groups this node does not hold and promises not to start while the peer wants them. */
  grants: number;
}

/**
 * The highest generation a node may run under: a restart every second for 68 years. A state file
 * at this value is refused at start (it cannot grow), and a node never continues under a higher
 * one, so a generation always fits the wire's numbers and a node always sends.
 */
export const MAX_GENERATION = 2 ** 31 - 1;

/**
 * A config digest (src/config/digest.ts) starts with this many hex characters that stand for the
 * resource groups alone; the rest covers nodes, timings and policy. Two nodes whose group parts
 * differ cannot read each other's claims; a difference elsewhere is drift to report, not to fear.
 */
export const GROUPS_DIGEST_HEX = 4;

/** The two digests (full or wire prefixes) describe the same resource groups. */
export function sameGroups(digest: string, other: string): boolean {
  return digest.slice(0, GROUPS_DIGEST_HEX) === other.slice(0, GROUPS_DIGEST_HEX);
}

export interface StatusMessage {
  type: typeof MessageType.Status | typeof MessageType.Goodbye;
  /** Sender's node name (as in ha.cf `node`). */
  from: string;
  /** Sender's boot counter, persisted and bumped at every daemon start. */
  generation: number;
  /** Sender's sequence number within its generation; starts at 1, +1 per frame sent. */
  seq: number;
  /**
   * The newest (generation, seq) the sender has accepted from the receiver; 0/0 when none.
   * Lets a grant refer to a specific want: a grant counts only if it acknowledges the want.
   */
  ackGeneration: number;
  ackSeq: number;
  role: Role;
  claims: Claims;
  /** Operator standby flag of the sender (persisted on the sender). */
  standby: boolean;
  /** Short hex digest of the pair's shared configuration (ha.cf timings, haresources). */
  configDigest: string;
  /**
   * The sender's uplink score (ping nodes reached plus tracked interfaces up), sent only with
   * uplink tracking on and once measured; absent: unknown (src/core/uplink.ts).
   */
  uplink?: number;
  /**
   * Sent only while the receiver's digest names other resource groups than the sender's
   * (group drift, src/core/drift.ts): what lets two nodes whose haresources differ in owners
   * only keep reading each other's claims. Absent in every frame without group drift.
   */
  drift?: DriftWord;
}

/** The sender's side of a group drift (src/core/drift.ts "Owners only"). */
export interface DriftWord {
  /** 24-bit digest of the sender's group keys (src/core/claims.ts keySetDigest): equal → same bits. */
  keySet: number;
  /** Claim bits of the groups the sender's haresources gives the sender (its owner lines). */
  owned: number;
  /**
   * The sender reads our claim bits (our key sets match) and its grants are plain grant bits;
   * false: its grants word says only whether it holds its own groups (claims.ts OWN_GROUPS_ONLY).
   */
  readable: boolean;
}

export type Message = StatusMessage;
