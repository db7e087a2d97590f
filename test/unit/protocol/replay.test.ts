// The replay window (src/protocol/replay.ts): repeats, reordering inside the window, jumps and
// generations. Pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REPLAY_WINDOW, ReplayWindow } from '../../../src/protocol/replay.js';

const ok = { ok: true };

test('accepts increasing sequence numbers and refuses repeats', () => {
  const w = new ReplayWindow();
  assert.deepEqual(w.check(1, 1), ok);
  assert.deepEqual(w.check(1, 2), ok);
  assert.deepEqual(w.check(1, 2), { ok: false, reason: 'replay' });
  assert.deepEqual(w.check(1, 1), { ok: false, reason: 'replay' });
});

test('accepts reordered frames inside the window exactly once', () => {
  const w = new ReplayWindow();
  assert.deepEqual(w.check(5, 100), ok);
  assert.deepEqual(w.check(5, 98), ok);
  assert.deepEqual(w.check(5, 98), { ok: false, reason: 'replay' });
  assert.deepEqual(w.check(5, 100 - REPLAY_WINDOW + 1), ok);
  assert.deepEqual(w.check(5, 100 - REPLAY_WINDOW), { ok: false, reason: 'too-old' });
  assert.deepEqual(w.check(5, 99), ok);
  assert.deepEqual(w.check(5, 99), { ok: false, reason: 'replay' });
});

test('a jump beyond the window forgets the old bits', () => {
  const w = new ReplayWindow();
  assert.deepEqual(w.check(1, 10), ok);
  assert.deepEqual(w.check(1, 10 + 1000), ok);
  assert.deepEqual(w.check(1, 1010 - 1), ok);
  assert.deepEqual(w.check(1, 10), { ok: false, reason: 'too-old' });
});

test('a new generation resets the window; an older one is refused', () => {
  const w = new ReplayWindow();
  assert.deepEqual(w.check(3, 500), ok);
  assert.deepEqual(w.check(4, 1), ok);
  assert.deepEqual(w.check(4, 2), ok);
  assert.deepEqual(w.check(3, 501), { ok: false, reason: 'old-generation' });
  assert.deepEqual(w.check(4, 1), { ok: false, reason: 'replay' });
});

test('agrees with a naive set model on random traffic', () => {
  let state = 12345;
  const rand = () => ((state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const w = new ReplayWindow();
  const seen = new Set<number>();
  let highest = 0;
  for (let i = 0; i < 20_000; i++) {
    const seq = Math.max(1, Math.floor(highest + (rand() - 0.7) * 100));
    const verdict = w.check(1, seq);
    const expected = seen.has(seq) ? 'replay' : highest - seq >= REPLAY_WINDOW ? 'too-old' : null;
    if (expected === null) {
      assert.deepEqual(verdict, ok, `seq ${seq} highest ${highest}`);
      seen.add(seq);
      highest = Math.max(highest, seq);
    } else if (expected === 'replay' && highest - seq >= REPLAY_WINDOW) {
      assert.deepEqual(verdict, { ok: false, reason: 'too-old' });
    } else {
      assert.deepEqual(verdict, { ok: false, reason: expected });
    }
  }
});
