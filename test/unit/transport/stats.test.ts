import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INTER_ARRIVAL_WINDOW, LinkStatsRecorder, screenFrame } from '../../../src/transport/stats.js';
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
  for (let i = 0; i < 1000; i++) frame((t += 5));
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
  assert.deepEqual(s.interArrival, { mean: 1000, max: 1000, p99: 1000, count: 1 });
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
