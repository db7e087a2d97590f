// The wire format (src/protocol/frame.ts): round trips of every field and claim set, size
// bounds, tags, key rollover, every codec drop reason, and odd input that must not throw. Pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, encodeFrame, MAX_FRAME_BYTES, wireDigest } from '../../../src/protocol/frame.js';
import { MessageType } from '../../../src/protocol/message.js';
import type { AuthConfig, AuthMethod } from '../../../src/config/types.js';
import { ALICE, BOB, allGroups, asReceived, ctxFor, status, worstCaseStatus } from './fixtures.js';

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

test('every claim set of up to 32 groups round-trips', () => {
  for (const groups of [0, 1, 5, 8, 9, 31, 32]) {
    const all = allGroups(groups);
    const message = status({ claims: { holds: all, wants: all >>> 1, grants: groups === 0 ? 0 : 2 ** (groups - 1) } });
    assert.deepEqual(decodeFrame(encodeFrame(message, atAlice), atBob), { ok: true, message: asReceived(message), keyIndex: 1 }, `${groups} groups`);
  }
});

test('claims travel as short numbers: few groups, few digits', () => {
  const [, , , claims] = encodeFrame(status({ claims: { holds: 1, wants: 0, grants: 0xff } }), atAlice).split(' ');
  assert.equal(claims, '1.0.3_');
  const [, , , full] = encodeFrame(worstCaseStatus(32), atAlice).split(' ');
  assert.equal(full, '3_____.3_____.3_____');
});

test('a frame is one printable line', () => {
  const frame = encodeFrame(worstCaseStatus(32), atAlice);
  assert.match(frame, /^[\x21-\x7e ]+$/);
  assert.ok(!frame.includes('\n'));
});

// The bounds src/protocol/README.md "Wire format" states: 80 bytes for up to 8 groups (the requirement), 91 for
// all 32 (longer frames are fine: receivers accept up to MAX_FRAME_BYTES).
const SERIAL_BYTES_BOUND: [groups: number, bytes: number][] = [[1, 80], [8, 80], [32, 91]];

test('worst-case heartbeat between 16-character names: at most 80 bytes with the newline for up to 8 groups, 91 for 32', () => {
  for (const method of ['sha256', 'sha1', 'md5', 'crc'] as AuthMethod[]) {
    const auth: AuthConfig = { signIndex: 15, keys: [{ index: 15, method, key: method === 'crc' ? '' : 'k' }] };
    for (const [groups, bound] of SERIAL_BYTES_BOUND) {
      const frame = encodeFrame(worstCaseStatus(groups), ctxFor(ALICE, auth));
      const bytes = Buffer.byteLength(frame + '\n');
      assert.ok(bytes <= bound, `${method}, ${groups} groups: ${bytes} bytes: ${frame}`);
      assert.ok(bytes <= MAX_FRAME_BYTES);
      assert.equal(decodeFrame(frame, ctxFor(BOB, auth)).ok, true);
    }
  }
});

test('HMAC tags are 128 bits (22 characters), CRC tags 32 bits (6)', () => {
  for (const [method, length] of [['sha256', 22], ['sha1', 22], ['md5', 22], ['crc', 6]] as [AuthMethod, number][]) {
    const auth: AuthConfig = { signIndex: 1, keys: [{ index: 1, method, key: 'k' }] };
    const tail = encodeFrame(status(), ctxFor(ALICE, auth)).split(' ')[4]!;
    assert.equal(tail.length, 4 + length, method);
  }
});

test('wireDigest keeps the first six hex digits', () => {
  assert.equal(wireDigest('3FA9C0DE12345678'), '3fa9c0');
  assert.throws(() => encodeFrame(status({ configDigest: 'd1' }), atAlice), RangeError);
});

test('encode refuses what it cannot represent', () => {
  assert.throws(() => encodeFrame(status({ seq: -1 }), atAlice), RangeError);
  assert.throws(() => encodeFrame(status({ claims: { holds: 2 ** 32, wants: 0, grants: 0 } }), atAlice), RangeError);
  assert.throws(() => encodeFrame(status({ claims: { holds: 0, wants: -1, grants: 0 } }), atAlice), RangeError);
  assert.throws(() => encodeFrame(status({ claims: { holds: 0, wants: 0, grants: 1.5 } }), atAlice), RangeError);
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
  const [header, from, numbers, claims, tail] = good.split(' ') as [string, string, string, string, string];
  const withClaims = (field: string) => `${header} ${from} ${numbers} ${field} ${tail}`;
  const cases: [string, string][] = [
    ['too-long', 'T1' + 'x'.repeat(MAX_FRAME_BYTES)],
    ['malformed', 'hello world'],
    ['malformed', ''],
    ['bad-version', 'T2' + good.slice(2)],
    ['malformed', good.replace(' ', '  ')],
    ['malformed', `${header} ${from} ${numbers.split('.').slice(1).join('.')} ${claims} ${tail}`],
    ['malformed', `${header} ${from} 0${numbers} ${claims} ${tail}`],
    ['malformed', `${header.slice(0, 3)}Q${header[4]} ${from} ${numbers} ${claims} ${tail}`],
    ['malformed', good + ' extra'],
    ['malformed', `${header} ${from} ${numbers} ${tail}`], // claims field missing
    ['malformed', withClaims('1.1')], // two sets instead of three
    ['malformed', withClaims('1.1.2.0')],
    ['malformed', withClaims('1.01.2')], // a leading zero: not the one spelling encodeFrame writes
    ['malformed', withClaims('1.1.400000')], // 2^32: more than 32 groups
    ['malformed', withClaims('1.1.')],
    ['malformed', withClaims('1.*.2')],
    ['malformed', `${header} ${from} ${numbers} ${claims} ${tail.slice(0, 4)}`], // digest without tag
    ['malformed', `${header} ${from} ${numbers} ${claims} ${tail.slice(0, 3)}*${tail.slice(4)}`],
    ['unknown-type', `${header.slice(0, 2)}9${header.slice(3)} ${from} ${numbers} ${claims} ${tail}`],
    ['unknown-node', `${header} mallory ${numbers} ${claims} ${tail}`],
    ['own-frame', good],
    ['unknown-key', `${header.slice(0, 4)}7 ${from} ${numbers} ${claims} ${tail}`],
    ['bad-mac', good.slice(0, -1) + (good.endsWith('A') ? 'B' : 'A')],
    ['bad-mac', good.slice(0, -1)],
    ['bad-mac', good + 'A'],
    ['bad-mac', withClaims('1.1.3')], // claims changed after signing
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
