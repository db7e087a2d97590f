// `twinbeat status` rendering: the StatusReport built from core verdicts, link counters and
// protocol drops, its human and --json forms and the health verdict. Pure: strings only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildStatusReport } from '../../../src/daemon/status-report.js';
import { renderStatusHuman, formatAge } from '../../../src/cli/format.js';
import { statusJson } from '../../../src/cli/commands/status.js';
import { assessStatus } from '../../../src/cli/status-health.js';
import type { CoreStatus } from '../../../src/core/status.js';
import type { LinkStats } from '../../../src/transport/link.js';

const core: CoreStatus = {
  now: 100_000,
  self: { name: 'alpha', role: 'active', standby: false, deferringToPeer: null, generation: 12, seq: 340, leaving: false },
  peer: { name: 'beta', state: 'alive', role: 'active', standby: false, generation: 7, leftGracefully: false, lastHeardAgoMs: 850, stable: true },
  links: [
    { name: 'udp:ucast:eth1:10.0.0.2', state: 'up', lastHeardAgoMs: 850, mediumUp: true, mediumReason: '' },
    { name: 'serial:/dev/ttyS0', state: 'dead', lastHeardAgoMs: null, mediumUp: false, mediumReason: 'ENOENT' },
  ],
  groups: [
    {
      index: 0, key: 'IPaddr::10.0.0.100', owner: 'alpha', desired: 'self', placement: null, phase: 'running', selfHolds: true, selfWants: true,
      peerHolds: false, peerWants: false, pendingHandover: null, failedHere: false, stopFailed: false, why: '', noEligibleHolder: null,
      resources: [{ id: 'IPaddr::10.0.0.100', state: 'running', monitorFailures: 0, restarts: 0 }],
    },
    {
      index: 1, key: 'Dummy::db', owner: 'beta', desired: 'peer', placement: { group: 'Dummy::db', node: 'beta', how: 'move', at: 1790000000000 }, phase: 'running', selfHolds: true, selfWants: false,
      peerHolds: true, peerWants: true, pendingHandover: 'releasing', failedHere: false, stopFailed: false, why: 'auto_failback', noEligibleHolder: null,
      resources: [{ id: 'Dummy::db', state: 'stopping', monitorFailures: 2, restarts: 1 }],
    },
  ],
  takeoverGate: 'closed',
  configDigestMatch: false,
  takeoverDemandPending: false,
  hooks: { running: [], queued: [] },
  lastCommand: { command: 'standby', accepted: false, reason: 'peer is dead', at: 90_000 },
};

const stats = (over: Partial<LinkStats>): LinkStats => ({
  framesSent: 10, framesReceived: 9, bytesSent: 900, bytesReceived: 800, drops: {}, lastHeardAt: 1,
  interArrival: { mean: 1001.4, p50: 1000, p99: 1150, p999: 1200, max: 1200, count: 8 }, ...over,
});

const report = buildStatusReport(
  core,
  [
    { name: 'udp:ucast:eth1:10.0.0.2', kind: 'udp', stats: stats({ drops: { 'own-frame': 3 } }), protocolDrops: { 'bad-auth': 2 } },
    { name: 'serial:/dev/ttyS0', kind: 'serial', stats: stats({ framesReceived: 0, interArrival: { mean: 0, p50: 0, p99: 0, p999: 0, max: 0, count: 0 }, drops: { noise: 4 } }), protocolDrops: { 'bad-auth': 1 } },
  ],
  { pid: 4242, version: '0.1.0', uptimeMs: 3_723_000, configDir: '/etc/ha.d', stateFile: '/var/lib/twinbeat/state.ini' },
  'd1g35t',
);

test('the report merges core verdicts, link counters and protocol drops', () => {
  assert.equal(report.version, 1);
  assert.deepEqual(report.links[0]!.drops, { 'own-frame': 3, 'bad-auth': 2 });
  assert.equal(report.links[1]!.mediumDown, 'ENOENT');
  assert.deepEqual(report.drops, { 'own-frame': 3, 'bad-auth': 3, noise: 4 });
  assert.deepEqual(report.groups.map((g) => g.holders), [['alpha'], ['alpha', 'beta']]);
  assert.deepEqual(report.groups.map((g) => g.peerHeldAtLastContact), [false, false]);
  const failed = buildStatusReport({ ...core, groups: [{ ...core.groups[0]!, phase: 'stopped', failedHere: true }] }, [], report.daemon, 'd1g35t');
  assert.deepEqual([report.groups[0]!.failedHere, failed.groups[0]!.failedHere], [false, true], 'the failed mark reaches the JSON');
  const peerDead = buildStatusReport({ ...core, peer: { ...core.peer, state: 'dead' } }, [], report.daemon, 'd1g35t');
  assert.deepEqual(peerDead.groups[1]!.holders, ['alpha'], 'a dead peer\'s last claim is not a current holder');
  assert.equal(peerDead.groups[1]!.peerHeldAtLastContact, true);
  assert.match(renderStatusHuman(peerDead), /Dummy::db: held by alpha, .* - releasing; auto_failback; beta held it when last heard and may still/);
  assert.deepEqual(report.configDigest, { self: 'd1g35t', match: false });
  assert.equal(report.lastCommand?.ageMs, 10_000);
  const health = assessStatus(report);
  assert.deepEqual(JSON.parse(statusJson(report, health)), { running: true, health, ...report }, 'JSON output is the report with running and health');
});

test('the human rendering shows roles, holders, links with jitter, drops and warnings', () => {
  const text = renderStatusHuman(report);
  assert.match(text, /^node {3}alpha: active, generation 12$/m);
  assert.match(text, /^peer {3}beta: alive, active, generation 7, last heard 850ms ago$/m);
  assert.match(text, /MISMATCH with the peer/);
  assert.match(text, /IPaddr::10\.0\.0\.100: held by alpha, here running \(preferred: alpha\)/);
  assert.match(text, /Dummy::db: held by alpha AND beta \(SPLIT BRAIN\), here running \(preferred: beta\) - releasing; auto_failback/);
  assert.match(text, /Dummy::db: stopping \(monitor failures 2, restarts 1\)/);
  assert.match(text, /udp:ucast:eth1:10\.0\.0\.2 +up +850ms ago +10 +9 +mean 1001ms p99 1150ms max 1200ms +own-frame=3 bad-auth=2/);
  assert.match(text, /serial:\/dev\/ttyS0 +dead \(medium down: ENOENT\) +never/);
  assert.match(text, /^drops {2}own-frame=3 bad-auth=3 noise=4$/m);
  assert.match(text, /last command standby refused: peer is dead 10\.0s ago/);
  assert.match(text, /daemon pid 4242, twinbeat 0\.1\.0, up 1h 2m, config \/etc\/ha\.d/);
});

test('ages read naturally', () => {
  assert.equal(formatAge(null), 'never');
  assert.equal(formatAge(999), '999ms ago');
  assert.equal(formatAge(61_000), '61.0s ago');
  assert.equal(formatAge(600_000), '10m ago');
});

test('status shows no-eligible-holder and a deferral to the peer, human and --json', () => {
  const why = 'not eligible here (standby) and beta is dead';
  const stuck = buildStatusReport(
    { ...core, self: { ...core.self, deferringToPeer: 'peer-takeover' }, groups: [{ ...core.groups[0]!, phase: 'stopped', noEligibleHolder: why }] },
    [],
    report.daemon,
    'd1g35t',
  );
  assert.equal(stuck.groups[0]!.noEligibleHolder, why);
  assert.equal(JSON.parse(JSON.stringify(stuck)).groups[0].noEligibleHolder, why);
  assert.equal(JSON.parse(JSON.stringify(stuck)).self.deferringToPeer, 'peer-takeover');
  const text = renderStatusHuman(stuck);
  assert.match(text, /^ {4}NO ELIGIBLE HOLDER: not eligible here \(standby\) and beta is dead$/m);
  assert.match(text, /^node {3}alpha: active \(online, deferring to beta since its takeover: no failback until takeover here or beta fails\)/m);
  assert.doesNotMatch(renderStatusHuman(report), /NO ELIGIBLE HOLDER|deferring/);
});
