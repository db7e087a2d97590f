// Unit tests for takeover-breakdown.ts's strace reader (pure text in, milestones out).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTrace } from '../../../scripts/bench/takeover-breakdown.js';

const trace = [
  '100 1000.000100 write(1, "INFO event=peer-alive", 21) = 21',
  '200 1000.010000 execve("/r/resources.d/IPaddr", ["/r/resources.d/IPaddr", "10.0.0.1/24/eth0", "probe"], 0x0 /* 9 vars */) = 0',
  '201 1000.011000 execve("/usr/sbin/arping", ["arping", "-D"], 0x0) = 0',
  '200 1000.030000 +++ exited with 0 +++',
  '100 1000.040000 write(1, "WARN event=peer-dead message=\\"alpha is dead\\"", 40) = 40',
  '100 1000.041000 fsync(23) = 0',
  '300 1000.045000 execve("/r/resources.d/IPaddr", ["/r/resources.d/IPaddr", "10.0.0.1/24/eth0", "start"], 0x0) = 0',
  '301 1000.050000 execve("/usr/sbin/ip", ["ip", "-o", "-4", "addr", "show"], 0x0) = 0',
  '302 1000.052000 execve("/usr/sbin/ip", ["ip", "addr", "add", "10.0.0.1/24"], 0x0) = 0',
  '304 1000.058000 execve("/usr/sbin/arping", ["arping", "-q", "-U"], 0x0) = 0',
  '305 1000.058500 execve("/usr/sbin/arping", ["arping", "-q", "-A"], 0x0) = 0',
  '300 1000.057000 +++ exited with 0 +++',
  'garbage line',
].join('\n');

test('parseTrace finds each milestone once, in epoch ms, on the trace clock', () => {
  const m = parseTrace(trace);
  const ms = (s: number) => Math.round(s * 1e6) / 1e3; // seconds → ms, to the µs
  const r = (x: number | undefined) => (x === undefined ? NaN : Math.round(x * 1e3) / 1e3);
  assert.equal(r(m.probeSpawn), ms(1000.01));
  assert.equal(r(m.probeExit), ms(1000.03));
  assert.equal(r(m.dead), ms(1000.04));
  assert.equal(r(m.persist), ms(1000.041));
  assert.equal(r(m.spawn), ms(1000.045));
  assert.equal(r(m.ipAdd), ms(1000.052), 'the presence check (ip addr show) is not the add');
  assert.equal(r(m.arping), ms(1000.058), 'the first arping after the add, not the probe\'s');
  assert.equal(r(m.scriptExit), ms(1000.057));
});

test('parseTrace: nothing before peer-dead is taken as the start; an empty or hostile trace gives nothing', () => {
  assert.deepEqual(parseTrace(''), {});
  assert.deepEqual(parseTrace('x\n\u0000\n1 notatime execve("/IPaddr", ["start"])'), {});
  const noDead = parseTrace(trace.split('\n').filter((l) => !l.includes('peer-dead')).join('\n'));
  assert.equal(noDead.spawn, undefined);
  assert.equal(noDead.ipAdd, undefined);
});
