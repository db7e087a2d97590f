// Scripted simulations of per-group operator moves (issue 15 item 3, src/core/placements.ts):
// move and clear, per-group standby, persistence across a restart, refusals (dead peer, unknown
// group, hostile names), and races (both nodes moving the same group at once, a move during a
// takeover). Each asserts on what ACTUALLY runs in the simulated world (world.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NODES, World, type NodeName } from './world.js';
import type { GroupCommand } from '../../src/core/placements.js';

const G0 = 'IPaddr::10.0.0.1/24/eth0'; // owner a
const G1 = 'IPaddr::10.0.0.2/24/eth0'; // owner b
const WALL = 1_790_000_000_000;

const move = (w: World, node: NodeName, command: Omit<GroupCommand, 'at'>) => w.deliver(w.nodes[node], { type: 'group-command', now: w.now, command: { ...command, at: WALL } });
const runners = (w: World, id: string) => NODES.filter((n) => w.nodes[n].running(id));
const last = (w: World, node: NodeName) => w.nodes[node].machine!.status().lastCommand;

function pair(): World {
  const w = new World({});
  w.boot('a');
  w.boot('b');
  w.advance(10_000);
  assert.deepEqual(runners(w, G0), ['a']);
  assert.deepEqual(runners(w, G1), ['b']);
  return w;
}

test('move GROUP NODE issued on the holder: the group moves to the peer and stays there (auto_failback on)', () => {
  const w = pair();
  move(w, 'a', { kind: 'move', group: G0, node: 'b' });
  assert.equal(last(w, 'a')?.accepted, true, last(w, 'a')?.reason);
  w.advance(8000);
  assert.deepEqual(runners(w, G0), ['b']);
  assert.deepEqual(runners(w, G1), ['b'], 'the other group did not move');
  const group = w.nodes.a.machine!.status().groups[0]!;
  assert.match(group.why, /moved to the peer by operator .*move to b, recorded here/);
  assert.equal(group.placement?.node, 'b');
  w.advance(20_000);
  assert.deepEqual(runners(w, G0), ['b'], 'auto_failback does not pull a moved group back');
});

test('move GROUP NODE issued on the target: the holder yields that group only', () => {
  const w = pair();
  move(w, 'b', { kind: 'move', group: G0, node: 'b' });
  w.advance(8000);
  assert.deepEqual(runners(w, G0), ['b']);
  assert.deepEqual(runners(w, G1), ['b']);
  assert.match(w.nodes.a.machine!.status().groups[0]!.why, /moved to the peer by its operator/);
});

test('move without NODE goes to the node that does not run it; --clear lets auto_failback bring it home', () => {
  const w = pair();
  move(w, 'a', { kind: 'move', group: G0 });
  w.advance(8000);
  assert.deepEqual(runners(w, G0), ['b']);
  move(w, 'a', { kind: 'clear', group: G0 });
  assert.equal(last(w, 'a')?.accepted, true);
  w.advance(8000);
  assert.deepEqual(runners(w, G0), ['a'], 'cleared: back to its preferred node');
  assert.equal(w.nodes.a.placements.length, 0, 'the clear was persisted');
});

test('per-group standby persists across a restart of the node that made it', () => {
  const w = pair();
  move(w, 'a', { kind: 'standby', group: G0 });
  w.advance(8000);
  assert.deepEqual(runners(w, G0), ['b']);
  assert.deepEqual(w.nodes.a.placements.map((p) => [p.group, p.node, p.how]), [[G0, 'b', 'standby']]);
  w.kill('a');
  w.advance(5000);
  w.boot('a');
  w.advance(20_000);
  assert.deepEqual(runners(w, G0), ['b'], 'still moved after the restart');
  assert.deepEqual(runners(w, G1), ['b']);
});

test('availability first: when the target dies the other node takes the group, and the move applies again when it returns', () => {
  const w = pair();
  move(w, 'a', { kind: 'move', group: G0, node: 'b' });
  w.advance(8000);
  w.kill('b');
  w.advance(w.options.deadtimeMs + 10_000);
  assert.deepEqual(runners(w, G0), ['a']);
  assert.deepEqual(runners(w, G1), ['a']);
  w.boot('b');
  w.advance(30_000);
  assert.deepEqual(runners(w, G0), ['b'], 'the move is honoured again once b is up');
});

test('refused: a move to a dead peer, to a standby peer, an unknown group, hostile names', () => {
  const w = pair();
  w.deliver(w.nodes.b, { type: 'command', now: w.now, command: 'standby' });
  w.advance(8000);
  move(w, 'a', { kind: 'move', group: G0, node: 'b' });
  assert.equal(last(w, 'a')?.accepted, false);
  assert.match(last(w, 'a')!.reason, /b is in standby or stopping: it could not take/);
  move(w, 'b', { kind: 'move', group: G0, node: 'b' });
  assert.match(last(w, 'b')!.reason, /this node \(b\) is in standby/);
  w.kill('b');
  w.advance(w.options.deadtimeMs + 1000);
  move(w, 'a', { kind: 'standby', group: G1 });
  assert.match(last(w, 'a')!.reason, /b is not alive: it could not take/);
  move(w, 'a', { kind: 'move', group: 'nope' });
  assert.match(last(w, 'a')!.reason, /unknown group "nope"/);
  move(w, 'a', { kind: 'move', group: `${G0}\n2026 a info forged`, node: 'a' });
  assert.equal(last(w, 'a')?.accepted, false);
  assert.doesNotMatch(last(w, 'a')!.reason, /\n/, 'a newline in a name never reaches the log');
  move(w, 'a', { kind: 'move', group: 'x'.repeat(100_000) });
  assert.ok(last(w, 'a')!.reason.length < 400, 'a huge name is cut');
  move(w, 'a', { kind: 'move', group: G0, node: 'mallory' });
  assert.match(last(w, 'a')!.reason, /unknown node "mallory"/);
  assert.equal(w.nodes.a.placements.length, 0, 'nothing refused was persisted');
});

for (const [name, a, b] of [
  ['both move it away at once', { node: 'b' }, { node: 'a' }],
  ['both move it here at once', { node: 'a' }, { node: 'b' }],
  ['both put it in standby at once', { kind: 'standby' }, { kind: 'standby' }],
] as const) {
  test(`race, ${name}: exactly one node runs it, the same one every time (name order)`, () => {
    for (const group of [G0, G1]) {
      const w = pair();
      move(w, 'a', { kind: 'move', group, ...a });
      move(w, 'b', { kind: 'move', group, ...b });
      w.advance(30_000);
      assert.equal(runners(w, group).length, 1, `${group} runs on ${runners(w, group).join(',') || 'nobody'}`);
      assert.equal(runners(w, G0 === group ? G1 : G0).length, 1);
    }
  });
}

test('a move during a takeover: never two holders, and every group ends with exactly one holder', () => {
  const w = pair();
  w.deliver(w.nodes.b, { type: 'command', now: w.now, command: 'takeover' });
  move(w, 'a', { kind: 'move', group: G0, node: 'a' });
  for (let t = 0; t < 30_000; t += 100) {
    w.advance(100);
    for (const id of w.resourceIds()) assert.ok(runners(w, id).length <= 1, `${id} runs on both at ${w.now}`);
  }
  for (const id of w.resourceIds()) assert.equal(runners(w, id).length, 1, id);
});
