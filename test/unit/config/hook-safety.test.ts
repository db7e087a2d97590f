// tb_hook scripts run as root: loading a configuration refuses a hook someone other than root
// could change, with the resource runner's own check and its fix, in the config error format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load.js';
import { formatError } from '../../../src/config/errors.js';
import { stage } from './stage.js';

const hookScript = (path: string, mode: number) => {
  writeFileSync(path, '#!/bin/sh\nexit 0\n');
  chmodSync(path, mode);
};

test('tb_hook: a hook only root can change loads; writable hooks or directories are refused with the fix', async (t) => {
  const s = stage('valid', 'heartbeat-v1');
  t.after(() => s.remove());
  const hooks = join(s.dir, 'hooks');
  mkdirSync(hooks, { mode: 0o755 });
  chmodSync(hooks, 0o755); // whatever the umask
  hookScript(join(hooks, 'fence'), 0o755);
  hookScript(join(hooks, 'escalate'), 0o757);
  const open = join(s.dir, 'open');
  mkdirSync(open);
  chmodSync(open, 0o777);
  hookScript(join(open, 'notify'), 0o755);
  hookScript(join(hooks, 'remote'), 0o644);

  appendFileSync(join(s.dir, 'ha.cf'), `tb_hook fence ${hooks}/fence\n`);
  const good = await loadConfig(s.dir, s.node, { scripts: s.scripts, resolve: s.resolve });
  assert.ok(good.ok, good.ok ? '' : good.errors.map(formatError).join('\n'));
  assert.equal(good.config.ext.hooks['fence'], `${hooks}/fence`);

  appendFileSync(join(s.dir, 'ha.cf'), `tb_hook escalate ${hooks}/escalate\ntb_hook local-failure ${open}/notify\ntb_hook remote-failure ${hooks}/remote\n`);
  const bad = await loadConfig(s.dir, s.node, { scripts: s.scripts, resolve: s.resolve });
  assert.equal(bad.ok, false);
  const lines = bad.ok ? [] : bad.errors.filter((e) => e.directive === 'tb_hook').map((e) => s.relative(formatError(e)));
  assert.equal(lines.length, 3, lines.join('\n'));
  assert.match(lines[0]!, /^ha\.cf:\d+: tb_hook: expected an executable file at hooks\/escalate that only root can change, got script hooks\/escalate is writable by others \(mode 0757\) \(fix: chmod go-w hooks\/escalate\)$/);
  assert.match(lines[1]!, /tb_hook: expected an executable file at open\/notify that only root can change, got directory open is writable by group and others \(mode 0777\) \(fix: chmod go-w open\)$/);
  assert.match(lines[2]!, /got not an executable regular file \(fix: chmod 755 hooks\/remote\)$/);
});
