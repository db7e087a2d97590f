// The stop guard on its own, with a hand-driven clock: when a graceful stop counts as stuck, and
// that a stop which never gets stuck (a hung hook) still ends at the deadline, counted from the
// moment the core reports it is leaving. Pure: a hand-driven clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StopGuard, stopDeadlineMs, stuckStop } from '../../../src/daemon/stop-guard.js';
import type { CoreStatus, GroupStatus } from '../../../src/core/status.js';
import type { Clock } from '../../../src/daemon/clock.js';
import type { Config } from '../../../src/config/types.js';

function status(phases: GroupStatus['phase'][], hooks: CoreStatus['hooks'] = { running: [], queued: [] }): CoreStatus {
  const groups = phases.map((phase, index) => ({ index, key: `g${index}`, phase, stopFailed: phase === 'stop-failed' }) as GroupStatus);
  return { self: { leaving: true }, groups, hooks } as CoreStatus;
}

test('stuck: every group stopped or stop-failed, at least one failed, no hook running or queued', () => {
  assert.equal(stuckStop(status(['stopped', 'stopped'])), null, 'a stop that finished is not stuck');
  assert.equal(stuckStop(status(['stop-failed', 'stopping'])), null, 'another group is still stopping');
  assert.equal(stuckStop(status(['stop-failed'], { running: ['escalate'], queued: [] })), null, 'the escalate hook gets its run');
  assert.equal(stuckStop(status(['stop-failed'], { running: [], queued: ['escalate'] })), null);
  assert.equal(stuckStop(status(['stop-failed', 'stopped', 'stop-failed'])), 'groups g0, g2 failed to stop and may still run here');
});

test('deadline: start timeout, then (longest group + 1) stop timeouts, each with the kill grace', () => {
  const config = { groups: [{ resources: [1, 2, 3] }, { resources: [1] }], ext: { startTimeoutMs: 60_000, stopTimeoutMs: 60_000 } } as unknown as Config;
  assert.equal(stopDeadlineMs(config), 64_000 + 4 * 64_000);
});

test('deadline with transition notifications: the stop notifications of each group and the node may run out after the goodbye', () => {
  const ext = { startTimeoutMs: 60_000, stopTimeoutMs: 60_000, notifyTimeoutMs: 5_000, hooks: { fence: '/f' } };
  const groups = [{ resources: [1, 2, 3] }, { resources: [1] }];
  const without = stopDeadlineMs({ groups, ext } as unknown as Config);
  assert.equal(without, 64_000 + 4 * 64_000, 'a fence hook alone adds nothing');
  const notifying = { groups, ext: { ...ext, hooks: { stop: '/s' } } } as unknown as Config;
  assert.equal(stopDeadlineMs(notifying), without + 3 * 2 * 9_000, '(2 groups + node) × (state script + notify) × (timeout + kill grace)');
});

test('a stop that never gets stuck (a hook hangs) is abandoned at the deadline, not before', () => {
  let now = 0;
  const pending: { at: number; fn: () => void }[] = [];
  const clock: Clock = { now: () => now, after: (ms, fn) => (pending.push({ at: now + ms, fn }), { cancel: () => {} }) };
  const advance = (ms: number) => {
    const until = now + ms;
    while (pending.length > 0 && pending[0]!.at <= until) {
      const next = pending.shift()!;
      now = next.at;
      next.fn();
    }
    now = until;
  };
  const hung = status(['stopped'], { running: ['remote-failure'], queued: [] });
  let current: CoreStatus = { ...hung, self: { leaving: false } } as CoreStatus;
  const guard = new StopGuard({ clock, status: () => current, deadlineMs: () => 10_000 });
  let why: string | null = null;
  void guard.abandoned.then((reason) => (why = reason));
  guard.start();
  advance(60_000); // not stopping: nothing to bound
  current = hung; // the core now reports a graceful stop
  advance(250);
  guard.onStep(now); // the loop steps at least every tick period: the next step looks
  advance(9_800);
  return Promise.resolve().then(() => {
    assert.equal(why, null);
    advance(400);
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      assert.match(why ?? '', /graceful stop still not finished when the configured start\/stop timeouts ran out/);
    });
  });
});

test('idle, the guard costs no wake-ups of its own: it looks after loop steps (at most every 200 ms) and by a 1 s backstop timer', () => {
  let now = 0;
  const armed: number[] = [];
  const clock: Clock = { now: () => now, after: (ms) => (armed.push(ms), { cancel: () => {} }) };
  let looks = 0;
  const idle = { ...status(['running'], { running: [], queued: [] }), self: { leaving: false } } as CoreStatus;
  const guard = new StopGuard({ clock, status: () => (looks++, idle), deadlineMs: () => 10_000 });
  guard.start();
  assert.deepEqual(armed, [1000], 'only the backstop timer');
  for (now = 0; now < 1000; now += 50) guard.onStep(now);
  assert.equal(looks, 5, 'steps every 50 ms: a look every 200 ms (0, 200, ..., 800)');
  assert.ok(armed.every((ms) => ms === 1000), 'every re-arm is the backstop, never a 200 ms poll while idle');
  guard.cancel();
  guard.onStep(5000);
  assert.equal(looks, 5, 'cancelled: no more looks');
});
