// The optional drift field of a heartbeat frame (src/protocol/frame.ts), sent only under group
// drift (src/core/drift.ts): round trip, with and without the uplink field, absence in every
// frame without drift, hostile variants dropped, the tag covers it, and its size.
// Pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, encodeFrame, MAX_KEY_SET } from '../../../src/protocol/frame.js';
import { worstCaseStatus } from '../../../src/protocol/frame-bound.js';
import { ALICE, BOB, asReceived, ctxFor, resigned, sha256Auth, status } from './fixtures.js';

const atAlice = ctxFor(ALICE);
const atBob = ctxFor(BOB);

test('a drift word round-trips as a field o|d<key set><owned>, alone or after the uplink field', () => {
  for (const drift of [
    { keySet: 0, owned: 0, readable: false },
    { keySet: 0x1234ab, owned: 1, readable: true },
    { keySet: MAX_KEY_SET, owned: 0xffffffff, readable: true },
  ]) {
    for (const uplink of [undefined, 3]) {
      const message = status(uplink === undefined ? { drift } : { drift, uplink });
      const line = encodeFrame(message, atAlice);
      const fields = line.split(' ');
      assert.equal(fields.length, uplink === undefined ? 6 : 7);
      assert.match(fields[fields.length - 2]!, drift.readable ? /^o/ : /^d/);
      assert.deepEqual(decodeFrame(line, atBob), { ok: true, message: asReceived(message), keyIndex: 1 });
    }
  }
});

test('a frame without drift carries no drift word', () => {
  const decoded = decodeFrame(encodeFrame(status(), atAlice), atBob);
  assert.ok(decoded.ok);
  assert.equal('drift' in decoded.message, false);
});

test('drift words that cannot be represented are refused by the encoder', () => {
  for (const drift of [
    { keySet: -1, owned: 0, readable: true },
    { keySet: MAX_KEY_SET + 1, owned: 0, readable: true },
    { keySet: 1.5, owned: 0, readable: true },
    { keySet: 1, owned: -1, readable: true },
    { keySet: 1, owned: 2 ** 32, readable: true },
  ]) {
    assert.throws(() => encodeFrame(status({ drift }), atAlice), RangeError, JSON.stringify(drift));
  }
});

test('hostile drift fields are dropped as malformed, even correctly signed', () => {
  const hostile: [string, (f: string[]) => string[]][] = [
    ['other letter', (f) => [...f, 'x00001']],
    ['key set too short', (f) => [...f, 'o001']],
    ['no owned bits', (f) => [...f, 'o0000']],
    ['owned with a leading zero', (f) => [...f, 'o000003']],
    ['owned above 32 bits', (f) => [...f, 'o0000______']],
    ['not in the alphabet', (f) => [...f, 'o0000!']],
    ['drift before uplink', (f) => [...f, 'o00001', 'u3']],
    ['two drift fields', (f) => [...f, 'o00001', 'd00001']],
    ['an eighth field', (f) => [...f, 'u3', 'o00001', 'u4']],
  ];
  for (const [what, edit] of hostile) {
    assert.deepEqual(decodeFrame(resigned(edit), atBob), { ok: false, reason: 'malformed' }, what);
  }
  const valid = decodeFrame(resigned((f) => [...f, 'u3', 'o00001']), atBob);
  assert.ok(valid.ok && valid.message.uplink === 3 && valid.message.drift?.readable === true && valid.message.drift.owned === 1 && valid.message.drift.keySet === 0);
});

test('the tag covers the drift word: turning d into o breaks the signature', () => {
  const line = encodeFrame(status({ drift: { keySet: 5, owned: 2, readable: false } }), atAlice);
  assert.ok(line.includes(' d00052 '), line);
  assert.deepEqual(decodeFrame(line.replace(' d0005', ' o0005'), atBob), { ok: false, reason: 'bad-mac' });
});

// src/protocol/README.md "Wire format" (the drift field): what the word adds to the worst-case heartbeat between
// 16-character names (serial newline included): 87 bytes for up to 8 groups, 103 for 32.
test('the drift word adds at most 8 bytes for up to 8 groups and 12 for 32 to the worst-case frame', () => {
  const nodes = ['node-a.example.c', 'node-b.example.c'];
  const ctx = { auth: sha256Auth, nodes, self: nodes[0]! };
  for (const [groups, added, bound] of [[8, 8, 87], [32, 12, 103]] as const) {
    const plain = worstCaseStatus(nodes[0]!, groups);
    const owned = groups >= 32 ? 0xffffffff : 2 ** groups - 1;
    const drifted = { ...plain, drift: { keySet: MAX_KEY_SET, owned, readable: true } };
    const without = encodeFrame(plain, ctx).length + 1;
    const withDrift = encodeFrame(drifted, ctx).length + 1;
    assert.equal(withDrift - without, added, `${groups} groups`);
    assert.ok(withDrift <= bound, `${groups} groups: ${withDrift} bytes`);
  }
});
