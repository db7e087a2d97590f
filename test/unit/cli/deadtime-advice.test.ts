// The deadtime advisor in `twinbeat status`: per link, the inter-arrival distribution of accepted
// frames and the deadtime it supports, in the JSON (shape and values) and the human rendering.
// Pure: hand-made link statistics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildStatusReport } from '../../../src/daemon/status-report.js';
import { renderStatusHuman } from '../../../src/cli/format.js';
import { LinkStatsRecorder } from '../../../src/transport/stats.js';
import type { CoreStatus } from '../../../src/core/status.js';

const core: CoreStatus = {
  now: 100_000,
  self: { name: 'alpha', role: 'active', standby: false, deferringToPeer: null, generation: 1, seq: 10, leaving: false },
  peer: { name: 'bravo', state: 'alive', role: 'standby', standby: false, generation: 1, leftGracefully: false, lastHeardAgoMs: 10, stable: true },
  links: [
    { name: 'serial:/dev/ttyS0', state: 'up', lastHeardAgoMs: 10, mediumUp: true, mediumReason: '' },
    { name: 'udp:ucast:eth0:10.0.0.2', state: 'up', lastHeardAgoMs: 10, mediumUp: true, mediumReason: '' },
    { name: 'udp:bcast:eth1', state: 'init', lastHeardAgoMs: null, mediumUp: true, mediumReason: '' },
  ],
  groups: [],
  takeoverGate: 'closed',
  configDigestMatch: true,
  takeoverDemandPending: false,
  hooks: { running: [], queued: [] },
  lastCommand: null,
};

function recorded(gaps: number[]) {
  const r = new LinkStatsRecorder();
  let t = 0;
  r.accepted(t);
  for (const g of gaps) r.accepted((t += g));
  return r.snapshot();
}

const serial = recorded([...Array<number>(999).fill(35), 60]);
const udp = recorded(Array<number>(10).fill(20));
const report = buildStatusReport(
  core,
  [
    { name: 'serial:/dev/ttyS0', kind: 'serial', stats: serial, protocolDrops: {} },
    { name: 'udp:ucast:eth0:10.0.0.2', kind: 'udp', stats: udp, protocolDrops: {} },
    { name: 'udp:bcast:eth1', kind: 'udp', stats: recorded([]), protocolDrops: {} },
  ],
  { pid: 1, version: '0.1.0', uptimeMs: 60_000, configDir: '/etc/ha.d', stateFile: '/var/lib/twinbeat/state.ini' },
  'abc123',
);

test('status JSON: every link carries p50/p99/p99.9/max and the deadtime they support (null when too few)', () => {
  const json = JSON.parse(JSON.stringify(report)) as typeof report;
  for (const link of json.links) {
    assert.deepEqual(Object.keys(link.interArrival).sort(), ['count', 'max', 'mean', 'p50', 'p99', 'p999']);
    for (const v of Object.values(link.interArrival)) assert.equal(typeof v, 'number');
    assert.ok(link.supportedDeadtimeMs === null || Number.isInteger(link.supportedDeadtimeMs));
  }
  const [s, u, b] = json.links;
  assert.deepEqual(s!.interArrival, { mean: (999 * 35 + 60) / 1000, p50: 35, p99: 35, p999: 35, max: 60, count: 1000 });
  assert.equal(s!.supportedDeadtimeMs, 100, 'max(2 × 35, 60 + 35) = 95 → 100');
  assert.equal(u!.interArrival.count, 10);
  assert.equal(u!.supportedDeadtimeMs, null);
  assert.equal(b!.supportedDeadtimeMs, null);
});

test('status human: a deadtime-advice block, one row per link', () => {
  const text = renderStatusHuman(report);
  assert.match(text, /^deadtime advice \(gaps between accepted frames, last 4096 per link; max\(2 × p99\.9, max \+ p50\)\):$/m);
  assert.match(text, /^ {2}serial:\/dev\/ttyS0 +p50 35ms +p99 35ms +p99\.9 35ms +max 60ms +\(1000\) +supports deadtime 100ms$/m);
  assert.match(text, /^ {2}udp:ucast:eth0:10\.0\.0\.2 +p50 20ms .*too few frames to advise \(10 of 64\)$/m);
  assert.match(text, /^ {2}udp:bcast:eth1 +no frames accepted yet$/m);
});
