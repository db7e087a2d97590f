// HookQueue: two lanes, one hook at a time per lane, in order; a bounded notification backlog.
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
