// HookQueue: two lanes, one hook at a time per lane, in order; a bounded notification backlog.
// Pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HookQueue, MAX_WAITING_NOTIFICATIONS } from '../../../src/core/hooks.js';
import type { Effect } from '../../../src/core/types.js';

const ids = () => {
  let n = 0;
  return () => ++n;
};
const started = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'run-hook' ? [`${e.hook}#${e.opId}`] : []));

test('a running notification does not hold back a fence; each lane keeps its order', () => {
  const q = new HookQueue();
  const next = ids();
  assert.deepEqual(started(q.enqueue({ hook: 'remote-failure', env: {} }, next).effects), ['remote-failure#1']);
  assert.deepEqual(started(q.enqueue({ hook: 'fence', env: {} }, next).effects), ['fence#2'], 'the fence starts beside the notifier');
  assert.deepEqual(started(q.enqueue({ hook: 'escalate', env: {} }, next).effects), [], 'escalate waits for the fence');
  assert.deepEqual(started(q.enqueue({ hook: 'local-failure', env: {} }, next).effects), [], 'a notification waits for the notifier');
  assert.deepEqual(q.pending(), { running: ['fence', 'remote-failure'], queued: ['escalate', 'local-failure'] });
  assert.deepEqual(started(q.finish(2, next).effects), ['escalate#3']);
  assert.deepEqual(q.finish(99, next), { done: null, effects: [] }, 'an unknown opId is not ours');
  assert.deepEqual(started(q.finish(1, next).effects), ['local-failure#4']);
});

test('notifications waiting behind a hung one are bounded: the oldest is dropped', () => {
  const q = new HookQueue();
  const next = ids();
  q.enqueue({ hook: 'remote-failure', env: { N: '0' } }, next);
  for (let i = 1; i <= MAX_WAITING_NOTIFICATIONS; i++) assert.equal(q.enqueue({ hook: 'local-failure', env: { N: String(i) } }, next).dropped, null);
  const { dropped } = q.enqueue({ hook: 'remote-failure', env: { N: 'last' } }, next);
  assert.deepEqual(dropped, { hook: 'local-failure', env: { N: '1' } });
  assert.equal(q.pending().queued.length, MAX_WAITING_NOTIFICATIONS);
  for (let i = 0; i < 100; i++) assert.equal(q.enqueue({ hook: 'fence', env: {} }, next).dropped, null, 'the takeover lane never drops');
});

// ---- transition notifications (keyed): coalescing keeps one waiting per group or node, in order

const keyed = (hook: 'master' | 'backup' | 'fault' | 'stop', key: string) => ({ hook, env: { K: key }, key });

test('a newer transition replaces the one of the same key still waiting; other keys keep their place', () => {
  const q = new HookQueue();
  const next = ids();
  assert.deepEqual(started(q.enqueue(keyed('master', 'group:g'), next).effects), ['master#1']);
  assert.deepEqual(q.enqueue(keyed('backup', 'group:g'), next).coalesced, []);
  assert.deepEqual(q.enqueue(keyed('master', 'node:a'), next).coalesced, []);
  const r = q.enqueue(keyed('fault', 'group:g'), next);
  assert.deepEqual(r.coalesced.map((h) => h.hook), ['backup'], 'the waiting backup is superseded by the fault');
  assert.deepEqual(q.pending().queued, ['master', 'fault'], 'node:a keeps its place before the newer group state');
  assert.deepEqual(started(q.finish(1, next).effects), ['master#2']);
  assert.deepEqual(started(q.finish(2, next).effects), ['fault#3']);
  assert.equal(q.notifyIdle(), false);
  q.finish(3, next);
  assert.equal(q.notifyIdle(), true);
});

test('back to what the notifier was last told while it runs: neither the intermediate nor the return is delivered', () => {
  const q = new HookQueue();
  const next = ids();
  q.enqueue(keyed('master', 'group:g'), next); // running
  q.enqueue(keyed('backup', 'group:g'), next);
  const back = q.enqueue(keyed('master', 'group:g'), next);
  assert.deepEqual(back.coalesced.map((h) => h.hook), ['backup', 'master']);
  assert.deepEqual(back.effects, []);
  assert.deepEqual(q.pending(), { running: ['master'], queued: [] });
});

test('a flood of transitions behind a hung notifier stays bounded by the keys, never drops a keyless report', () => {
  const q = new HookQueue();
  const next = ids();
  q.enqueue({ hook: 'remote-failure', env: {} }, next); // hangs
  const states = ['master', 'backup', 'fault'] as const;
  let coalesced = 0;
  for (let i = 0; i < 10_000; i++) {
    const r = q.enqueue(keyed(states[i % 3]!, `group:g${i % 5}`), next);
    coalesced += r.coalesced.length;
    assert.equal(r.dropped, null);
  }
  q.enqueue({ hook: 'local-failure', env: {} }, next);
  assert.equal(q.pending().queued.length, 6, 'one per group plus the report');
  assert.ok(coalesced >= 10_000 - 5, `coalesced ${coalesced}`);
  // In order, per key: the lane then delivers each group's newest state once.
  const delivered: string[] = [];
  let op = 1;
  for (let i = 0; i < 6; i++) {
    const { effects } = q.finish(op, next);
    for (const e of effects) if (e.type === 'run-hook') (delivered.push(`${e.hook}`), (op = e.opId));
  }
  assert.equal(delivered.length, 6);
  assert.equal(q.notifyIdle(), false);
});
