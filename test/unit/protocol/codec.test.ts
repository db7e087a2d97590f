import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, encodeFrame, MAX_FRAME_BYTES, wireDigest } from '../../../src/protocol/codec.js';
import { MessageType } from '../../../src/protocol/message.js';
import type { AuthConfig, AuthMethod } from '../../../src/config/types.js';
import { ALICE, BOB, asReceived, ctxFor, status, worstCaseStatus } from './fixtures.js';

const atAlice = ctxFor(ALICE);
const atBob = ctxFor(BOB);

test('a status frame round-trips with every field intact', () => {
  for (const standby of [false, true]) {
    for (const role of ['init', 'active', 'transition', 'standby', 'failed', 'leaving'] as const) {
      const message = status({ role, standby });
      const decoded = decodeFrame(encodeFrame(message, atAlice), atBob);
      assert.deepEqual(decoded, { ok: true, message: asReceived(message), keyIndex: 1 });
    }
  }
  const goodbye = status({ type: MessageType.Goodbye, claims: { holds: 0, wants: 0, grants: 0xffffffff } });
  assert.deepEqual(decodeFrame(encodeFrame(goodbye, atAlice), atBob), { ok: true, message: asReceived(goodbye), keyIndex: 1 });
});

test('extreme values round-trip', () => {
  const message = status({ generation: 0, seq: Number.MAX_SAFE_INTEGER, ackGeneration: 0, ackSeq: 0, claims: { holds: 0xffffffff, wants: 0, grants: 0x80000001 }, configDigest: '000000' });
  assert.deepEqual(decodeFrame(encodeFrame(message, atAlice), atBob), { ok: true, message, keyIndex: 1 });
});

test('a frame is one printable line', () => {
  const frame = encodeFrame(worstCaseStatus(), atAlice);
  assert.match(frame, /^[\x21-\x7e ]+$/);
  assert.ok(!frame.includes('\n'));
});

test('worst-case heartbeat between 16-character names fits 80 bytes with the serial newline', () => {
  for (const method of ['sha256', 'sha1', 'md5', 'crc'] as AuthMethod[]) {
    const auth: AuthConfig = { signIndex: 15, keys: [{ index: 15, method, key: method === 'crc' ? '' : 'k' }] };
    const frame = encodeFrame(worstCaseStatus(), ctxFor(ALICE, auth));
    assert.ok(Buffer.byteLength(frame + '\n') <= 80, `${method}: ${frame.length + 1} bytes: ${frame}`);
    assert.equal(decodeFrame(frame, ctxFor(BOB, auth)).ok, true);
  }
});

test('wireDigest keeps the first six hex digits', () => {
  assert.equal(wireDigest('3FA9C0DE12345678'), '3fa9c0');
  assert.throws(() => encodeFrame(status({ configDigest: 'd1' }), atAlice), RangeError);
});

test('encode refuses what it cannot represent', () => {
  assert.throws(() => encodeFrame(status({ seq: -1 }), atAlice), RangeError);
  assert.throws(() => encodeFrame(status({ claims: { holds: 2 ** 32, wants: 0, grants: 0 } }), atAlice), RangeError);
  assert.throws(() => encodeFrame(status({ from: 'has space' }), atAlice), RangeError);
  assert.throws(() => encodeFrame(status(), { ...atAlice, auth: { signIndex: 3, keys: sha256KeysOnly() } }), RangeError);
});

function sha256KeysOnly() {
  return [{ index: 1, method: 'sha256' as const, key: 'x' }];
}

test('key rollover: a frame signed with key 2 is accepted by a receiver listing keys 1 and 2', () => {
  const oldKey = { index: 1, method: 'sha256' as const, key: 'old secret' };
  const newKey = { index: 2, method: 'sha1' as const, key: 'new secret' };
  const sender = ctxFor(ALICE, { signIndex: 2, keys: [newKey] });
  const receiver = ctxFor(BOB, { signIndex: 1, keys: [oldKey, newKey] });
  const decoded = decodeFrame(encodeFrame(status(), sender), receiver);
  assert.equal(decoded.ok, true);
  assert.equal(decoded.ok && decoded.keyIndex, 2);
  // The receiver that only knows key 1 cannot check it.
  assert.deepEqual(decodeFrame(encodeFrame(status(), sender), ctxFor(BOB, { signIndex: 1, keys: [oldKey] })), { ok: false, reason: 'unknown-key' });
  // Same index, different secret: a key mismatch shows as bad-mac.
  const mismatched = ctxFor(BOB, { signIndex: 2, keys: [{ ...newKey, key: 'typo' }] });
  assert.deepEqual(decodeFrame(encodeFrame(status(), sender), mismatched), { ok: false, reason: 'bad-mac' });
});

test('every codec drop reason is reachable, in the documented order', () => {
  const good = encodeFrame(status(), atAlice);
  const [header, from, numbers, tail] = good.split(' ') as [string, string, string, string];
  const cases: [string, string][] = [
    ['too-long', 'T1' + 'x'.repeat(MAX_FRAME_BYTES)],
    ['malformed', 'hello world'],
    ['malformed', ''],
    ['bad-version', 'T2' + good.slice(2)],
    ['malformed', good.replace(' ', '  ')],
    ['malformed', `${header} ${from} ${numbers.split('.').slice(1).join('.')} ${tail}`],
    ['malformed', `${header} ${from} 0${numbers} ${tail}`],
    ['malformed', `${header.slice(0, 3)}Q${header[4]} ${from} ${numbers} ${tail}`],
    ['malformed', good + ' extra'],
    ['unknown-type', `${header.slice(0, 2)}9${header.slice(3)} ${from} ${numbers} ${tail}`],
    ['unknown-node', `${header} mallory ${numbers} ${tail}`],
    ['own-frame', good, ],
    ['unknown-key', `${header.slice(0, 4)}7 ${from} ${numbers} ${tail}`],
    ['bad-mac', good.slice(0, -1) + (good.endsWith('A') ? 'B' : 'A')],
    ['bad-mac', good.slice(0, -1)],
  ];
  for (const [reason, line] of cases) {
    const receiver = reason === 'own-frame' ? atAlice : atBob;
    assert.deepEqual(decodeFrame(line, receiver), { ok: false, reason }, `line ${JSON.stringify(line)}`);
  }
});

test('decode never throws on odd input', () => {
  for (const input of [undefined, null, 42, {}, '\u0000', 'T', 'T1', 'T1 a b c', '💥'.repeat(10)] as unknown[]) {
    const result = decodeFrame(input as string, atBob);
    assert.equal(result.ok, false);
  }
});
