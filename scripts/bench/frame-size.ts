// Bytes per heartbeat on the wire and what that costs a 19200-baud serial line, for pairs with 1,
// 8 and 32 resource groups (claim sets grow with the number of groups).
// Run: node dist/scripts/bench/frame-size.js
// Exits 1 if a worst-case frame for up to 8 groups exceeds 80 bytes with the serial newline (the
// requirement); 32-group frames are longer by design, bounded only by MAX_FRAME_BYTES.
// Other benches import measureFrameSizes() for their reports.
import { pathToFileURL } from 'node:url';
import { encodeFrame, MAX_FRAME_BYTES, type FrameContext } from '../../src/protocol/frame.js';
import { MessageType, type Message } from '../../src/protocol/message.js';
import type { AuthMethod } from '../../src/config/types.js';
import { worstCaseStatus } from '../../src/protocol/frame-bound.js';

/** The requirement: a heartbeat between 16-character names fits 80 bytes with the serial newline… */
export const FRAME_LIMIT_BYTES = 80;
/** …for pairs with up to this many resource groups. */
export const FRAME_LIMIT_GROUPS = 8;
const BAUD = 19200;
const BITS_PER_BYTE = 10; // 8N1: start + 8 data + stop
const nodes = ['node-a.example.c', 'node-b.example.c']; // 16 characters each

export interface FrameSize {
  method: AuthMethod;
  /** Resource groups in the pair's haresources. */
  groups: number;
  case: 'typical' | 'worst';
  /** On the serial line, newline included (a UDP datagram is one byte less). */
  bytes: number;
  /** Most this case may take: FRAME_LIMIT_BYTES up to FRAME_LIMIT_GROUPS groups, else MAX_FRAME_BYTES. */
  limit: number;
  frame: string;
}

const allGroups = (groups: number): number => (groups >= 32 ? 0xffffffff : 2 ** groups - 1);

/** A settled pair a day after start: this node holds and wants its first group, grants the rest. */
function typical(groups: number): Message {
  return {
    type: MessageType.Status,
    from: nodes[0]!,
    generation: 12,
    seq: 86_400 * 2, // a day of 500 ms heartbeats
    ackGeneration: 9,
    ackSeq: 170_000,
    role: 'active',
    claims: { holds: 1, wants: 1, grants: (allGroups(groups) & ~1) >>> 0 },
    standby: false,
    configDigest: '3fa9c0de12345678',
  };
}

/** Counters at their realistic maximum (generation 99999, seq/ack 10^9), every group in every set. */
function worst(groups: number): Message {
  return worstCaseStatus(nodes[0]!, groups);
}

export function measureFrameSizes(): FrameSize[] {
  const out: FrameSize[] = [];
  for (const method of ['sha256', 'sha1', 'md5', 'crc'] as AuthMethod[]) {
    const ctx: FrameContext = { auth: { signIndex: 1, keys: [{ index: 1, method, key: 'bench-key' }] }, nodes, self: nodes[0]! };
    for (const groups of [1, 8, 32]) {
      for (const [label, message] of [['typical', typical(groups)], ['worst', worst(groups)]] as const) {
        const frame = encodeFrame(message, ctx);
        const bytes = Buffer.byteLength(frame) + 1; // + '\n' on serial
        const limit = groups <= FRAME_LIMIT_GROUPS ? FRAME_LIMIT_BYTES : MAX_FRAME_BYTES;
        out.push({ method, groups, case: label, bytes, limit, frame });
      }
    }
  }
  return out;
}

/** Share of a serial line's capacity, per direction, that one heartbeat every `keepaliveMs` takes. */
export function serialLoad(bytes: number, keepaliveMs: number, baud = BAUD): number {
  return (bytes * BITS_PER_BYTE * (1000 / keepaliveMs)) / baud;
}

function main(): void {
  const sizes = measureFrameSizes();
  console.log(`heartbeat frame size, 16-character node names; serial line utilisation per direction at ${BAUD} baud (${BITS_PER_BYTE} bits/byte)`);
  console.log('method groups case    bytes   ka 50ms   ka 100ms  ka 1s      frame');
  for (const s of sizes) {
    const load = [50, 100, 1000].map((ms) => `${(serialLoad(s.bytes, ms) * 100).toFixed(1).padStart(5)} %`);
    console.log(`${s.method.padEnd(6)} ${String(s.groups).padStart(6)} ${s.case.padEnd(7)} ${String(s.bytes).padStart(5)}   ${load.join('   ')}   ${s.frame}`);
  }
  const over = sizes.filter((s) => s.bytes > s.limit);
  for (const s of over) console.log(`FAIL: ${s.method}, ${s.groups} groups, ${s.case}: ${s.bytes} bytes > ${s.limit}`);
  if (over.length === 0) console.log(`ok: every frame for up to ${FRAME_LIMIT_GROUPS} groups is at most ${FRAME_LIMIT_BYTES} bytes including the serial newline`);
  process.exit(over.length > 0 ? 1 : 0);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
