// Each default lives once, in the directive table: the documented text, the loaded Config and
// the CLI's runtime paths all come from it. Touches only temp config directories it creates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { directiveByName, directives, emptyValues, settingOrDefault } from '../../../src/config/directives.js';
import { parseHaCf } from '../../../src/config/hacf.js';
import { buildConfig } from '../../../src/config/validate.js';
import { runtimePaths } from '../../../src/cli/runtime-paths.js';

const fallback = (name: string, key: string): unknown => (directiveByName.get(name)!.fallbacks as Record<string, unknown>)[key];

test('documented defaults are derived from the table\'s values (unchanged text)', () => {
  const documented = Object.fromEntries(directives.map((d) => [d.name, d.default]));
  assert.equal(documented['keepalive'], '1s');
  assert.equal(documented['deadtime'], '30s');
  assert.equal(documented['tb_arp_interval'], '200ms');
  assert.equal(documented['rtprio'], '50 (midpoint)');
  assert.equal(documented['realtime'], 'on');
  assert.equal(documented['tb_control_group'], 'none (root only)');
  assert.equal(documented['tb_metrics_port'], '0 (off); address 127.0.0.1');
  assert.equal(documented['tb_control_socket'], '/run/twinbeat/control.sock');
  assert.equal(directiveByName.get('tb_monitor')!.syntax, 'RESOURCE-ID [interval=5s] [timeout=10s] [failures=3] [restarts=1]');
});

test('a loaded Config uses the table\'s values when ha.cf is silent', () => {
  const hacf = parseHaCf('node alpha beta\nbcast eth0\nauto_failback on\n', 'ha.cf').values;
  const built = buildConfig({
    dir: '/etc/ha.d', self: 'alpha', haCfFile: 'ha.cf', haresourcesFile: 'haresources', hacf, groups: [],
    auth: { signIndex: 1, keys: [{ index: 1, method: 'sha256', key: 'k' }] },
    scripts: { searchPath: [], find: () => null, notFound: (name) => name, safety: () => ({ ok: true }) },
  });
  const config = built.config!;
  assert.equal(config.keepaliveMs, fallback('keepalive', 'keepalive'));
  assert.equal(config.udpport, fallback('udpport', 'udpport'));
  assert.equal(config.ext.stopTimeoutMs, fallback('tb_stop_timeout', 'stopTimeout'));
  assert.equal(config.ext.controlSocket, fallback('tb_control_socket', 'controlSocket'));
  assert.equal(config.ext.metricsAddress, fallback('tb_metrics_port', 'metricsAddress'));
  assert.equal(config.ext.controlGroup, null);
});

test('the CLI finds the daemon at the table\'s default paths when ha.cf names none', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tb-defaults-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const paths = runtimePaths(dir);
  assert.equal(paths.controlSocket, fallback('tb_control_socket', 'controlSocket'));
  assert.equal(paths.pidFile, fallback('tb_pid_file', 'pidFile'));
});

test('asking for a default the table does not have is a programming error, said loudly', () => {
  assert.throws(() => settingOrDefault(emptyValues(), 'warntime'), /no default for warntime/);
  assert.equal(settingOrDefault({ ...emptyValues(), keepalive: { value: 5, origin: { file: 'f', line: 1 } } }, 'keepalive'), 5);
});
