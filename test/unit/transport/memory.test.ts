// The programmable in-memory network under a deterministic scheduler. Pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryPair, type NetworkScheduler } from '../../../src/transport/memory.js';

function manualScheduler(seed = 1): NetworkScheduler & { runUntil(t: number): void } {
  let now = 0;
  let order = 0;
  let s = seed;
  const queue: { at: number; order: number; fn: () => void }[] = [];
  return {
    now: () => now,
    random: () => ((s = (s * 16807) % 2147483647) - 1) / 2147483646,
    schedule: (at, fn) => void queue.push({ at, order: order++, fn }),
    runUntil(t) {
      for (;;) {
        queue.sort((x, y) => x.at - y.at || x.order - y.order);
        const next = queue[0];
        if (!next || next.at > t) break;
        queue.shift();
        now = next.at;
        next.fn();
      }
      now = t;
    },
  };
}

function setup(seed = 1) {
  const sched = manualScheduler(seed);
  const pair = createMemoryPair('a', 'b', sched);
  const atB: { frame: string; at: number }[] = [];
  const atA: string[] = [];
  pair.b.onEvent((e) => e.kind === 'frame' && atB.push({ frame: e.frame, at: e.at }));
  pair.a.onEvent((e) => e.kind === 'frame' && atA.push(e.frame));
  return { sched, ...pair, atB, atA };
}

test('delay is exact without jitter and frames stay in order', () => {
  const { sched, a, network, atB } = setup();
  network.setDelay(30);
  a.send('one');
  a.send('two');
  sched.runUntil(29);
  assert.deepEqual(atB, []);
  sched.runUntil(30);
  assert.deepEqual(atB, [{ frame: 'one', at: 30 }, { frame: 'two', at: 30 }]);
});

test('jitter reorders only when reordering is allowed', () => {
  for (const reorder of [false, true]) {
    const { sched, a, network, atB } = setup(7);
    network.setDelay(10, 50);
    network.setReorder(reorder);
    for (let i = 0; i < 50; i++) a.send(String(i));
    sched.runUntil(1000);
    const got = atB.map((x) => Number(x.frame));
    const sorted = [...got].sort((x, y) => x - y);
    assert.equal(got.length, 50);
    if (reorder) assert.notDeepEqual(got, sorted);
    else assert.deepEqual(got, sorted);
  }
});

test('drop and duplicate probabilities act as told', () => {
  const { sched, a, network, atB } = setup(3);
  network.setDrop(0.5);
  for (let i = 0; i < 1000; i++) a.send('x');
  sched.runUntil(1);
  assert.ok(atB.length > 400 && atB.length < 600, `${atB.length} of 1000 arrived at 50% loss`);
  atB.length = 0;
  network.setDrop(0);
  network.setDuplicate(1);
  a.send('dup');
  sched.runUntil(2);
  assert.deepEqual(atB.map((x) => x.frame), ['dup', 'dup']);
});

test('one-way and two-way partitions, then heal', () => {
  const { sched, a, b, network, atA, atB } = setup();
  network.cut('a->b');
  a.send('lost');
  b.send('passes');
  sched.runUntil(1);
  assert.deepEqual([atA, atB.length], [['passes'], 0]);
  network.cut('both');
  b.send('lost too');
  sched.runUntil(2);
  assert.deepEqual(atA, ['passes']);
  network.heal();
  a.send('back');
  sched.runUntil(3);
  assert.deepEqual(atB.map((x) => x.frame), ['back']);
  assert.equal(a.stats().framesSent, 2, 'a frame lost in the network still left the sender');
});

test('probabilities are validated', () => {
  const { network } = setup();
  assert.throws(() => network.setDrop(1.5), RangeError);
  assert.throws(() => network.setDelay(-1), RangeError);
});

test('a side whose medium fails reports it once and goes silent both ways until it returns', () => {
  const { sched, a, b, network, atA, atB } = setup();
  const events: boolean[] = [];
  b.onEvent((e) => e.kind === 'medium' && events.push(e.up));
  network.setMedium('b', false, 'unplugged');
  network.setMedium('b', false, 'unplugged');
  a.send('to b');
  b.send('to a');
  sched.runUntil(1);
  assert.deepEqual([atA, atB.length, events], [[], 0, [false]]);
  assert.equal(b.stats().drops['send-failed'], 1);
  network.setMedium('b', true);
  a.send('again');
  sched.runUntil(2);
  assert.deepEqual([atB.map((x) => x.frame), events], [['again'], [false, true]]);
});
