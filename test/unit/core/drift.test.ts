// driftHolder (src/core/drift.ts) case by case: who holds a group while the two nodes list other
// group sets. Pure function, no machine: every input combination that decides differently.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { driftHolder, type DriftInput } from '../../../src/core/drift.js';

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
