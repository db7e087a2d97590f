// The takeover gate (src/core/takeover-gate.ts): the tie delay, ping nodes and the fence hook
// before a takeover of a dead peer's groups. Pure: time and probe results are passed in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TakeoverGate, type GateSettings } from '../../../src/core/takeover-gate.js';

const settings: GateSettings = { keepaliveMs: 1000, deadtimeMs: 4000, tieWinner: true, pingNodesConfigured: false, fenceBeforeTakeover: false };
const kinds = (actions: { kind: string }[]) => actions.map((a) => a.kind);

test('tie winner without ping or fence opens at once', () => {
  const gate = new TakeoverGate(settings);
  assert.deepEqual(kinds(gate.peerDied(0, { goodbye: false, peerHeld: false })), ['opened']);
  assert.equal(gate.isOpen(), true);
});

test('the non-winner waits keepalive + deadtime/2', () => {
  const gate = new TakeoverGate({ ...settings, tieWinner: false });
  assert.deepEqual(gate.peerDied(0, { goodbye: false, peerHeld: false }), []);
  assert.deepEqual(gate.tick(2999), []);
  assert.deepEqual(kinds(gate.tick(3000)), ['opened']);
});

test('the non-winner does not wait when the peer held groups: there is no tie to break', () => {
  const gate = new TakeoverGate({ ...settings, tieWinner: false });
  assert.deepEqual(kinds(gate.peerDied(0, { goodbye: false, peerHeld: true })), ['opened']);
});

test('a peer that held groups still has to pass ping and fence', () => {
  const gate = new TakeoverGate({ ...settings, tieWinner: true, pingNodesConfigured: true, fenceBeforeTakeover: true });
  assert.deepEqual(kinds(gate.peerDied(0, { goodbye: false, peerHeld: true })), ['probe']);
  assert.deepEqual(kinds(gate.pingResult(1, 0)), ['fence']);
  assert.deepEqual(kinds(gate.fenceResult(true, 10)), ['opened']);
});

test('with fencing the non-winner waits its tie delay even when the peer held groups (no fence race)', () => {
  const gate = new TakeoverGate({ ...settings, tieWinner: false, fenceBeforeTakeover: true });
  assert.deepEqual(gate.peerDied(0, { goodbye: false, peerHeld: true }), []);
  assert.deepEqual(gate.tick(2999), []);
  assert.deepEqual(kinds(gate.tick(3000)), ['fence']);
});

test('one fence per incident: a peer back only briefly is not fenced again; once stable it is', () => {
  const gate = new TakeoverGate({ ...settings, fenceBeforeTakeover: true });
  assert.deepEqual(kinds(gate.peerDied(0, { goodbye: false, peerHeld: true })), ['fence']);
  assert.deepEqual(kinds(gate.fenceResult(true, 20)), ['opened']);
  gate.peerAlive();
  assert.deepEqual(kinds(gate.peerDied(5000, { goodbye: false, peerHeld: true })), ['fence-kept', 'opened']);
  gate.peerAlive();
  gate.peerStable();
  assert.deepEqual(kinds(gate.peerDied(20000, { goodbye: false, peerHeld: true })), ['fence']);
});

test('a failed fence is not remembered: the next death fences again', () => {
  const gate = new TakeoverGate({ ...settings, fenceBeforeTakeover: true });
  gate.peerDied(0, { goodbye: false, peerHeld: true });
  gate.fenceResult(false, 20);
  gate.peerAlive();
  assert.deepEqual(kinds(gate.peerDied(5000, { goodbye: false, peerHeld: true })), ['fence']);
});

test('graceful goodbye skips delay, ping and fence', () => {
  const gate = new TakeoverGate({ ...settings, tieWinner: false, pingNodesConfigured: true, fenceBeforeTakeover: true });
  assert.deepEqual(kinds(gate.peerDied(0, { goodbye: true, peerHeld: false })), ['opened']);
});

test('ping: none reachable isolates; reachable again rejoins; then fence must succeed', () => {
  const gate = new TakeoverGate({ ...settings, pingNodesConfigured: true, fenceBeforeTakeover: true });
  assert.deepEqual(kinds(gate.peerDied(0, { goodbye: false, peerHeld: false })), ['probe']);
  assert.deepEqual(kinds(gate.pingResult(0, 0)), ['isolated']);
  assert.equal(gate.isIsolated(), true);
  assert.deepEqual(gate.tick(3999), [], 'no probe before deadtime');
  assert.deepEqual(kinds(gate.tick(4000)), ['probe']);
  assert.deepEqual(kinds(gate.pingResult(1, 0)), ['rejoined', 'fence']);
  assert.deepEqual(gate.fenceResult(false, 4100), [], 'failed fence: wait and retry');
  assert.equal(gate.state, 'tie-delay');
  assert.deepEqual(kinds(gate.tick(4100 + 3000)), ['probe']);
  assert.deepEqual(kinds(gate.pingResult(1, 0)), ['fence']);
  assert.deepEqual(kinds(gate.fenceResult(true, 7200)), ['opened']);
});

test('the peer coming back closes the gate and ignores late results', () => {
  const gate = new TakeoverGate({ ...settings, pingNodesConfigured: true });
  gate.peerDied(0, { goodbye: false, peerHeld: false });
  gate.peerAlive();
  assert.deepEqual(gate.pingResult(1, 0), []);
  assert.equal(gate.state, 'closed');
});

test('after a local stall the open gate rests on fresh ping evidence: older than deadtime, it probes again first', () => {
  const gate = new TakeoverGate({ ...settings, pingNodesConfigured: true, fenceBeforeTakeover: true });
  gate.peerDied(0, { goodbye: false, peerHeld: true });
  gate.pingResult(1, 10);
  assert.deepEqual(kinds(gate.fenceResult(true, 30)), ['opened']);
  assert.deepEqual(gate.stalled(4000), [], 'evidence from t=10 is not older than deadtime at t=4000');
  assert.equal(gate.isOpen(), true);
  assert.deepEqual(kinds(gate.stalled(9000)), ['probe'], 'a stall left the evidence 8990 ms old');
  assert.equal(gate.isOpen(), false, 'nothing starts until the answer');
  assert.deepEqual(gate.pingResult(1, 9010), [], 'reachable: reopened quietly, no second fence');
  assert.equal(gate.isOpen(), true);
  gate.stalled(20000);
  assert.deepEqual(kinds(gate.pingResult(0, 20010)), ['isolated'], 'none reachable: we are the isolated side');
});
