// What scripts are given, built without running anything: Heartbeat's HA_* environment from a
// configuration (with ha.cf's env lines), the OCF environment of an ocf:PROVIDER:TYPE name, the
// systemctl argv of a systemd:UNIT, and how systemctl's exit codes read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_RSCTMP, ensureRscTmp, heartbeatEnvironment, type HeartbeatEnvInput } from '../../../src/resources/environment.js';
import { buildInvocation, extraActions, judge, ocfInstance } from '../../../src/resources/classes.js';
import { DAEMON_SET_HA_NAMES } from '../../../src/config/directives.js';
import { heldOutputWarning } from '../../../src/resources/result.js';

const base: HeartbeatEnvInput = { self: 'alpha', dir: '/etc/ha.d', logfile: null, debugfile: null, logfacility: null, debug: 0, env: {} };

test("HA_* as Heartbeat 3.0.6 set them for its children, only what is configured", () => {
  assert.deepEqual(heartbeatEnvironment(base), {
    HA_RSCTMP: DEFAULT_RSCTMP,
    HA_CURHOST: 'alpha',
    HA_DIR: '/etc/ha.d',
    HA_FUNCS: '/etc/ha.d/shellfuncs',
    HA_DATEFMT: '%Y/%m/%d_%T\t',
    HA_LOGD: 'no',
    HA_NICEFAILBACK: 'yes',
  });
  const logged = heartbeatEnvironment({ ...base, dir: '/srv/ha', logfile: '/var/log/ha-log', debugfile: '/var/log/ha-debug', logfacility: 'local0', debug: 2 });
  assert.equal(logged.HA_LOGFILE, '/var/log/ha-log');
  assert.equal(logged.HA_DEBUGLOG, '/var/log/ha-debug');
  assert.equal(logged.HA_LOGFACILITY, 'local0');
  assert.equal(logged.HA_debug, '2');
  assert.equal(logged.HA_FUNCS, '/srv/ha/shellfuncs');
});

test('env lines add HA_NAME and may replace HA_RSCTMP, never what the daemon sets', () => {
  const env = heartbeatEnvironment({ ...base, env: { HA_RSCTMP: '/run/mine', HA_SITE: 'north', HA_CURHOST: 'mallory' } });
  assert.equal(env.HA_RSCTMP, '/run/mine');
  assert.equal(env.HA_SITE, 'north');
  assert.equal(env.HA_CURHOST, 'alpha', 'config validation refuses it; even so the daemon value wins');
  // Every name the config refuses for env lines is one the daemon may set.
  const all = heartbeatEnvironment({ ...base, logfile: '/l', debugfile: '/d', logfacility: 'daemon', debug: 1 });
  for (const name of DAEMON_SET_HA_NAMES) assert.ok(`HA_${name}` in all, name);
});

// The /proc case is the one Node's recursive mkdir never returns from (synchronously, so no test
// timeout could stop it): a regression hangs this file rather than passing.
test('ensureRscTmp creates the directory (mode 1755) and says why when it cannot', () => {
  const root = mkdtempSync(join(tmpdir(), 'h15c-rsctmp-'));
  try {
    const dir = join(root, 'a', 'rsctmp');
    assert.equal(ensureRscTmp({ HA_RSCTMP: dir }), null);
    assert.equal(statSync(dir).mode & 0o7777, 0o1755 & ~process.umask());
    assert.match(ensureRscTmp({ HA_RSCTMP: '/proc/h15c/x' }) ?? '', /^cannot create HA_RSCTMP \/proc\/h15c\/x: /);
    assert.equal(ensureRscTmp({ HA_RSCTMP: 'relative' }), null, 'a relative value is not ours to create');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('ocf:PROVIDER:TYPE: type, provider, instance, parameters and the action timeout in the environment', () => {
  const spec = { id: 'ocf:acme:Web::port=8080::root=/srv/$(id)', script: 'ocf:acme:Web', args: ['port=8080', 'root=/srv/$(id)'], class: 'ocf' as const };
  const inv = buildInvocation(spec, 'monitor', '/opt/ocf', 20_000);
  assert.deepEqual(inv.args, ['monitor']);
  assert.equal(inv.env.OCF_ROOT, '/opt/ocf');
  assert.equal(inv.env.OCF_RESOURCE_TYPE, 'Web');
  assert.equal(inv.env.OCF_RESOURCE_PROVIDER, 'acme');
  assert.equal(inv.env.OCF_RESKEY_port, '8080');
  assert.equal(inv.env.OCF_RESKEY_root, '/srv/$(id)', 'a value is an environment string, untouched');
  assert.equal(inv.env.OCF_RESKEY_CRM_meta_timeout, '20000');
  assert.match(inv.env.OCF_RESOURCE_INSTANCE!, /^[A-Za-z0-9_.-]+$/);
  assert.deepEqual(buildInvocation(spec, 'meta-data', '/o').args, ['meta-data']);
  assert.deepEqual(buildInvocation(spec, 'validate-all', '/o').args, ['validate-all']);
  assert.deepEqual(extraActions('ocf'), ['meta-data', 'validate-all']);
  assert.deepEqual(extraActions('heartbeat'), []);
  assert.deepEqual(extraActions('systemd'), []);
});

test('OCF_RESOURCE_INSTANCE stays a short file-name part; long ids differ by a hash', () => {
  const long = (tail: string) => `ocf::Dummy::state=${'x'.repeat(300)}${tail}`;
  const a = ocfInstance(long('a'));
  const b = ocfInstance(long('b'));
  assert.ok(a.length <= 128 && b.length <= 128);
  assert.notEqual(a, b);
  assert.match(a, /^[A-Za-z0-9_.-]+$/);
  assert.equal(ocfInstance('Dummy::web'), 'Dummy__web', 'short ids keep the earlier spelling');
});

test('systemd:UNIT runs systemctl with the unit after --, and no OCF variables', () => {
  const spec = { id: 'systemd:nginx', script: 'systemd:nginx.service', args: [], class: 'systemd' as const };
  assert.deepEqual(buildInvocation(spec, 'start', '/o').args, ['--no-ask-password', 'start', '--', 'nginx.service']);
  assert.deepEqual(buildInvocation(spec, 'stop', '/o').args, ['--no-ask-password', 'stop', '--', 'nginx.service']);
  assert.deepEqual(buildInvocation(spec, 'status', '/o').args, ['is-active', '--', 'nginx.service']);
  assert.deepEqual(buildInvocation(spec, 'monitor', '/o').args, ['is-active', '--', 'nginx.service']);
  assert.deepEqual(buildInvocation(spec, 'start', '/o', 5000).env, {});
});

test("systemctl's exit codes: is-active like LSB status, a stop of an unloaded unit succeeds, its start is not-installed", () => {
  const exit = (code: number) => ({ code, signal: null });
  assert.equal(judge('systemd', 'status', exit(0), 'active\n', '').outcome, 'ok');
  assert.equal(judge('systemd', 'status', exit(3), 'inactive\n', '').outcome, 'not-running');
  assert.equal(judge('systemd', 'monitor', exit(3), 'failed\n', '').outcome, 'not-running');
  assert.equal(judge('systemd', 'status', exit(4), '', '').outcome, 'failed');
  assert.equal(judge('systemd', 'start', exit(0), '', '').outcome, 'ok');
  const failed = judge('systemd', 'start', exit(1), '', 'Job for nginx.service failed because the control process exited with error code.\n');
  assert.equal(failed.outcome, 'failed');
  assert.match(failed.reason, /^start: systemctl start: exit 1 \(systemctl failed\): Job for nginx\.service failed/);
  assert.equal(judge('systemd', 'start', exit(5), '', 'Unit x.service not found.\n').outcome, 'not-installed');
  assert.equal(judge('systemd', 'stop', exit(5), '', 'Unit x.service not loaded.\n').outcome, 'ok');
  assert.equal(judge('systemd', 'stop', exit(1), '', '').outcome, 'failed');
});

test('the held-output warning names the streams, the pids and the fix', () => {
  const text = heldOutputWarning('web start', { streams: ['stdout'], pids: [4242] });
  assert.match(text, /^web start: the script exited but a process it started still holds its stdout \(pid 4242 still in its process group\); .*>\/dev\/null 2>&1.*setsid/);
});
