// PeerView stepped by hand: which frames it accepts (hostile orderings: replays, older
// generations), what it reports as changed, acknowledgements across generations, deafness. Pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PeerView } from '../../../src/core/peer-view.js';
import { MessageType, type StatusMessage } from '../../../src/protocol/message.js';
import { peerStatus } from './fixtures.js';

const OUR_GENERATION = 3;

/** A status from the peer that acknowledges statuses of our generation unless told otherwise. */
function status(seq: number, over: Partial<StatusMessage> = {}): StatusMessage {
  return peerStatus(seq, { ackGeneration: OUR_GENERATION, ...over });
}

test('accepts only newer frames: a replayed, reordered or older-generation frame changes nothing', () => {
  const peer = new PeerView(OUR_GENERATION);
  assert.deepEqual(peer.accept(status(2)), { restartedFrom: null, claimsChanged: true });
  assert.equal(peer.accept(status(2)), null, 'same seq again');
  assert.equal(peer.accept(status(1, { claims: { holds: 1, wants: 1, grants: 0 } })), null, 'older seq');
  assert.equal(peer.accept(status(99, { generation: 4 })), null, 'older generation, any seq');
  assert.equal(peer.latest?.seq, 2);
  assert.equal(peer.holds(0), false, 'stale claims were not taken');
});

test('reports a restart and whether the claims changed', () => {
  const peer = new PeerView(OUR_GENERATION);
  peer.accept(status(7));
  assert.deepEqual(peer.accept(status(8)), { restartedFrom: null, claimsChanged: false });
  assert.deepEqual(peer.accept(status(1, { generation: 6 })), { restartedFrom: 5, claimsChanged: false });
  assert.deepEqual(peer.accept(status(2, { generation: 6, standby: true })), { restartedFrom: null, claimsChanged: true });
});

test('acknowledgement is of our generation: an older one acknowledges nothing, a newer one everything', () => {
  const peer = new PeerView(OUR_GENERATION);
  assert.equal(peer.acknowledges(0), false, 'nothing heard yet');
  peer.accept(status(1, { ackSeq: 10 }));
  assert.equal(peer.acknowledges(10), true);
  assert.equal(peer.acknowledges(11), false);
  peer.accept(status(2, { ackGeneration: OUR_GENERATION - 1, ackSeq: 1000 }));
  assert.equal(peer.acknowledges(1), false);
  peer.accept(status(3, { ackGeneration: OUR_GENERATION + 1, ackSeq: 0 }));
  assert.equal(peer.acknowledges(1000), true);
});

test('digest drift is reported once per change', () => {
  const peer = new PeerView(OUR_GENERATION);
  assert.equal(peer.checkDigest('d1'), null, 'nothing heard: nothing to compare');
  peer.accept(status(1, { configDigest: 'other' }));
  assert.deepEqual(peer.checkDigest('d1'), { match: false, before: null });
  assert.equal(peer.checkDigest('d1'), null);
  peer.accept(status(2));
  assert.deepEqual(peer.checkDigest('d1'), { match: true, before: false });
});

test('liveness: a goodbye is death even while links live', () => {
  const peer = new PeerView(OUR_GENERATION);
  assert.equal(peer.settle(false, 0), null, 'unknown stays unknown');
  peer.accept(status(1));
  assert.deepEqual(peer.settle(false, 10), { before: 'unknown' });
  assert.equal(peer.state, 'alive');
  peer.accept(status(2, { type: MessageType.Goodbye }));
  assert.deepEqual(peer.settle(false, 20), { before: 'alive' });
  assert.equal(peer.state, 'dead');
  assert.equal(peer.leftGracefully, true);
});

/** A peer alive since 0 that acknowledged none of our statuses, sent every second up to 5000. */
function unacknowledgingPeer(): PeerView {
  const peer = new PeerView(OUR_GENERATION);
  peer.accept(status(1, { ackSeq: 0 }));
  peer.settle(false, 0);
  for (let seq = 1, at = 0; at <= 5000; seq += 1, at += 1000) peer.sent(seq, at);
  return peer;
}

test('deaf once a peer heard for deadtime acknowledges nothing we sent deadtime ago; hears again on an ack', () => {
  const deadtime = 4000;
  const peer = unacknowledgingPeer();
  assert.equal(peer.updateDeafness(3999, deadtime, 0), null, 'not yet heard for a whole deadtime');
  assert.equal(peer.updateDeafness(5000, deadtime, 0), true);
  assert.equal(peer.deaf, true);
  assert.equal(peer.updateDeafness(5100, deadtime, 0), null, 'reported once');
  peer.accept(status(2, { ackSeq: 2 }));
  assert.equal(peer.updateDeafness(5200, deadtime, 0), false);
});

test('silence is not deafness: no new deaf verdict while no frame of the peer arrives', () => {
  const deadtime = 4000;
  const peer = unacknowledgingPeer();
  assert.equal(peer.updateDeafness(5000, deadtime, null), null, 'the peer said nothing: no evidence');
  assert.equal(peer.deaf, false);
  assert.equal(peer.updateDeafness(5100, deadtime, 1200), null, 'heard again only since after the status it should acknowledge: no evidence');
  assert.equal(peer.updateDeafness(5100, deadtime, 1000), true, 'its frames kept arriving and acknowledge nothing: deaf');
  assert.equal(peer.updateDeafness(5200, deadtime, null), null, 'a verdict drawn on evidence stands through a silence');
});

test('claim queries read the latest status', () => {
  const peer = new PeerView(OUR_GENERATION);
  assert.equal(peer.declines(0) || peer.holds(0) || peer.demandsTakeover(1) || peer.unavailable(), false, 'nothing heard');
  peer.accept(status(1, { claims: { holds: 0b01, wants: 0b01, grants: 0b10 } }));
  assert.equal(peer.holds(0), true);
  assert.equal(peer.declines(1), true);
  assert.equal(peer.declines(0), false);
  peer.accept(status(2, { claims: { holds: 0, wants: 0b11, grants: 0b11 } }));
  assert.equal(peer.demandsTakeover(2), true);
  peer.accept(status(3, { role: 'leaving' }));
  assert.equal(peer.unavailable(), true);
});

test('holdsOnlyOwn: only the exact all-32-bits grant word of a status counts (drift.ts), not a goodbye or a near miss', () => {
  const peer = new PeerView(OUR_GENERATION);
  assert.equal(peer.holdsOnlyOwn(), false, 'nothing heard yet');
  peer.accept(status(1, { claims: { holds: 0b1, wants: 0b1, grants: 0xffffffff } }));
  assert.equal(peer.holdsOnlyOwn(), true);
  peer.accept(status(2, { claims: { holds: 0b1, wants: 0b1, grants: 0x7fffffff } }));
  assert.equal(peer.holdsOnlyOwn(), false, 'a normal grant set (here 31 groups) is no such word');
  peer.accept(status(3, { claims: { holds: 0b1, wants: 0b1, grants: 0 } }));
  assert.equal(peer.holdsOnlyOwn(), false, 'holding a copy of a group it does not own');
  peer.accept(status(4, { type: MessageType.Goodbye, claims: { holds: 0, wants: 0, grants: 0xffffffff } }));
  assert.equal(peer.holdsOnlyOwn(), false, 'a goodbye is the peer-dead rule\'s');
});
