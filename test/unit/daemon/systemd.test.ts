// The systemd notifier against a fake systemd-notify that records its arguments and environment:
// what it reads from (and removes from) the environment, READY/STOPPING/WATCHDOG messages, the
// watchdog's rate, and hostile NOTIFY_SOCKET / WATCHDOG_* values. Writes only temp files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { missingSkipReason } from '../../../scripts/lab/requirements.js';
import { createNotifier, takeNotifyEnvironment } from '../../../src/daemon/systemd.js';
import { fakeSystemdNotify } from './fake-notify.js';
import { datagramReceiver } from '../../support/datagram-receiver.js';
import { trackChildren } from '../../support/children.js';

async function until(what: string, fn: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('the notify environment is read once and removed, so children cannot speak for the unit', () => {
  const env: NodeJS.ProcessEnv = { NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '30000000', WATCHDOG_PID: '42', PATH: '/bin' };
  assert.deepEqual(takeNotifyEnvironment(env, 42), { socket: '/run/systemd/notify', watchdogMs: 30_000 });
  assert.deepEqual(env, { PATH: '/bin' });
  assert.deepEqual(takeNotifyEnvironment({ NOTIFY_SOCKET: '@/org/freedesktop/systemd1/notify' }, 1), { socket: '@/org/freedesktop/systemd1/notify', watchdogMs: null });
  assert.equal(takeNotifyEnvironment({}, 1), null, 'not under systemd');
  assert.deepEqual(takeNotifyEnvironment({ NOTIFY_SOCKET: '/n', WATCHDOG_USEC: '5000000', WATCHDOG_PID: '7' }, 8), { socket: '/n', watchdogMs: null }, "another process's watchdog");
});

test('hostile notify variables turn the integration off instead of misbehaving', () => {
  for (const socket of ['', 'relative/path', ' /x', `/${'a'.repeat(200)}`]) assert.equal(takeNotifyEnvironment({ NOTIFY_SOCKET: socket }, 1), null, socket);
  for (const usec of ['', '0', '999', '-5', '1e9', '30s', '9'.repeat(40), '0x10']) {
    assert.deepEqual(takeNotifyEnvironment({ NOTIFY_SOCKET: '/n', WATCHDOG_USEC: usec }, 1), { socket: '/n', watchdogMs: null }, usec);
  }
});

test('READY carries the status and the first watchdog ping; STOPPING follows; NOTIFY_SOCKET is passed', async (t) => {
  const fake = fakeSystemdNotify(t);
  const notifier = createNotifier({ socket: '/tmp/fake-notify', watchdogMs: 1000 }, { command: fake.command });
  notifier.ready('alpha: generation 3,\n2 link(s) open');
  await until('READY', () => fake.calls().length === 1);
  notifier.stopping('SIGTERM: releasing resources');
  await until('STOPPING', () => fake.calls().length === 2);
  assert.deepEqual(fake.calls(), ['/tmp/fake-notify|READY=1 STATUS=alpha: generation 3, 2 link(s) open WATCHDOG=1', '/tmp/fake-notify|STOPPING=1 STATUS=SIGTERM: releasing resources']);
});

test('the watchdog pings at most every interval/2, however often the loop steps', async (t) => {
  const fake = fakeSystemdNotify(t);
  const children = trackChildren(t);
  const notifier = createNotifier({ socket: '/n', watchdogMs: 1000 }, { command: fake.command });
  notifier.ready('up');
  await children.settled();
  assert.equal(fake.calls().length, 1);
  // Steps every 10 ms of loop time for 2.2 s: the ping sent with READY at 0, then at 500, 1000, 1500, 2000.
  for (let now = 0; now <= 2200; now += 10) {
    notifier.alive(now);
    // The ping's child has exited and the notifier has seen it: the steps up to the next ping
    // are held back by the interval alone, not by a ping still in flight.
    if (now > 0 && now % 500 === 0) await children.settled();
    assert.equal(fake.calls().length, 1 + Math.floor(now / 500), `pings by ${now}`);
  }
  assert.equal(children.count(), 5, 'READY and four pings, nothing else was run');
  assert.deepEqual(fake.calls().slice(1), ['/n|WATCHDOG=1', '/n|WATCHDOG=1', '/n|WATCHDOG=1', '/n|WATCHDOG=1']);
});

test('no watchdog asked for, or not under systemd: nothing is ever run', (t) => {
  const fake = fakeSystemdNotify(t);
  const children = trackChildren(t);
  const withoutWatchdog = createNotifier({ socket: '/n', watchdogMs: null }, { command: fake.command });
  for (let now = 0; now < 100_000; now += 100) withoutWatchdog.alive(now);
  const off = createNotifier(null, { command: fake.command });
  off.ready('x');
  off.stopping('x');
  off.alive(1e9);
  // A child is started synchronously or not at all.
  assert.equal(children.count(), 0);
  assert.deepEqual(fake.calls(), []);
});

test('a failing systemd-notify is reported once, not at every ping', async (t) => {
  const fake = fakeSystemdNotify(t, 1);
  const children = trackChildren(t);
  const errors: string[] = [];
  const notifier = createNotifier({ socket: '/n', watchdogMs: 20 }, { command: fake.command, onError: (m) => errors.push(m) });
  // The loop steps 10 ms of loop time per 15 ms until five pings have failed (a ping in flight
  // holds the next one back, so how many steps that takes depends on the machine's speed).
  const deadline = Date.now() + 20_000;
  for (let now = 0; fake.calls().length < 5; now += 10) {
    assert.ok(Date.now() < deadline, `only ${fake.calls().length} pings after ${now} ms of loop time`);
    notifier.alive(now);
    await new Promise((r) => setTimeout(r, 15));
  }
  await children.settled();
  assert.equal(errors.length, 1, errors.join('\n'));
  assert.match(errors[0]!, /WATCHDOG=1 failed/);
  const missing = createNotifier({ socket: '/n', watchdogMs: null }, { command: join(fake.dir, 'no-such-command'), onError: (m) => errors.push(m) });
  missing.ready('x');
  await children.settled();
  assert.equal(errors.length, 2, errors.join('\n'));
  assert.match(errors[1]!, /READY=1 failed: .*ENOENT/);
});

test('the real systemd-notify delivers what the notifier asks to a NOTIFY_SOCKET datagram socket', { skip: missingSkipReason(['systemd-notify', 'socat']) }, async (t) => {
  // socat stands in for PID 1.
  const { socket, received } = await datagramReceiver(t);
  const errors: string[] = [];
  const notifier = createNotifier({ socket, watchdogMs: 10_000 }, { onError: (m) => errors.push(m) });
  notifier.ready('alpha: generation 1, 2 link(s) open');
  await until('READY=1', () => received().includes('WATCHDOG=1'));
  assert.match(received(), /^READY=1\nSTATUS=alpha: generation 1, 2 link\(s\) open\nWATCHDOG=1/);
  notifier.stopping('SIGTERM');
  await until('STOPPING=1', () => received().includes('STOPPING=1'));
  assert.deepEqual(errors, []);
});
