// Bytes per heartbeat on the wire and what that costs a 19200-baud serial line.
// Run: node dist/scripts/bench/frame-size.js   (exits 1 if any frame exceeds 80 bytes)
import { encodeFrame, type CodecContext } from '../../src/protocol/codec.js';
import { MessageType, type Message } from '../../src/protocol/message.js';
import type { AuthMethod } from '../../src/config/types.js';

const LIMIT = 80;
const BAUD = 19200;
const BITS_PER_BYTE = 10; // 8N1: start + 8 data + stop
const nodes = ['node-a.example.c', 'node-b.example.c']; // 16 characters each

const typical: Message = {
  type: MessageType.Status,
  from: nodes[0]!,
  generation: 12,
  seq: 86_400 * 2, // a day of 500 ms heartbeats
  ackGeneration: 9,
  ackSeq: 170_000,
  role: 'active',
  claims: { holds: 0b1, wants: 0b1, grants: 0b10 },
  standby: false,
  configDigest: '3fa9c0de12345678',
};
const worst: Message = {
  ...typical,
  generation: 99_999,
  seq: 1_000_000_000,
  ackGeneration: 99_999,
  ackSeq: 1_000_000_000,
  role: 'transition',
  standby: true,
  claims: { holds: 0xffffffff, wants: 0xffffffff, grants: 0xffffffff },
};

let failed = false;
const rows: string[] = [];
for (const method of ['sha256', 'sha1', 'md5', 'crc'] as AuthMethod[]) {
  const ctx: CodecContext = { auth: { signIndex: 1, keys: [{ index: 1, method, key: 'bench-key' }] }, nodes, self: nodes[0]! };
  for (const [label, message] of [['typical', typical], ['worst', worst]] as const) {
    const frame = encodeFrame(message, ctx);
    const bytes = Buffer.byteLength(frame) + 1; // + '\n' on serial; UDP carries the frame alone
    if (bytes > LIMIT) failed = true;
    const load = [50, 100, 1000].map((keepaliveMs) => {
      const perSecond = (bytes * BITS_PER_BYTE * (1000 / keepaliveMs)) / BAUD;
      return `${(perSecond * 100).toFixed(1).padStart(5)} %`;
    });
    rows.push(`${method.padEnd(6)} ${label.padEnd(7)} ${String(bytes).padStart(5)}   ${load.join('   ')}   ${frame}`);
  }
}

console.log(`heartbeat frame size, 16-character node names; serial line utilisation per direction at ${BAUD} baud (${BITS_PER_BYTE} bits/byte)`);
console.log('method case    bytes   ka 50ms   ka 100ms  ka 1s      frame');
for (const row of rows) console.log(row);
console.log(failed ? `FAIL: a frame exceeds ${LIMIT} bytes` : `ok: every frame is at most ${LIMIT} bytes including the serial newline`);
process.exit(failed ? 1 : 0);
