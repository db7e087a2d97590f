// Transition notifications in ha.cf (issue 15 item 2): `tb_hook master|backup|fault|stop|notify
// PATH` and `tb_notify_timeout`. Hostile input: unknown kinds (keepalived's own spelling), a
// second script for one kind, missing, world-writable and non-executable scripts, bad timeouts;
// each refused with FILE:LINE. And the core is told to report transitions only when a script is set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load.js';
import { parseHaCf } from '../../../src/config/hacf.js';
import { formatError } from '../../../src/config/errors.js';
import { coreConfigFrom } from '../../../src/daemon/core-config.js';
import { stage } from './stage.js';

const parseErrors = (text: string) => parseHaCf(text, 'ha.cf').errors.map(formatError);

test('tb_hook accepts the four states and the generic notify script; keepalived spellings are refused with the list', () => {
  const ok = parseHaCf('tb_hook master /etc/ha.d/m\ntb_hook backup /etc/ha.d/b\ntb_hook fault /etc/ha.d/f\ntb_hook stop /etc/ha.d/s\ntb_hook notify /etc/ha.d/n\n', 'ha.cf');
  assert.deepEqual(ok.errors, []);
  assert.deepEqual(ok.values.hooks.map((h) => h.value.kind), ['master', 'backup', 'fault', 'stop', 'notify']);
  assert.deepEqual(parseErrors('node a b\ntb_hook notify_master /etc/ha.d/m\n'), [
    'ha.cf:2: tb_hook: expected fence, escalate, local-failure, remote-failure, master, backup, fault, stop, notify, got "notify_master"',
  ]);
  assert.match(parseErrors('tb_hook master /x\ntb_hook master /y\n')[0]!, /^ha\.cf:2: tb_hook: expected one master hook \(already at ha\.cf:1\), got "\/y"$/);
  assert.match(parseErrors('tb_hook notify relative/path\n')[0]!, /^ha\.cf:1: tb_hook: expected an absolute path/);
  assert.match(parseErrors('tb_hook master\n')[0]!, /^ha\.cf:1: tb_hook: expected .*\|notify PATH, got "master"$/);
  assert.match(parseErrors('tb_hook master /x "GROUP"\n')[0]!, /^ha\.cf:1: tb_hook: expected .* PATH/);
});

test('tb_notify_timeout: a duration greater than zero, once', () => {
  assert.deepEqual(parseErrors('tb_notify_timeout 5\n'), []);
  assert.equal(parseHaCf('tb_notify_timeout 250ms\n', 'ha.cf').values.notifyTimeout?.value, 250);
  assert.match(parseErrors('tb_notify_timeout 0\n')[0]!, /^ha\.cf:1: tb_notify_timeout: expected a duration greater than zero, got "0"$/);
  assert.match(parseErrors('tb_notify_timeout soon\n')[0]!, /^ha\.cf:1: tb_notify_timeout: expected .*duration.*, got "soon"$/);
  assert.match(parseErrors('tb_notify_timeout -5\n')[0]!, /^ha\.cf:1: tb_notify_timeout: /);
  assert.match(parseErrors('tb_notify_timeout 5 6\n')[0]!, /^ha\.cf:1: tb_notify_timeout: /);
  assert.match(parseErrors('tb_notify_timeout 5\ntb_notify_timeout 6\n').join('\n'), /^ha\.cf:2: tb_notify_timeout: .*ha\.cf:1/);
});

test('notify scripts pass the root-only safety check at load: missing, world-writable, non-executable refused with FILE:LINE and the fix', async (t) => {
  const s = stage('valid', 'heartbeat-v1');
  t.after(() => s.remove());
  const hooks = join(s.dir, 'hooks');
  mkdirSync(hooks, { mode: 0o755 });
  chmodSync(hooks, 0o755);
  const script = (name: string, mode: number) => {
    writeFileSync(join(hooks, name), '#!/bin/sh\nexit 0\n');
    chmodSync(join(hooks, name), mode);
    return join(hooks, name);
  };
  appendFileSync(join(s.dir, 'ha.cf'), `tb_hook master ${script('master', 0o755)}\ntb_hook notify ${script('notify', 0o700)}\ntb_notify_timeout 2\n`);
  const good = await loadConfig(s.dir, s.node, { scripts: s.scripts, resolve: s.resolve });
  assert.ok(good.ok, good.ok ? '' : good.errors.map(formatError).join('\n'));
  assert.equal(good.config.ext.notifyTimeoutMs, 2000);
  assert.equal(coreConfigFrom(good.config, []).notifyTransitions, true);

  appendFileSync(join(s.dir, 'ha.cf'), `tb_hook backup ${hooks}/absent\ntb_hook fault ${script('fault', 0o757)}\ntb_hook stop ${script('stop', 0o644)}\n`);
  const bad = await loadConfig(s.dir, s.node, { scripts: s.scripts, resolve: s.resolve });
  assert.equal(bad.ok, false);
  const lines = bad.ok ? [] : bad.errors.filter((e) => e.directive === 'tb_hook').map((e) => s.relative(formatError(e)));
  assert.equal(lines.length, 3, lines.join('\n'));
  assert.match(lines[0]!, /^ha\.cf:\d+: tb_hook: expected an executable file at hooks\/absent that only root can change, got no such file/);
  assert.match(lines[1]!, /^ha\.cf:\d+: tb_hook: .*hooks\/fault is writable by others \(mode 0757\) \(fix: chmod go-w hooks\/fault\)$/);
  assert.match(lines[2]!, /^ha\.cf:\d+: tb_hook: .*got not an executable regular file \(fix: chmod 755 hooks\/stop\)$/);
});

test('without a transition script the core reports no transitions (fence alone does not turn them on)', async (t) => {
  const s = stage('valid', 'heartbeat-v1');
  t.after(() => s.remove());
  appendFileSync(join(s.dir, 'ha.cf'), 'tb_hook fence /bin/true\n');
  const loaded = await loadConfig(s.dir, s.node, { scripts: s.scripts, resolve: s.resolve });
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.errors.map(formatError).join('\n'));
  assert.equal(coreConfigFrom(loaded.config, []).notifyTransitions, false);
  assert.equal(loaded.config.ext.notifyTimeoutMs, 30_000, 'the documented default');
});
