// The optional uplink field of a heartbeat frame (src/protocol/frame.ts): round trip, absence
// means unknown, and hostile variants (bad prefix, out of range, a seventh field) are dropped.
// Pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, encodeFrame, MAX_UPLINK_SCORE } from '../../../src/protocol/frame.js';
import { computeTag, tagLength } from '../../../src/protocol/auth.js';
import { ALICE, BOB, asReceived, ctxFor, sha256Auth, status } from './fixtures.js';

const atAlice = ctxFor(ALICE);
const atBob = ctxFor(BOB);

/** Re-sign a hand-edited frame body so only the edit, not the tag, can make it fail. */
function resigned(edit: (fields: string[]) => string[]): string {
  const line = encodeFrame(status(), atAlice);
  const key = sha256Auth.keys[0]!;
  const fields = line.split(' ');
  const tail = fields[fields.length - 1]!;
  const digest = tail.slice(0, tail.length - tagLength(key.method));
  const body = [...edit(fields.slice(0, -1)), digest].join(' ');
  return body + computeTag(key, body);
}

test('an uplink score round-trips as a sixth field u<score>', () => {
  for (const uplink of [0, 1, 3, 63, 64, MAX_UPLINK_SCORE]) {
    const message = status({ uplink });
    const line = encodeFrame(message, atAlice);
    assert.equal(line.split(' ').length, 6);
    assert.match(line.split(' ')[4]!, /^u/);
    assert.deepEqual(decodeFrame(line, atBob), { ok: true, message: asReceived(message), keyIndex: 1 });
  }
});

test('a frame without the field decodes with no score (unknown), as older twinbeat sends it', () => {
  const decoded = decodeFrame(encodeFrame(status(), atAlice), atBob);
  assert.ok(decoded.ok);
  assert.equal('uplink' in decoded.message, false);
});

test('scores that cannot be represented are refused by the encoder', () => {
  for (const uplink of [-1, 1.5, MAX_UPLINK_SCORE + 1, Number.NaN]) assert.throws(() => encodeFrame(status({ uplink }), atAlice), RangeError);
});

test('hostile uplink fields are dropped as malformed, even correctly signed', () => {
  const hostile: [string, (f: string[]) => string[]][] = [
    ['no prefix', (f) => [...f, '3']],
    ['other letter', (f) => [...f, 'x3']],
    ['empty score', (f) => [...f, 'u']],
    ['leading zero', (f) => [...f, 'u03']],
    ['above the maximum', (f) => [...f, 'u_____']],
    ['not in the alphabet', (f) => [...f, 'u3!']],
    ['seventh field', (f) => [...f, 'u3', 'u4']],
  ];
  for (const [what, edit] of hostile) {
    assert.deepEqual(decodeFrame(resigned(edit), atBob), { ok: false, reason: 'malformed' }, what);
  }
  // The helper itself produces frames that decode when the edit is valid.
  const valid = decodeFrame(resigned((f) => [...f, 'u3']), atBob);
  assert.ok(valid.ok && valid.message.uplink === 3);
});

test('the tag covers the score: changing it breaks the signature', () => {
  const line = encodeFrame(status({ uplink: 2 }), atAlice);
  assert.deepEqual(decodeFrame(line.replace(' u2 ', ' u3 '), atBob), { ok: false, reason: 'bad-mac' });
});
