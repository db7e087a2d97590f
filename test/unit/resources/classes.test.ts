// Script classes (src/resources/classes.ts): how heartbeat, LSB and OCF scripts are called and
// how their exit codes and status text are judged. Pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { actionWord, buildInvocation, heartbeatStatusFromStdout, judge, ocfExitReason } from '../../../src/resources/classes.js';

const spec = { id: 'IPaddr::10.0.0.5/24/eth0::x', script: 'IPaddr', args: ['10.0.0.5/24/eth0', 'x'] };

test('heartbeat class: positional :: arguments, action last; monitor becomes status', () => {
  assert.deepEqual(buildInvocation({ ...spec, class: 'heartbeat' }, 'start', '/usr/lib/ocf').args, ['10.0.0.5/24/eth0', 'x', 'start']);
  assert.deepEqual(buildInvocation({ ...spec, class: 'heartbeat' }, 'monitor', '/usr/lib/ocf').args, ['10.0.0.5/24/eth0', 'x', 'status']);
  assert.deepEqual(buildInvocation({ ...spec, class: 'heartbeat' }, 'stop', '/o').env, { OCF_ROOT: '/o' }, 'no OCF_RESKEY_* for heartbeat scripts');
});

test('lsb class: the action is the only argument; monitor becomes status', () => {
  assert.deepEqual(buildInvocation({ ...spec, class: 'lsb' }, 'stop', '/o').args, ['stop']);
  assert.deepEqual(buildInvocation({ ...spec, class: 'lsb' }, 'monitor', '/o').args, ['status']);
});

test('ocf class: action only, parameters in OCF_RESKEY_*, status becomes monitor', () => {
  const inv = buildInvocation({ id: 'a::ip=10.0.0.5::eth0', script: 'a', args: ['ip=10.0.0.5', 'eth0'], class: 'ocf' }, 'status', '/usr/lib/ocf');
  assert.deepEqual(inv.args, ['monitor']);
  assert.equal(inv.env.OCF_ROOT, '/usr/lib/ocf');
  assert.equal(inv.env.OCF_RESKEY_ip, '10.0.0.5');
  assert.equal(inv.env.OCF_RESKEY_arg2, 'eth0');
  assert.equal(inv.env.OCF_RESOURCE_TYPE, 'a');
  assert.equal(inv.env.OCF_RESOURCE_INSTANCE, 'a__ip_10.0.0.5__eth0');
  assert.equal(actionWord('ocf', 'monitor'), 'monitor');
});

test('heartbeat status text: Heartbeat ResourceManager / raexechb rules', () => {
  const cases: [string, 'ok' | 'not-running'][] = [
    ['running', 'ok'],
    ['IPaddr is Running', 'ok'],
    ['OK', 'ok'],
    ['status: OK\n', 'ok'],
    ['stopped', 'not-running'],
    ['Stopped', 'not-running'],
    ['not running', 'not-running'],
    ['web is NOT running', 'not-running'],
    ['is not currently running', 'not-running'],
    ['daemon not\nrunning', 'not-running'],
    ['', 'not-running'],
    ['unknown', 'not-running'],
    ['ok', 'not-running'], // Heartbeat matched OK in capitals only
  ];
  for (const [text, want] of cases) assert.equal(heartbeatStatusFromStdout(text), want, JSON.stringify(text));
});

test('heartbeat class: status ignores the exit code, start/stop use it', () => {
  assert.equal(judge('heartbeat', 'status', { code: 1, signal: null }, 'running\n', '').outcome, 'ok');
  assert.equal(judge('heartbeat', 'monitor', { code: 0, signal: null }, 'stopped\n', '').outcome, 'not-running');
  assert.equal(judge('heartbeat', 'start', { code: 0, signal: null }, '', '').outcome, 'ok');
  const failed = judge('heartbeat', 'start', { code: 7, signal: null }, '', 'RTNETLINK answers: File exists\n');
  assert.equal(failed.outcome, 'failed');
  assert.equal(failed.reason, 'start: exit 7: RTNETLINK answers: File exists');
});

test('lsb status codes: 0 running, 1-3 stopped, 4 and others failed', () => {
  const want = { 0: 'ok', 1: 'not-running', 2: 'not-running', 3: 'not-running', 4: 'failed', 150: 'failed' } as const;
  for (const [code, outcome] of Object.entries(want)) {
    assert.equal(judge('lsb', 'status', { code: Number(code), signal: null }, '', '').outcome, outcome, `status exit ${code}`);
  }
  assert.equal(judge('lsb', 'start', { code: 0, signal: null }, '', '').outcome, 'ok');
  assert.equal(judge('lsb', 'start', { code: 5, signal: null }, '', '').outcome, 'not-installed');
});

test('ocf exit codes map to outcomes for every action', () => {
  const want = ['ok', 'failed', 'not-configured', 'failed', 'failed', 'not-installed', 'not-configured', 'not-running'] as const;
  want.forEach((outcome, code) => {
    assert.equal(judge('ocf', 'monitor', { code, signal: null }, '', '').outcome, outcome, `monitor exit ${code}`);
    assert.equal(judge('ocf', 'start', { code, signal: null }, '', '').outcome, outcome, `start exit ${code}`);
  });
  assert.equal(judge('ocf', 'start', { code: 99, signal: null }, '', '').reason, 'start: exit 99 (unknown exit code)');
});

test('a signal death is a failure, and the last ocf-exit-reason line wins', () => {
  assert.deepEqual(judge('ocf', 'stop', { code: null, signal: 'SIGSEGV' }, '', ''), { outcome: 'failed', reason: 'stop killed by SIGSEGV' });
  const stderr = 'noise\nocf-exit-reason:first\nWARN ocf-exit-reason: second one \nmore noise\n';
  assert.equal(ocfExitReason(stderr), 'second one');
  assert.equal(judge('ocf', 'start', { code: 1, signal: null }, '', stderr).reason, 'second one');
  assert.equal(ocfExitReason('nothing here'), '');
});
