// Who should hold a group (src/core/desired.ts), rule by rule: a dead peer, eligibility,
// demands and auto_failback on, off and legacy. Pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desiredHolder as decide, type DesiredInput } from '../../../src/core/desired.js';

const desiredHolder = (input: DesiredInput) => decide(input).holder;

const base: DesiredInput = {
  selfIsOwner: true,
  selfEligible: true,
  peerAlive: true,
  peerUnavailable: false,
  peerDeclines: false,
  peerDemands: false,
  peerDeaf: false,
  selfDefers: false,
  peerStable: true,
  selfHolds: false,
  peerHolds: false,
  autoFailback: 'on',
};

test('peer dead: me if eligible, else nobody', () => {
  assert.equal(desiredHolder({ ...base, peerAlive: false, selfIsOwner: false }), 'self');
  assert.equal(desiredHolder({ ...base, peerAlive: false, selfEligible: false }), 'none');
});

test('ineligible → peer; peer unavailable or declining → me; demand → peer', () => {
  assert.equal(desiredHolder({ ...base, selfEligible: false }), 'peer');
  assert.equal(desiredHolder({ ...base, selfIsOwner: false, peerUnavailable: true }), 'self');
  assert.equal(desiredHolder({ ...base, selfIsOwner: false, peerDeclines: true }), 'self');
  assert.equal(desiredHolder({ ...base, peerDemands: true }), 'peer');
});

test('auto_failback on and legacy: the owner, even if the peer holds it', () => {
  assert.equal(desiredHolder({ ...base, peerHolds: true }), 'self');
  assert.equal(desiredHolder({ ...base, selfIsOwner: false, selfHolds: true, autoFailback: 'legacy' }), 'peer');
});

test('auto_failback off: sticky to the single holder, owner when none or both hold', () => {
  const off = { ...base, autoFailback: 'off' as const };
  assert.equal(desiredHolder({ ...off, peerHolds: true }), 'peer');
  assert.equal(desiredHolder({ ...off, selfIsOwner: false, selfHolds: true }), 'self');
  assert.equal(desiredHolder({ ...off, selfHolds: true, peerHolds: true }), 'self');
  assert.equal(desiredHolder({ ...off, selfIsOwner: false }), 'peer');
});

test('a peer that cannot hear us keeps what it holds; we yield it', () => {
  assert.equal(desiredHolder({ ...base, peerDeaf: true, peerHolds: true, selfHolds: true }), 'peer');
  assert.equal(desiredHolder({ ...base, peerDeaf: true, peerHolds: false }), 'self');
});

test('every decision names its rule', () => {
  assert.equal(decide({ ...base, autoFailback: 'off', peerHolds: true }).reason, 'auto_failback off: the peer holds it');
  assert.equal(decide({ ...base, peerAlive: false, selfEligible: false }).reason, 'peer not alive and we are not eligible');
});

test('deferring (yielded to a takeover, or online) leaves the peer what it holds, and only that', () => {
  const defers = { ...base, selfDefers: true };
  assert.equal(desiredHolder({ ...defers, peerHolds: true }), 'peer');
  assert.equal(desiredHolder({ ...defers, peerHolds: true, selfIsOwner: true, autoFailback: 'on' }), 'peer', 'not even to fail back to us');
  // A group the peer holds nowhere falls to the policy both nodes agree on (the owner here):
  // deferring it too let the two nodes chase each other's claims forever (soak seed 1109).
  assert.equal(desiredHolder({ ...defers, autoFailback: 'off' }), 'self');
  assert.equal(desiredHolder({ ...defers, selfIsOwner: false, autoFailback: 'off' }), 'peer');
  assert.equal(desiredHolder({ ...defers, peerDeclines: true, selfIsOwner: false }), 'self');
});
