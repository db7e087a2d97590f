// Whole config directories through loadConfig: every valid fixture loads; every broken one
// reports exactly the lines in its expected.txt (paths relative to the config directory).
// Touches only temp copies of the fixtures (config/stage.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load.js';
import { scriptChecks } from '../../../src/resources/locate.js';
import { formatError } from '../../../src/config/errors.js';
import { configFixtures, stage } from './stage.js';

const validCases = readdirSync(join(configFixtures, 'valid'));
const invalidCases = readdirSync(join(configFixtures, 'invalid'));

test('the corpus has valid and broken cases', () => {
  assert.ok(validCases.length >= 3);
  assert.ok(invalidCases.length >= 15);
});

for (const name of validCases) {
  test(`valid: ${name} loads`, async (t) => {
    const s = stage('valid', name);
    t.after(() => s.remove());
    const r = await loadConfig(s.dir, s.node, { scripts: s.scripts, resolve: s.resolve });
    assert.ok(r.ok, r.ok ? '' : r.errors.map(formatError).join('\n'));
    assert.equal(r.config.self, 'alpha');
    assert.equal(r.config.peer, 'beta');
    assert.match(r.config.digest, /^[0-9a-f]{16}$/);
  });
}

for (const name of invalidCases) {
  test(`invalid: ${name} reports exactly expected.txt`, async (t) => {
    const s = stage('invalid', name);
    t.after(() => s.remove());
    const expected = readFileSync(join(configFixtures, 'invalid', name, 'expected.txt'), 'utf8').trimEnd().split('\n');
    const r = await loadConfig(s.dir, s.node, { scripts: s.scripts, resolve: s.resolve });
    assert.equal(r.ok, false);
    assert.deepEqual(r.ok ? [] : r.errors.map((e) => s.relative(formatError(e))), expected);
  });
}

test('a typical Heartbeat v1 deployment loads as written', async (t) => {
  const s = stage('valid', 'heartbeat-v1');
  t.after(() => s.remove());
  const r = await loadConfig(s.dir, 'ALPHA', { scripts: s.scripts, resolve: s.resolve });
  assert.ok(r.ok);
  const c = r.config;
  assert.deepEqual(c.nodes, ['alpha', 'beta']);
  assert.equal(c.keepaliveMs, 2000);
  assert.equal(c.deadtimeMs, 30000);
  assert.equal(c.warntimeMs, 10000);
  assert.equal(c.initdeadMs, 120000);
  assert.equal(c.autoFailback, 'on');
  assert.deepEqual(c.media.map((m) => m.kind), ['bcast', 'serial']);
  assert.deepEqual(c.media[1], { kind: 'serial', device: '/dev/ttyS0', baud: 19200, origin: { file: join(s.dir, 'ha.cf'), line: 13 } });
  assert.deepEqual(c.auth, { signIndex: 1, keys: [{ index: 1, method: 'md5', key: 'Hello!' }] });
  assert.deepEqual(c.groups[0]!.resources.map((x) => [x.id, x.class, x.path]), [
    ['IPaddr::10.0.0.100/24/eth0', 'heartbeat', join(s.dir, 'resource.d/IPaddr')],
    ['apache2', 'lsb', join(s.dir, 'init.d/apache2')],
  ]);
  const notices = r.notices.map((n) => `${n.directive}@${n.line}`);
  for (const expected of ['auto_failback@15', 'apiauth@19']) assert.ok(notices.includes(expected), expected);
  assert.deepEqual(r.warnings, [], 'respawning ipfail gives up nothing: it turns uplink tracking on');
  assert.deepEqual(c.uplink, { enabled: true, trackInterfaces: [] });
  assert.ok(notices.includes('respawn@18'), 'and says what replaces ipfail');
  assert.equal(c.origins['keepalive'] !== 'default' && c.origins['keepalive']?.line, 7);
  assert.equal(c.origins['debug'], 'default');
});

test('twinbeat extensions and out-of-order directives fill Config', async (t) => {
  const s = stage('valid', 'twinbeat-full');
  t.after(() => s.remove());
  const r = await loadConfig(s.dir, 'alpha', { scripts: s.scripts, resolve: s.resolve });
  assert.ok(r.ok, r.ok ? '' : r.errors.map(formatError).join('\n'));
  const c = r.config;
  assert.equal(c.udpport, 7694, 'udpport after the media lines applies');
  assert.equal(c.baud, 115200);
  assert.deepEqual(c.media.find((m) => m.kind === 'serial'), { kind: 'serial', device: '/dev/ttyS1', baud: 115200, origin: { file: join(s.dir, 'ha.cf'), line: 3 } });
  assert.equal(c.initdeadMs, 12000, 'deadtime 5s < 6s: initdead 12s');
  assert.equal(c.warntimeMs, 2500);
  assert.deepEqual(c.ext, {
    monitors: {
      'IPaddr::192.168.60.10/24/eth1': { intervalMs: 2000, timeoutMs: 1500, failures: 2, restarts: 0 },
      'myagent::ip=1.2.3.4': { intervalMs: 5000, timeoutMs: 10000, failures: 3, restarts: 1 },
    },
    hooks: { fence: '/bin/true', escalate: '/bin/true' },
    startTimeoutMs: 90000,
    stopTimeoutMs: 120000,
    notifyTimeoutMs: 30000,
    statusTimeoutMs: 5000,
    arpCount: 3,
    arpIntervalMs: 500,
    dadTimeoutMs: 0,
    controlSocket: '/run/tb-test/control.sock',
    controlGroup: 'haclient',
    statusGroup: null,
    stateFile: '/var/lib/tb-test/state.ini',
    pidFile: '/run/tb-test/twinbeat.pid',
    metricsPort: 9694,
    metricsAddress: '127.0.0.1',
  });
  assert.deepEqual(c.groups.map((g) => [g.owner, g.key, g.resources.map((x) => x.class)]), [
    ['alpha', 'IPaddr::192.168.60.10/24/eth1', ['heartbeat', 'ocf', 'heartbeat']],
    ['beta', 'IPaddr::192.168.60.11', ['heartbeat', 'lsb']],
  ]);
  assert.deepEqual(c.auth.keys.map((k) => k.key), ['old#key', '0123456789abcdef']);
});

test('defaults when ha.cf says almost nothing', async (t) => {
  const s = stage('valid', 'minimal');
  t.after(() => s.remove());
  const r = await loadConfig(s.dir, 'beta', { scripts: s.scripts, resolve: s.resolve });
  assert.ok(r.ok);
  const c = r.config;
  assert.deepEqual(
    [c.self, c.peer, c.keepaliveMs, c.deadtimeMs, c.warntimeMs, c.initdeadMs, c.udpport, c.baud, c.logfacility, c.debug, c.deadpingMs],
    ['beta', 'alpha', 1000, 30000, 15000, 30000, 694, 19200, null, 0, 30000],
  );
  assert.equal(c.ext.controlGroup, null);
  assert.equal(c.ext.controlSocket, '/run/twinbeat/control.sock');
  assert.equal(c.ext.metricsPort, 0);
  assert.deepEqual(c.groups, []);
});

test('authkeys readable by others: error with the exact chmod fix', async (t) => {
  const s = stage('valid', 'minimal');
  t.after(() => s.remove());
  chmodSync(join(s.dir, 'authkeys'), 0o640);
  const r = await loadConfig(s.dir, 'alpha', { scripts: s.scripts, resolve: s.resolve });
  assert.equal(r.ok, false);
  const text = r.ok ? '' : r.errors.map(formatError).join('\n');
  assert.ok(text.includes(`chmod 600 ${join(s.dir, 'authkeys')}`), text);
  assert.ok(text.includes('mode 0640'), text);
});

test('authkeys not owned by root: error with the exact chown fix', { skip: process.getuid?.() !== 0 ? 'needs root to chown' : false }, async (t) => {
  const s = stage('valid', 'minimal');
  t.after(() => s.remove());
  chownSync(join(s.dir, 'authkeys'), 65534, 65534);
  const r = await loadConfig(s.dir, 'alpha', { scripts: s.scripts, resolve: s.resolve });
  assert.equal(r.ok, false);
  const text = r.ok ? '' : r.errors.map(formatError).join('\n');
  assert.ok(text.includes(`chown root:root ${join(s.dir, 'authkeys')}`), text);
});

test('a config directory that does not exist: one error per file, no throw', async () => {
  const r = await loadConfig('/nonexistent/tb-config', 'alpha', { scripts: scriptChecks('/nonexistent/tb-config') });
  assert.equal(r.ok, false);
  assert.deepEqual(r.ok ? [] : r.errors.map((e) => [e.file, e.got]), [
    ['/nonexistent/tb-config/ha.cf', 'ENOENT'],
    ['/nonexistent/tb-config/haresources', 'ENOENT'],
    ['/nonexistent/tb-config/authkeys', 'ENOENT'],
  ]);
});

test('default search path finds the package resources.d (IPaddr, heartbeat class)', async (t) => {
  const s = stage('valid', 'minimal');
  t.after(() => s.remove());
  writeFileSync(join(s.dir, 'haresources'), 'alpha 10.0.0.100/24/eth0\n');
  const r = await loadConfig(s.dir, 'alpha', { scripts: scriptChecks(s.dir) });
  assert.ok(r.ok, r.ok ? '' : r.errors.map(formatError).join('\n'));
  const ip = r.config.groups[0]!.resources[0]!;
  assert.match(ip.path, /\/resources\.d\/IPaddr$/);
  assert.equal(ip.class, 'heartbeat');
});

test('the digest changes with shared settings, not with paths or logging', async (t) => {
  const s = stage('valid', 'minimal');
  t.after(() => s.remove());
  const digest = async () => {
    const r = await loadConfig(s.dir, 'alpha', { scripts: s.scripts, resolve: s.resolve });
    assert.ok(r.ok);
    return r.config.digest;
  };
  const base = await digest();
  writeFileSync(join(s.dir, 'ha.cf'), 'node alpha beta\nbcast eth0\nauto_failback off\nlogfacility daemon\n');
  assert.equal(await digest(), base, 'logging is local');
  writeFileSync(join(s.dir, 'ha.cf'), 'node beta alpha\nbcast eth1\nauto_failback off\n');
  assert.equal(await digest(), base, 'node order and interfaces are local');
  writeFileSync(join(s.dir, 'ha.cf'), 'node alpha beta\nbcast eth0\nauto_failback off\ndeadtime 20\n');
  assert.notEqual(await digest(), base, 'timings are shared');
});
