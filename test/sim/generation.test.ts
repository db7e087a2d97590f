// A node whose state file was lost (disk replaced, state on tmpfs, restored snapshot) restarts
// under a lower generation than its peer remembers. These tests run two simulated machines over
// the real codec (signing and per-link replay windows) and state what must hold: the peer hears
// the node again within deadtime plus a few keepalives, every group ends with exactly one holder,
// and frames captured from the node's earlier runs are still refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NODES, World, defaultOptions, makeConfig, makeGroups } from './world.js';

const { keepaliveMs, deadtimeMs } = defaultOptions;

function holders(world: World): string[] {
  return world.resourceIds().map((id) => `${id}@${NODES.filter((n) => world.nodes[n].running(id)).join('+')}`);
}

/** Boot both, then restart b twice so that a remembers generation 3 of b, then b loses its state. */
function bootAndLoseState(world: World, capture: string[] = []): void {
  world.boot('a');
  world.boot('b');
  world.advance(3000);
  for (let i = 0; i < 2; i += 1) {
    world.kill('b');
    world.boot('b');
    const wire = world.nodes.b.wire;
    const encode = wire.encode.bind(wire);
    wire.encode = (message) => {
      const frame = encode(message);
      if (typeof frame === 'string') capture.push(frame);
      return frame;
    };
    world.advance(3000);
  }
  assert.equal(world.nodes.a.machine!.status().peer.generation, 3, 'a remembers generation 3 of b');
  world.kill('b');
  world.loseState('b');
  world.boot('b');
  assert.equal(world.nodes.b.machine!.status().self.generation, 1, 'b starts over at generation 1');
}

test('a node that lost its state file is heard again within deadtime + a few keepalives', () => {
  const world = new World({ transcript: false });
  bootAndLoseState(world);
  world.advance(deadtimeMs + 3 * keepaliveMs);
  const a = world.nodes.a.machine!.status();
  const b = world.nodes.b.machine!.status();
  assert.equal(a.peer.state, 'alive', 'a hears b again');
  assert.equal(b.self.generation, 4, 'b continues after the generation a remembers');
  assert.equal(a.peer.generation, 4);
  assert.equal(world.nodes.b.generation, 4, 'the new generation was persisted');
  world.advance(20000);
  const owners = makeGroups(false).flatMap((g) => g.resources.map((r) => `${r.id}@${g.owner}`));
  assert.deepEqual(holders(world).sort(), owners.sort(), 'each group back on its owner, once');
});

test('after catching up, frames captured from the earlier runs are still refused', () => {
  const world = new World({ transcript: false });
  const captured: string[] = [];
  bootAndLoseState(world, captured);
  world.advance(deadtimeMs + 3 * keepaliveMs);
  assert.ok(captured.length > 10, 'frames of generations 2 and 3 were captured');
  for (const link of ['udp', 'serial']) {
    const accepted = captured.filter((frame) => world.nodes.a.wire.decode(frame, link) !== null);
    assert.deepEqual(accepted, [], `no captured frame is accepted on ${link}`);
  }
  assert.equal(world.nodes.a.machine!.status().peer.generation, 4);
});

test('a peer that remembers the highest generation there is: said once, nothing jumps past it', async () => {
  const { FailoverMachine } = await import('../../src/core/machine.js');
  const { MAX_GENERATION } = await import('../../src/protocol/message.js');
  const machine = new FailoverMachine(makeConfig('a', defaultOptions), { generation: 5, standby: false, now: 0 });
  const frame = (seq: number) => ({
    type: 1 as const, from: 'b', generation: 1, seq, ackGeneration: MAX_GENERATION, ackSeq: 3, role: 'active' as const,
    claims: { holds: 0, wants: 0, grants: 0 }, standby: false, configDigest: makeConfig('b', defaultOptions).configDigest,
  });
  const effects = [1, 2, 3].flatMap((seq) => machine.step({ type: 'heard', now: seq * 100, link: 'udp', message: frame(seq) }));
  const exhausted = effects.filter((e) => e.type === 'log' && e.event === 'generation-exhausted');
  assert.equal(exhausted.length, 1);
  assert.ok(effects.every((e) => e.type !== 'persist' || e.state.generation === 5), 'the generation stays');
  assert.equal(machine.status().self.generation, 5);
});
