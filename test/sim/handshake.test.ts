// Targeted safety checks of the want/grant handshake, asserted against what actually runs on the
// simulated machines (the golden transcripts show the same runs, these state the property).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NODES, World } from './world.js';
import { watchDoubleRuns } from './double-runs.js';


test('simultaneous takeover from mutual standby: a stale grant never lets both start', () => {
  for (const [extraDelayMs, seed] of [0, 300, 600, 900].flatMap((d) => Array.from({ length: 5 }, (_, i) => [d, i + 1] as const))) {
    const world = new World({ transcript: false, seed });
    const doubles = watchDoubleRuns(world);
    world.boot('a');
    world.boot('b');
    world.advance(1000);
    // At the same instant: one after the other, the second is refused (its peer is in standby).
    world.deliver(world.nodes.a, { type: 'command', now: world.now, command: 'standby' });
    world.deliver(world.nodes.b, { type: 'command', now: world.now, command: 'standby' });
    world.advance(2000);
    assert.ok(world.resourceIds().every((id) => NODES.every((n) => !world.nodes[n].running(id))), 'both in standby: nothing runs');
    world.setLinks(['udp', 'serial'], ['a', 'b'], { fixedDelayMs: extraDelayMs, extraDelayMs: 50 });
    world.deliver(world.nodes.a, { type: 'command', now: world.now, command: 'takeover' });
    world.deliver(world.nodes.b, { type: 'command', now: world.now, command: 'takeover' });
    world.advance(5000);
    assert.deepEqual(doubles, [], `delay ${extraDelayMs}..${extraDelayMs + 50} ms, seed ${seed}`);
    for (const id of world.resourceIds()) assert.equal(NODES.filter((n) => world.nodes[n].running(id)).length, 1, `${id} runs exactly once`);
  }
});

test('one dead link never moves a resource', () => {
  const world = new World({ transcript: false });
  world.boot('a');
  world.boot('b');
  world.advance(2000);
  const before = world.resourceIds().map((id) => NODES.filter((n) => world.nodes[n].running(id)).join());
  world.setLinks(['serial'], ['a', 'b'], { cut: true });
  world.advance(20000);
  const after = world.resourceIds().map((id) => NODES.filter((n) => world.nodes[n].running(id)).join());
  assert.deepEqual(after, before);
  assert.equal(world.nodes.a.machine!.status().peer.state, 'alive');
  assert.equal(world.nodes.a.machine!.status().links.find((l) => l.name === 'serial')!.state, 'dead');
});

test('the same seed reproduces the same transcript', () => {
  const run = () => {
    const world = new World({ seed: 7, scriptJitterMs: 250 });
    world.boot('a');
    world.boot('b');
    world.setLinks(['udp'], ['a'], { loss: 0.5, dup: 0.3, extraDelayMs: 200 });
    world.advance(6000);
    world.kill('a');
    world.advance(15000);
    return world.lines.join('\n');
  };
  assert.equal(run(), run());
});
