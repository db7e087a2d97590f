// The frame format: one heartbeat message as one signed, printable, single-line text frame (no
// newline inside; the serial link adds '\n'). Pure functions, no state: encodeFrame/decodeFrame
// here; the stateful FrameCodec the daemon uses (keys from the config, replay windows) is
// frame-codec.ts. Touches nothing but its arguments. Layout, five space-separated fields:
//
//   T11A1 alice 7.ji.3.iC 1.1.2 fWD01Ahv7kZ99PPWdmRZf9BgJw
//   └─┬─┘ └─┬─┘ └───┬───┘ └─┬─┘ └──────────┬───────────┘
//   header  from  numbers  claims         tail
//
//   header = T, version, type, role, key (one character each):
//   T1       magic and protocol version
//   type     MessageType as one digit (1 status, 2 goodbye)
//   role     ROLE_CODES letter; lower case when the sender is in operator standby
//   key      authkeys index used to sign (0-f)
//   from     sender's node name
//   numbers  generation.seq.ackGeneration.ackSeq in the 64-digit alphabet (alphabet.ts)
//   claims   holds.wants.grants, each 32-bit set as a number in the same alphabet: bit i is
//            group i, so a pair with few groups sends few digits (8 groups: at most 2 each)
//   tail     the first 24 bits of the config digest (4 digits), then the tag over every byte
//            before it (auth.ts; its length follows from the key's method)
//
// Optional sixth field, between claims and tail (only with uplink tracking on, src/core/uplink.ts):
//   uplink   `u` and the sender's uplink score in the same alphabet (`u3`); a frame without it
//            says "unknown". A receiver before uplink tracking drops six-field frames as
//            malformed, so both nodes must run a version with uplink tracking before it is turned
//            on (NOTES/README: "Uplink tracking").
// Optional field after it, only while the two digests name other resource groups (drift, see
// src/core/drift.ts; never in a frame between nodes with the same groups):
//   drift    `o` (the sender reads our claim bits and sends plain grants) or `d` (it does not),
//            the 24-bit digest of the sender's group keys (4 digits), then the claim bits of the
//            groups its haresources gives the sender, in the same alphabet (`o3kZ93`).
//
// Worst realistic heartbeat between 16-character node names (generation ≤ 99999, seq and ack
// up to 10^9, 128-bit tag): 79 bytes with the serial newline for up to 8 resource groups, 91 with
// all 32 groups in every set (scripts/bench/frame-size.ts measures it).
import type { AuthConfig } from '../config/types.js';
import { MessageType, PROTOCOL_VERSION, ROLE_CODES, type DriftWord, type Message, type Role } from './message.js';
import { DIGITS, decodeFixed, decodeNumber, digitValue, encodeFixed, encodeNumber } from './alphabet.js';
import { computeTag, tagLength, verifyTag } from './auth.js';
import type { DropReason } from './drops.js';

export interface FrameContext {
  auth: AuthConfig;
  /** The two node names from ha.cf: the only valid senders. */
  nodes: readonly string[];
  self: string;
}

export type DecodeResult = { ok: true; message: Message; keyIndex: number } | { ok: false; reason: DropReason };

/** Receivers drop longer lines unread; generous for 64-character node names and huge counters. */
export const MAX_FRAME_BYTES = 200;

const MAGIC = 'T';
const VERSION = String(PROTOCOL_VERSION);
/** Characters of the config digest carried on the wire (hex). Compare digests with wireDigest(). */
export const WIRE_DIGEST_HEX = 6;
const DIGEST_DIGITS = 4; // 24 bits
/** Claims are 32-bit sets (at most 6 digits each on the wire). */
const MAX_MASK = 0xffffffff;
const MAX_NAME = 64;

const ROLE_BY_CODE = new Map<string, Role>(Object.entries(ROLE_CODES).map(([role, code]) => [code, role as Role]));
const KNOWN_TYPES = new Set<number>(Object.values(MessageType));
const PRINTABLE_LINE = /^[\x21-\x7e]+(?: [\x21-\x7e]+){4,6}$/;
/** The highest uplink score on the wire: far above any real count of ping nodes and interfaces. */
export const MAX_UPLINK_SCORE = 1000;
const UPLINK_PREFIX = 'u';
/** Drift field prefixes: the sender reads our claim bits, or it does not. */
const DRIFT_READABLE = 'o';
const DRIFT_UNREADABLE = 'd';
const KEY_SET_DIGITS = 4; // 24 bits
/** The largest key-set digest (24 bits). */
export const MAX_KEY_SET = 0xffffff;

/** The part of a config digest that travels: what a receiver compares against its own. */
export function wireDigest(digest: string): string {
  return digest.slice(0, WIRE_DIGEST_HEX).toLowerCase();
}

function encodeMask(value: number, what: string): string {
  if (!Number.isInteger(value) || value < 0 || value > MAX_MASK) throw new RangeError(`${what} must be a 32-bit bit set, got ${value}`);
  return encodeNumber(value);
}

/** holds.wants.grants as three bit sets, or null for anything encodeFrame would not write. */
function decodeClaims(field: string): Message['claims'] | null {
  const masks = field.split('.').map(decodeNumber);
  if (masks.length !== 3 || masks.some((m) => m === null || m > MAX_MASK)) return null;
  const [holds, wants, grants] = masks as [number, number, number];
  return { holds, wants, grants };
}

/** Throws RangeError for a message that cannot be represented (a programming error, not input). */
export function encodeFrame(message: Message, ctx: FrameContext): string {
  const key = ctx.auth.keys.find((k) => k.index === ctx.auth.signIndex);
  if (!key) throw new RangeError(`auth ${ctx.auth.signIndex} names no key in authkeys`);
  if (key.index < 0 || key.index > 15) throw new RangeError(`key index ${key.index} outside 0-15`);
  if (!KNOWN_TYPES.has(message.type)) throw new RangeError(`unknown message type ${message.type}`);
  if (!/^[\x21-\x7e]+$/.test(message.from) || message.from.length > MAX_NAME) throw new RangeError(`node name ${JSON.stringify(message.from)} cannot go on the wire`);
  const digest = wireDigest(message.configDigest);
  if (!/^[0-9a-f]{6}$/.test(digest)) throw new RangeError(`config digest ${JSON.stringify(message.configDigest)} needs at least ${WIRE_DIGEST_HEX} hex digits`);
  const role = ROLE_CODES[message.role];
  const header = MAGIC + VERSION + DIGITS[message.type]! + (message.standby ? role.toLowerCase() : role) + DIGITS[key.index]!;
  const numbers = [message.generation, message.seq, message.ackGeneration, message.ackSeq].map(encodeNumber).join('.');
  const { holds, wants, grants } = message.claims;
  const claims = `${encodeMask(holds, 'holds')}.${encodeMask(wants, 'wants')}.${encodeMask(grants, 'grants')}`;
  const uplink = message.uplink === undefined ? '' : ` ${encodeUplink(message.uplink)}`;
  const drift = message.drift === undefined ? '' : ` ${encodeDrift(message.drift)}`;
  const body = `${header} ${message.from} ${numbers} ${claims}${uplink}${drift} ${encodeFixed(BigInt(parseInt(digest, 16)), DIGEST_DIGITS * 6)}`;
  return body + computeTag(key, body);
}

function encodeUplink(score: number): string {
  if (!Number.isInteger(score) || score < 0 || score > MAX_UPLINK_SCORE) throw new RangeError(`uplink score must be 0-${MAX_UPLINK_SCORE}, got ${score}`);
  return UPLINK_PREFIX + encodeNumber(score);
}

/** The score of a `u…` field; null for anything encodeFrame would not write. */
function decodeUplink(field: string): number | null {
  if (field[0] !== UPLINK_PREFIX) return null;
  const score = decodeNumber(field.slice(1));
  return score === null || score > MAX_UPLINK_SCORE ? null : score;
}

function encodeDrift(word: DriftWord): string {
  if (!Number.isInteger(word.keySet) || word.keySet < 0 || word.keySet > MAX_KEY_SET) throw new RangeError(`key-set digest must be 24 bits, got ${word.keySet}`);
  const prefix = word.readable ? DRIFT_READABLE : DRIFT_UNREADABLE;
  return prefix + encodeFixed(BigInt(word.keySet), KEY_SET_DIGITS * 6) + encodeMask(word.owned, 'owned groups');
}

/** The drift word of a `o…`/`d…` field; null for anything encodeFrame would not write. */
function decodeDrift(field: string): DriftWord | null {
  const prefix = field[0];
  if (prefix !== DRIFT_READABLE && prefix !== DRIFT_UNREADABLE) return null;
  const keySet = decodeFixed(field.slice(1, 1 + KEY_SET_DIGITS));
  const owned = decodeNumber(field.slice(1 + KEY_SET_DIGITS));
  if (field.length < 2 + KEY_SET_DIGITS || keySet === null || keySet > BigInt(MAX_KEY_SET) || owned === null || owned > MAX_MASK) return null;
  return { keySet: Number(keySet), owned, readable: prefix === DRIFT_READABLE };
}

/** The optional fields between claims and tail: an uplink score, then a drift word, each at most once. */
function decodeOptional(fields: readonly string[]): { uplink?: number; drift?: DriftWord } | null {
  const found: { uplink?: number; drift?: DriftWord } = {};
  let rest = fields;
  if (rest[0]?.[0] === UPLINK_PREFIX) {
    const uplink = decodeUplink(rest[0]);
    if (uplink === null) return null;
    found.uplink = uplink;
    rest = rest.slice(1);
  }
  if (rest.length > 0) {
    const drift = rest.length === 1 ? decodeDrift(rest[0]!) : null;
    if (drift === null) return null;
    found.drift = drift;
  }
  return found;
}

const drop = (reason: DropReason): DecodeResult => ({ ok: false, reason });

/** Never throws: every line, however broken, becomes a message or a drop reason. */
export function decodeFrame(line: string, ctx: FrameContext): DecodeResult {
  if (typeof line !== 'string') return drop('malformed');
  if (line.length > MAX_FRAME_BYTES) return drop('too-long');
  if (line[0] !== MAGIC || line.length < 2) return drop('malformed');
  if (line[1] !== VERSION) return drop('bad-version');
  if (!PRINTABLE_LINE.test(line)) return drop('malformed');
  const fields = line.split(' ');
  const [header, from, numberField, claimField] = fields as [string, string, string, string];
  const tail = fields[fields.length - 1]!;
  const optional = decodeOptional(fields.slice(4, -1));
  if (header.length !== 5 || from.length > MAX_NAME || optional === null) return drop('malformed');

  const type = digitValue(header[2]!);
  const roleCode = header[3]!;
  const role = ROLE_BY_CODE.get(roleCode.toUpperCase());
  const keyIndex = digitValue(header[4]!);
  const numbers = numberField.split('.').map(decodeNumber);
  const claims = decodeClaims(claimField);
  const digestBits = tail.length > DIGEST_DIGITS ? decodeFixed(tail.slice(0, DIGEST_DIGITS)) : null;
  if (type < 0 || role === undefined || keyIndex < 0 || keyIndex > 15 || numbers.length !== 4 || numbers.some((n) => n === null) || claims === null || digestBits === null) {
    return drop('malformed');
  }
  if (!KNOWN_TYPES.has(type)) return drop('unknown-type');
  if (!ctx.nodes.includes(from)) return drop('unknown-node');
  if (from === ctx.self) return drop('own-frame');
  const key = ctx.auth.keys.find((k) => k.index === keyIndex);
  if (!key) return drop('unknown-key');
  const tag = tail.slice(DIGEST_DIGITS);
  if (tag.length !== tagLength(key.method) || !verifyTag(key, line.slice(0, line.length - tag.length), tag)) return drop('bad-mac');

  const [generation, seq, ackGeneration, ackSeq] = numbers as [number, number, number, number];
  const digest = Number(digestBits).toString(16).padStart(WIRE_DIGEST_HEX, '0');
  const message: Message = {
    type: type as Message['type'],
    from,
    generation,
    seq,
    ackGeneration,
    ackSeq,
    role,
    claims,
    standby: roleCode !== roleCode.toUpperCase(),
    configDigest: digest,
  };
  if (optional.uplink !== undefined) message.uplink = optional.uplink;
  if (optional.drift !== undefined) message.drift = optional.drift;
  return { ok: true, message, keyIndex };
}
