// Unit tests for core/drift.ts (who holds a group while the peer lists other resource groups),
// above all the one-way failure rule: a peer that cannot hear us took over what it knows, we yield.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { driftHolder, type DriftInput } from '../../../src/core/drift.js';

const base: DriftInput = { selfHolds: true, selfIsOwner: true, peerHoldsAny: true, peerUnavailable: false, peerDeaf: false };
const holder = (input: Partial<DriftInput>) => driftHolder({ ...base, ...input }).holder;

test('drift: nothing starts; the owner keeps its copy; a copy we do not own goes to an owner that holds groups', () => {
  assert.equal(holder({ selfHolds: false }), 'none');
  assert.equal(holder({}), 'self');
  assert.equal(holder({ selfIsOwner: false }), 'peer');
  assert.equal(holder({ selfIsOwner: false, peerHoldsAny: false }), 'self');
  assert.equal(holder({ selfIsOwner: false, peerUnavailable: true }), 'self');
});

test('drift and a peer that cannot hear us and holds groups: we yield even what we own (it believes us dead)', () => {
  assert.equal(holder({ peerDeaf: true }), 'peer');
  assert.equal(holder({ peerDeaf: true, selfIsOwner: false }), 'peer');
  assert.match(driftHolder({ ...base, peerDeaf: true }).why, /cannot hear us/);
});

test('drift and a deaf peer that holds nothing, is in standby or stopping: we keep our copy (never give a group to a node that takes nothing)', () => {
  assert.equal(holder({ peerDeaf: true, peerHoldsAny: false }), 'self');
  assert.equal(holder({ peerDeaf: true, peerUnavailable: true }), 'self');
  assert.equal(holder({ peerDeaf: true, selfHolds: false }), 'none');
});
