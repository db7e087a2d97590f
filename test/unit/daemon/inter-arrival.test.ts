// Inter-arrival statistics count accepted frames only (issue 12, hole 9a): a memory link pair on a
// hand-driven clock, the real FrameCodec (authentication, replay window) and the daemon loop.
// An attacker's forged, replayed and garbage frames arrive between genuine heartbeats; the
// numbers operators tune deadtime with must stay those of the genuine ones.
// Pure: in-process, no socket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createMemoryPair, type NetworkScheduler } from '../../../src/transport/memory.js';
import { FrameCodec } from '../../../src/protocol/frame-codec.js';
import { Loop, type CoreMachine, type WorldActions } from '../../../src/daemon/loop.js';
import type { CoreStatus } from '../../../src/core/status.js';
import { createLogger } from '../../../src/daemon/logger.js';
import { ALICE, BOB, ctxFor, status } from '../protocol/fixtures.js';

/** Frames are delivered when the test advances time. */
function manualScheduler() {
  let now = 0;
  const queue: { at: number; fn: () => void }[] = [];
  const scheduler: NetworkScheduler = { now: () => now, random: () => 0.5, schedule: (at, fn) => queue.push({ at, fn }) };
  const advanceTo = (t: number) => {
    queue.sort((x, y) => x.at - y.at);
    while (queue.length > 0 && queue[0]!.at <= t) {
      const next = queue.shift()!;
      now = next.at;
      next.fn();
    }
    now = t;
  };
  return { scheduler, advanceTo };
}

const idleMachine: CoreMachine = { step: () => [], status: () => ({}) as CoreStatus, nextWakeAt: () => Infinity };
const noWorld = {} as WorldActions;

test('forged, replayed and garbage frames between heartbeats do not move the inter-arrival numbers', async () => {
  const { scheduler, advanceTo } = manualScheduler();
  const { a, b, network } = createMemoryPair('memory:alice', 'memory:bob', scheduler);
  const sender = new FrameCodec(ctxFor(ALICE));
  const loop = new Loop({
    machine: idleMachine,
    links: [b],
    codec: new FrameCodec(ctxFor(BOB)),
    actions: noWorld,
    clock: { now: () => scheduler.now(), after: () => ({ cancel() {} }) },
    log: createLogger({ stdout: new PassThrough() }),
    tickMs: 1000,
  });
  let hostile = 0;
  for (let seq = 1; seq <= 10; seq++) {
    const genuine = sender.encode(status({ seq }));
    advanceTo(seq * 1000);
    a.send(genuine); // a heartbeat every 1000 ms
    advanceTo(seq * 1000);
    // Between two heartbeats: a replay of the one just accepted, a forgery, garbage.
    for (let k = 1; k <= 30; k++) {
      network.inject('a->b', genuine);
      network.inject('a->b', genuine.slice(0, -2) + (genuine.endsWith('00') ? '11' : '00'));
      network.inject('a->b', `T9 garbage ${k}`);
      hostile += 3;
      advanceTo(seq * 1000 + k * 3);
    }
  }
  const stats = b.stats();
  assert.equal(stats.framesReceived, 10 + hostile, 'every frame reached the link');
  assert.deepEqual(stats.interArrival, { mean: 1000, p50: 1000, p99: 1000, p999: 1000, max: 1000, count: 9 });
  const drops = loop.protocolDrops('memory:bob');
  assert.equal(drops['replay'], 300);
  assert.equal(drops['bad-mac'], 300);
  loop.close();
});
