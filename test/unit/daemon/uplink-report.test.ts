// Uplink tracking in `twinbeat status` (JSON and human) and the metrics: both scores, the state
// with its reason, the last handover; nothing about it while tracking is off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildStatusReport, type StatusReport } from '../../../src/daemon/status-report.js';
import { renderStatusHuman } from '../../../src/cli/format.js';
import { renderMetrics } from '../../../src/daemon/metrics-registry.js';
import type { CoreStatus } from '../../../src/core/status.js';
import type { UplinkStatus } from '../../../src/core/uplink.js';

const handingOver: UplinkStatus = {
  state: 'handing-over',
  self: { score: 0, total: 2, failing: ['ping 10.0.0.254', 'interface eth1'] },
  peer: 2,
  since: 95_000,
  why: "our uplink score 0, the peer's 2: groups handed to the peer",
  lastHandover: { at: 95_000, why: "our uplink score 0, the peer's 2 for 30000 ms" },
  handovers: 1,
};

function reportWith(uplink: UplinkStatus | undefined): StatusReport {
  const core: CoreStatus = {
    now: 100_000,
    self: { name: 'alpha', role: 'active', standby: false, deferringToPeer: null, generation: 3, seq: 9, leaving: false },
    peer: { name: 'beta', state: 'alive', role: 'active', standby: false, generation: 2, leftGracefully: false, lastHeardAgoMs: 100, stable: true },
    links: [],
    groups: [],
    takeoverGate: 'closed',
    ...(uplink ? { uplink } : {}),
    configDigestMatch: true,
    takeoverDemandPending: false,
    hooks: { running: [], queued: [] },
    lastCommand: null,
  };
  return buildStatusReport(core, [], { pid: 1, version: '0.1.0', uptimeMs: 1000, configDir: '/etc/ha.d', stateFile: '/x' }, 'abcdef');
}

test('status JSON carries both scores, the reason and the last handover with ages', () => {
  assert.deepEqual(reportWith(handingOver).uplink, {
    state: 'handing-over',
    self: { score: 0, total: 2, failing: ['ping 10.0.0.254', 'interface eth1'] },
    peer: 2,
    why: "our uplink score 0, the peer's 2: groups handed to the peer",
    sinceAgeMs: 5000,
    lastHandover: { ageMs: 5000, why: "our uplink score 0, the peer's 2 for 30000 ms" },
    handovers: 1,
  });
  assert.equal('uplink' in reportWith(undefined), false);
});

test('the human status says what fails here, the peer\'s score and why the groups moved', () => {
  const text = renderStatusHuman(reportWith(handingOver));
  assert.match(text, /^uplink handing-over for 5\.0s: score here 0\/2 \(failing: ping 10\.0\.0\.254, interface eth1\), peer 2: our uplink score 0, the peer's 2: groups handed to the peer$/m);
  assert.match(text, /^uplink last handover 5\.0s ago: our uplink score 0, the peer's 2 for 30000 ms \(1 in all\)$/m);
  const off = renderStatusHuman(reportWith({ ...handingOver, state: 'off', self: null, peer: null, lastHandover: null, handovers: 0 }));
  assert.ok(!off.includes('uplink'), 'nothing while tracking is off');
});

test('metrics: each node\'s score, the state and the handovers; unknown scores have no sample', async () => {
  const text = await renderMetrics(reportWith(handingOver), {});
  const has = (line: string) => assert.ok(text.split('\n').includes(line), line);
  has('twinbeat_uplink_score{node="alpha"} 0');
  has('twinbeat_uplink_score{node="beta"} 2');
  has('twinbeat_uplink_state{state="handing-over"} 1');
  has('twinbeat_uplink_state{state="ok"} 0');
  has('twinbeat_uplink_handovers_total 1');
  const unknown = await renderMetrics(reportWith({ ...handingOver, state: 'ok', self: null, peer: null }), {});
  assert.ok(!unknown.includes('twinbeat_uplink_score{'), 'unknown: no sample');
  assert.ok(unknown.split('\n').includes('twinbeat_uplink_state{state="ok"} 1'));
});
