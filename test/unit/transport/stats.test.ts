// Per-link statistics and the receive screening (src/transport/stats.ts): inter-arrival
// figures of accepted frames only, drops by reason, the deadtime advice. Pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADVICE_MIN_SAMPLES, INTER_ARRIVAL_WINDOW, LinkStatsRecorder, percentile, screenFrame, supportedDeadtimeMs } from '../../../src/transport/stats.js';
import { MAX_FRAME_BYTES } from '../../../src/protocol/frame.js';

test('inter-arrival mean, max and p99 over a bounded window of accepted frames', () => {
  const r = new LinkStatsRecorder();
  let t = 0;
  const frame = (at: number) => {
    r.received(10, at);
    r.accepted(at);
  };
  frame(t);
  for (let i = 0; i < 99; i++) frame((t += 100));
  frame((t += 1000));
  const s = r.snapshot();
  assert.equal(s.framesReceived, 101);
  assert.equal(s.bytesReceived, 1010);
  assert.equal(s.lastHeardAt, t);
  assert.equal(s.interArrival.count, 100);
  assert.equal(s.interArrival.max, 1000);
  assert.equal(s.interArrival.p99, 100);
  assert.equal(s.interArrival.mean, (99 * 100 + 1000) / 100);
  for (let i = 0; i < INTER_ARRIVAL_WINDOW; i++) frame((t += 5));
  const later = r.snapshot();
  assert.equal(later.interArrival.count, INTER_ARRIVAL_WINDOW);
  assert.equal(later.interArrival.max, 5, 'old gaps leave the window');
});

test('frames received but never accepted (forged, replayed) count as traffic, not as inter-arrival times', () => {
  const r = new LinkStatsRecorder();
  r.received(10, 0);
  r.accepted(0);
  for (let t = 1; t < 1000; t++) r.received(10, t);
  r.received(10, 1000);
  r.accepted(1000);
  const s = r.snapshot();
  assert.equal(s.framesReceived, 1001);
  assert.equal(s.lastHeardAt, 1000);
  assert.deepEqual(s.interArrival, { mean: 1000, p50: 1000, p99: 1000, p999: 1000, max: 1000, count: 1 });
});

test('drops show only reasons that happened; junk bytes count as traffic', () => {
  const r = new LinkStatsRecorder();
  r.receivedJunk(300, 'too-long');
  r.sent(50);
  assert.deepEqual(r.snapshot().drops, { 'too-long': 1 });
  assert.equal(r.snapshot().bytesReceived, 300);
  assert.equal(r.snapshot().framesSent, 1);
});

test('screenFrame', () => {
  assert.equal(screenFrame('T1 ok'), null);
  assert.equal(screenFrame('x'.repeat(MAX_FRAME_BYTES + 1)), 'too-long');
  assert.equal(screenFrame(''), 'line-noise');
  assert.equal(screenFrame('a\nb'), 'line-noise');
  assert.equal(screenFrame('caf\u00e9'), 'line-noise');
});

test('p50, p99, p99.9 and max are nearest ranks over the window', () => {
  const r = new LinkStatsRecorder();
  let t = 0;
  r.accepted(t);
  // 1000 gaps: 990 of 10 ms, 9 of 50 ms, one of 400 ms.
  for (let i = 0; i < 990; i++) r.accepted((t += 10));
  for (let i = 0; i < 9; i++) r.accepted((t += 50));
  r.accepted((t += 400));
  const ia = r.snapshot().interArrival;
  assert.deepEqual({ p50: ia.p50, p99: ia.p99, p999: ia.p999, max: ia.max, count: ia.count }, { p50: 10, p99: 10, p999: 50, max: 400, count: 1000 });
  // max(2 × 50, 400 + 10) = 410 → 410.
  assert.equal(supportedDeadtimeMs(ia), 410);
});

test('no samples, one sample, too few samples: figures stay defined and no deadtime is advised', () => {
  const r = new LinkStatsRecorder();
  assert.deepEqual(r.snapshot().interArrival, { mean: 0, p50: 0, p99: 0, p999: 0, max: 0, count: 0 });
  assert.equal(supportedDeadtimeMs(r.snapshot().interArrival), null);
  r.accepted(0);
  assert.equal(r.snapshot().interArrival.count, 0, 'one frame is no gap');
  r.accepted(30);
  assert.deepEqual(r.snapshot().interArrival, { mean: 30, p50: 30, p99: 30, p999: 30, max: 30, count: 1 });
  assert.equal(supportedDeadtimeMs(r.snapshot().interArrival), null);
  for (let i = 2; i <= ADVICE_MIN_SAMPLES; i++) r.accepted(30 * i);
  assert.equal(r.snapshot().interArrival.count, ADVICE_MIN_SAMPLES);
  assert.equal(supportedDeadtimeMs(r.snapshot().interArrival), 60, 'two steady 30 ms gaps');
});

test('hostile timings: a huge outlier dominates max and the advice but not p50/p99; a clock going back counts 0', () => {
  const r = new LinkStatsRecorder();
  let t = 0;
  r.accepted(t);
  for (let i = 0; i < 2000; i++) r.accepted((t += 20));
  r.accepted((t += 3_600_000)); // an hour-long stall (SIGSTOP, suspended VM)
  r.accepted(t - 5000); // clock went backwards
  r.accepted(Number.NaN);
  r.accepted(Infinity);
  const ia = r.snapshot().interArrival;
  assert.equal(ia.p50, 20);
  assert.equal(ia.p99, 20);
  assert.equal(ia.max, 3_600_000);
  assert.ok(Number.isFinite(ia.mean));
  assert.equal(supportedDeadtimeMs(ia), 3_600_020, 'the advice owns up to the worst gap it saw');
  // The outlier leaves with the window.
  t = 0;
  r.accepted(t);
  for (let i = 0; i < INTER_ARRIVAL_WINDOW; i++) r.accepted((t += 20));
  assert.equal(r.snapshot().interArrival.max, 20);
  assert.equal(supportedDeadtimeMs(r.snapshot().interArrival), 40);
});

test('percentile: nearest rank, empty is 0', () => {
  assert.equal(percentile([], 0.5), 0);
  assert.equal(percentile([7], 0.999), 7);
  assert.equal(percentile([1, 2, 3, 4], 0.5), 2);
  assert.equal(percentile([1, 2, 3, 4], 1), 4);
});
