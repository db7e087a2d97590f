// The shared re-open backoff (serial and UDP links) and the UDP link recovering from a bind
// failure at start: a loopback port held exclusively by another socket until it lets go.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { Reopener } from '../../../src/transport/reopen.js';
import { UdpLink } from '../../../src/transport/udp.js';
import type { LinkEvent } from '../../../src/transport/link.js';
import { untilTrue as until } from '../../support/until.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


test('Reopener: delays double up to the cap, one attempt at a time, onOpened once on success', async () => {
  const attempts: number[] = [];
  let failuresLeft = 5;
  let running = 0;
  let maxRunning = 0;
  let opened = 0;
  const reopener = new Reopener(
    { minMs: 10, maxMs: 40 },
    async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      attempts.push(performance.now());
      await sleep(5);
      running--;
      return failuresLeft-- > 0 ? new Error('not yet') : null;
    },
    () => opened++,
  );
  reopener.schedule();
  reopener.schedule(); // already scheduled: no second chain
  await until('the open', () => opened === 1);
  assert.equal(attempts.length, 6);
  assert.equal(maxRunning, 1);
  const gaps = attempts.slice(1).map((t, i) => t - attempts[i]! - 5);
  // Planned delays after each failure: 20, 40, 40, 40, 40 (timers never fire early; they may fire late).
  assert.ok(gaps[0]! >= 19 && gaps.slice(1).every((g) => g >= 39), `gaps ${gaps.map(Math.round).join(',')}`);
  assert.equal(reopener.scheduled, false);
});

test('Reopener: an attempt that throws counts as failed, and the next one still comes', async () => {
  let calls = 0;
  let opened = 0;
  const reopener = new Reopener(
    { minMs: 5, maxMs: 10 },
    async () => {
      calls++;
      if (calls === 1) throw new Error('binding blew up');
      if (calls === 2) return Promise.reject('not even an Error');
      return null;
    },
    () => opened++,
  );
  reopener.schedule();
  await until('the open after two throwing attempts', () => opened === 1, 2_000);
  assert.equal(calls, 3);
  assert.equal(reopener.scheduled, false);
});

test('Reopener: an attempt that never settles counts as failed after the timeout; its signal is aborted', async () => {
  const signals: AbortSignal[] = [];
  const failures: string[] = [];
  let opened = 0;
  const reopener = new Reopener(
    { minMs: 5, maxMs: 10, attemptTimeoutMs: 50 },
    (abandoned) => {
      signals.push(abandoned);
      return signals.length === 1 ? new Promise<null>(() => undefined) : Promise.resolve(null);
    },
    () => opened++,
    (error) => failures.push(error.message),
  );
  reopener.schedule();
  await until('the open after the stuck attempt', () => opened === 1, 2_000);
  assert.equal(signals.length, 2);
  assert.equal(signals[0]!.aborted, true, 'the stuck attempt is told it was given up');
  assert.equal(signals[1]!.aborted, false);
  assert.deepEqual(failures, ['the open attempt did not finish within 50 ms']);
  assert.equal(reopener.scheduled, false);
});

test('Reopener: never more than two given-up attempts pending at once; when one settles, trying resumes', async () => {
  const release: (() => void)[] = [];
  let opened = 0;
  const reopener = new Reopener(
    { minMs: 2, maxMs: 5, attemptTimeoutMs: 20 },
    () => (release.length < 2 ? new Promise<Error>((r) => release.push(() => r(new Error('late failure')))) : Promise.resolve(null)),
    () => opened++,
  );
  reopener.schedule();
  await until('two stuck attempts', () => release.length === 2, 2_000);
  await sleep(150); // many delays and timeouts: no third attempt while both hang
  assert.equal(release.length, 2);
  assert.equal(opened, 0);
  release[0]!(); // one stuck attempt finishes at last (failing): a fresh one may start
  await until('the open after one stuck attempt settled', () => opened === 1, 2_000);
  release[1]!();
});

test('Reopener: stop() cancels a pending attempt and suppresses onOpened of one in flight', async () => {
  let calls = 0;
  let opened = 0;
  const idle = new Reopener({ minMs: 20, maxMs: 20 }, async () => (calls++, null), () => opened++);
  idle.schedule();
  idle.stop();
  await sleep(60);
  assert.equal(calls, 0);

  let release!: () => void;
  const inFlight = new Reopener({ minMs: 1, maxMs: 1 }, () => new Promise<null>((r) => (release = () => r(null))), () => opened++);
  inFlight.schedule();
  await until('the attempt to start', () => release !== undefined);
  inFlight.stop();
  release();
  await sleep(20);
  assert.equal(opened, 0);
  inFlight.schedule();
  await sleep(20);
  assert.equal(opened, 0, 'schedule after stop does nothing');
});

test('udp: a bind that fails at start is retried with backoff; medium up once the port is free', async () => {
  const blocker = dgram.createSocket({ type: 'udp4', reuseAddr: false });
  await new Promise<void>((resolve) => blocker.bind(0, '127.0.0.5', resolve));
  const port = blocker.address().port;
  const warnings: string[] = [];
  const infos: string[] = [];
  const link = new UdpLink(
    { medium: { kind: 'ucast', dev: 'lo', peer: '127.0.0.6', port }, localAddress: '127.0.0.5', reopenMinMs: 20, reopenMaxMs: 100 },
    { now: () => performance.now(), log: { info: (e) => infos.push(e), warn: (e) => warnings.push(e) } },
  );
  const medium: LinkEvent[] = [];
  link.onEvent((e) => e.kind === 'medium' && medium.push(e));
  try {
    await link.open();
    assert.equal(medium.length, 1);
    assert.match(medium[0]!.kind === 'medium' ? medium[0]!.reason : '', /cannot bind 127\.0\.0\.5:\d+ on lo: .*EADDRINUSE/);
    await sleep(300); // several failed retries: quiet
    assert.equal(medium.length, 1);
    assert.deepEqual(warnings, ['link-medium-down']);
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    await until('medium up', () => medium.length === 2);
    assert.equal(medium[1]!.kind === 'medium' && medium[1]!.up, true);
    assert.deepEqual(infos, ['link-medium-up']);
    link.send('hello');
    await until('the frame to leave', () => link.stats().framesSent === 1);
  } finally {
    await link.close();
    try {
      blocker.close();
    } catch {
      // already closed
    }
  }
});
