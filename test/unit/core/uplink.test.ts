// UplinkTracker (src/core/uplink.ts): when a node hands its groups over for a worse uplink, when
// it takes them back, and that nothing moves on equal or unknown scores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UplinkTracker } from '../../../src/core/uplink.js';

const D = 3000;
const on = { enabled: true, delayMs: D, probeEveryMs: 1000 };
const measured = (score: number, total = 2) => ({ score, total, failing: [] });
const alive = (score: number | null) => ({ score, canTake: true });

function tracker(own: number | null): UplinkTracker {
  const t = new UplinkTracker(on, 0);
  if (own !== null) t.measured(measured(own));
  return t;
}

test('worse than the peer for the whole delay hands every group over, not before', () => {
  const t = tracker(1);
  assert.equal(t.update(0, alive(2))?.kind, 'worse');
  assert.equal(t.update(D - 1, alive(2)), null);
  assert.equal(t.handsOver('g'), null, 'still eligible during the delay');
  assert.equal(t.update(D, alive(2))?.kind, 'hand-over');
  assert.match(t.handsOver('g') ?? '', /uplink worse than the peer's \(1 < 2\)/);
  assert.equal(t.status().handovers, 1);
  assert.equal(t.status().state, 'handing-over');
});

test('equal scores (both lost the same) and unknown scores never move anything', () => {
  for (const [own, peer] of [[1, 1], [0, 0], [null, 2], [1, null], [null, null]] as const) {
    const t = tracker(own);
    for (let now = 0; now <= 10 * D; now += 500) assert.equal(t.update(now, alive(peer)), null, `${own} vs ${peer} at ${now}`);
    assert.equal(t.handsOver('g'), null);
  }
  assert.match(tracker(1).status().why + (() => { const t = tracker(1); t.update(0, alive(null)); return t.status().why; })(), /nothing moves on an unknown score/);
});

test('a peer that cannot take groups (dead, standby, leaving) is never handed anything', () => {
  const t = tracker(0);
  for (let now = 0; now <= 5 * D; now += 500) assert.equal(t.update(now, { score: 2, canTake: false }), null);
  assert.equal(t.handsOver('g'), null);
});

test('damping: a flap shorter than the delay moves nothing; recovery needs twice the delay', () => {
  const t = tracker(1);
  t.update(0, alive(2));
  assert.equal(t.update(D / 2, alive(1))?.kind, 'better-again');
  t.update(D / 2 + 1, alive(2));
  t.update(D / 2 + 1 + D, alive(2));
  assert.equal(t.status().state, 'handing-over');
  const moved = D / 2 + 1 + D;
  assert.equal(t.update(moved + 100, alive(1))?.kind, 'recovering');
  assert.ok(t.handsOver('g') !== null, 'still handing over while recovering');
  // A new loss during recovery keeps the groups with the peer; the clock starts again.
  assert.equal(t.update(moved + 200, alive(2)), null);
  assert.equal(t.status().state, 'handing-over');
  t.update(moved + 300, alive(1));
  assert.equal(t.update(moved + 300 + 2 * D - 1, alive(1)), null);
  assert.equal(t.update(moved + 300 + 2 * D, alive(1))?.kind, 'recovered');
  assert.equal(t.handsOver('g'), null);
});

test('the peer dying or entering standby during a handover ends it at once (availability first)', () => {
  const t = tracker(0);
  t.update(0, alive(1));
  t.update(D, alive(1));
  assert.equal(t.update(D + 1, { score: 1, canTake: false })?.kind, 'cancelled');
  assert.equal(t.handsOver('g'), null);
});

test('a group the peer cannot take is kept here until the handover ends', () => {
  const t = tracker(0);
  t.update(0, alive(1));
  t.update(D, alive(1));
  assert.equal(t.peerCannotTake('g'), true);
  assert.equal(t.handsOver('g'), null);
  assert.ok(t.handsOver('h') !== null);
  t.update(D + 1, { score: 1, canTake: false });
  t.update(D + 2, alive(1));
  t.update(2 * D + 2, alive(1));
  assert.ok(t.handsOver('g') !== null, 'a new handover tries again');
  assert.equal(tracker(0).peerCannotTake('g'), false, 'nothing to refuse when not handing over');
});

test('probes are asked every probe interval, one at a time; off means no probe and no score', () => {
  const t = new UplinkTracker(on, 0);
  assert.equal(t.probeDue(0), true);
  t.probeSent(0);
  assert.equal(t.probeDue(5000), false, 'one outstanding');
  t.measured(measured(2));
  assert.equal(t.announced(), 2);
  assert.equal(t.probeDue(999), false);
  assert.equal(t.probeDue(1000), true);
  t.measured(null);
  assert.equal(t.announced(), null, 'a failed probe makes our score unknown');
  const off = new UplinkTracker({ ...on, enabled: false }, 0);
  off.measured(measured(2));
  assert.equal(off.probeDue(0), false);
  assert.equal(off.announced(), null);
  assert.equal(off.nextWakeAt(), Infinity);
  assert.equal(off.update(0, alive(5)), null);
  assert.equal(off.status().state, 'off');
});

test('an operator takeover overrides the uplink until a score changes', () => {
  const t = tracker(0);
  t.update(0, alive(1));
  t.update(D, alive(1));
  assert.equal(t.status().state, 'handing-over');
  assert.equal(t.operatorTakeover(D + 1)?.kind, 'cancelled');
  for (let now = D + 1; now <= 10 * D; now += 500) assert.equal(t.update(now, alive(1)), null);
  assert.equal(t.handsOver('g'), null);
  assert.match(t.status().why, /accepted by an operator takeover/);
  // A change of either score is a new decision: the peer recovers... and loses again → worse anew.
  t.update(10 * D + 1, alive(0));
  assert.equal(t.update(10 * D + 2, alive(1))?.kind, 'worse');
  assert.equal(new UplinkTracker({ ...on, enabled: false }, 0).operatorTakeover(0), null);
});

test('a local stall restarts a pending handover delay: time spent stopped is no evidence (soak seed 43076)', () => {
  const t = tracker(1);
  assert.equal(t.update(0, alive(2))?.kind, 'worse');
  // SIGSTOPped from D/2 to 3D: when we run again the delay has "passed", but the peer's score we
  // hold is from before the stall. The stall guard reports the stall before anything is decided.
  t.stalled(3 * D);
  assert.equal(t.update(3 * D, alive(2)), null, 'no handover on the first step after the stall');
  assert.equal(t.update(3 * D + 10, alive(1))?.kind, 'better-again', "the peer's newer frame says it lost its uplink too");
  assert.equal(t.status().handovers, 0);
  // Still worse after a full delay from the stall: then it hands over.
  const u = tracker(1);
  u.update(0, alive(2));
  u.stalled(3 * D);
  assert.equal(u.update(4 * D - 1, alive(2)), null);
  assert.equal(u.update(4 * D, alive(2))?.kind, 'hand-over');
});
