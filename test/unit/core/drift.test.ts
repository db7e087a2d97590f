// driftHolder (src/core/drift.ts) case by case: who holds a group while the two nodes list other
// group sets. Pure function, no machine: every input combination that decides differently.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agreedOwner, driftHolder, type DriftInput } from '../../../src/core/drift.js';
import { keySetDigest, wireOrder } from '../../../src/core/claims.js';

const base: DriftInput = { selfHolds: false, selfIsOwner: true, peerHoldsAny: true, peerUnavailable: false, peerHoldsOnlyOwn: true, peerDeaf: false, peerStable: true };
const holder = (over: Partial<DriftInput>) => driftHolder({ ...base, ...over }).holder;

test('an owner starts its group only while the peer says it holds only its own groups', () => {
  assert.equal(holder({}), 'self');
  assert.equal(holder({ peerHoldsAny: false }), 'self', 'cold start: the peer holds nothing');
  assert.equal(holder({ peerHoldsOnlyOwn: false }), 'none', 'the peer may hold a copy of ours: no double run');
  assert.equal(holder({ peerDeaf: true, peerHoldsAny: false }), 'none', 'a peer that cannot hear us may take it any moment');
  assert.equal(holder({ selfHolds: true, peerHoldsOnlyOwn: false }), 'self', 'what runs on its owner stays');
});

test('a copy of a group we do not own goes back only to an available, stable owner', () => {
  const copy = { selfHolds: true, selfIsOwner: false };
  assert.equal(holder(copy), 'peer');
  assert.equal(holder({ ...copy, peerHoldsAny: false }), 'peer', 'a restarted owner gets it back (it starts it once we stopped)');
  assert.equal(holder({ ...copy, peerStable: false }), 'self', 'damping: a flapping owner is not handed it');
  assert.equal(holder({ ...copy, peerUnavailable: true }), 'self', 'an owner in standby or stopping takes nothing');
  assert.equal(holder({ selfIsOwner: false }), 'none', 'never started by the peer\'s claims');
});

test('a peer in standby or stopping takes nothing; a deaf peer holding groups took what it lists', () => {
  assert.equal(holder({ selfIsOwner: false, peerUnavailable: true, peerHoldsAny: false }), 'self');
  assert.equal(holder({ selfIsOwner: false, peerUnavailable: true, peerHoldsAny: true }), 'none', 'still stopping what it held');
  assert.equal(holder({ selfHolds: true, peerDeaf: true }), 'peer', 'yield even our own: it runs it already');
  assert.equal(holder({ selfHolds: true, peerDeaf: true, peerHoldsAny: false }), 'self');
  assert.match(driftHolder(base).why, /^configuration drift: /, 'status shows the drift in every reason');
});

// Owners-only drift: the same keys, owner lines that differ (src/core/drift.ts "Owners only").
test('agreedOwner: both nodes reach the same node for every pair of owner lines', () => {
  for (const [x, y] of [['a', 'b'], ['node-b', 'node-a']]) {
    for (const xClaims of [true, false]) {
      for (const yClaims of [true, false]) {
        const atX = agreedOwner({ self: x!, peer: y!, selfClaims: xClaims, peerClaims: yClaims });
        const atY = agreedOwner({ self: y!, peer: x!, selfClaims: yClaims, peerClaims: xClaims });
        const ownerAtX = atX === 'self' ? x : y;
        const ownerAtY = atY === 'self' ? y : x;
        assert.equal(ownerAtX, ownerAtY, `${x} claims ${xClaims}, ${y} claims ${yClaims}`);
        const expected = xClaims !== yClaims ? (xClaims ? x : y) : [x!, y!].sort()[0];
        assert.equal(ownerAtX, expected, 'the one both name, else the first node name');
        assert.notEqual(atX, 'none');
      }
    }
  }
});

test('keySetDigest: the same keys in any order give the same 24-bit digest, another key set another digest', () => {
  const keys = ['IPaddr::10.0.0.1/24/eth0', 'IPaddr::10.0.0.2/24/eth0', 'drbddisk::r0'];
  const digest = keySetDigest(keys);
  assert.ok(Number.isInteger(digest) && digest >= 0 && digest <= 0xffffff);
  assert.equal(keySetDigest([...keys].reverse()), digest);
  assert.deepEqual(wireOrder(keys).map((bit, i) => [keys[i], bit]).sort(), wireOrder([...keys].reverse()).map((bit, i) => [[...keys].reverse()[i], bit]).sort(), 'same keys: same bits');
  for (const other of [keys.slice(1), [...keys, 'IPaddr::10.0.0.3/24/eth0'], keys.map((k) => k.replace('10.0.0.2', '10.0.0.9')), []]) {
    assert.notEqual(keySetDigest(other), digest, other.join(','));
  }
  // Keys are joined with a newline: one key is not two keys that concatenate to it.
  assert.notEqual(keySetDigest(['ab']), keySetDigest(['a', 'b']));
});
