// Resource scripts run as root, like hooks: loading refuses a haresources script that someone
// other than root could change (the script, or a directory above it), with FILE:LINE and the
// fix, so `check`, `start` and `reload` refuse it instead of its first run (issue 12, hole 6).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load.js';
import { formatError } from '../../../src/config/errors.js';
import { stage } from './stage.js';

const isRoot = process.geteuid?.() === 0;

async function errorsFor(s: ReturnType<typeof stage>): Promise<string[]> {
  const r = await loadConfig(s.dir, s.node, { scripts: s.scripts, resolve: s.resolve });
  return r.ok ? [] : r.errors.map((e) => s.relative(formatError(e)));
}

test('a safe resource script loads; a world-writable one is refused at its haresources line', async (t) => {
  const s = stage('valid', 'heartbeat-v1');
  t.after(() => s.remove());
  assert.deepEqual(await errorsFor(s), []);
  chmodSync(join(s.dir, 'resource.d', 'IPaddr'), 0o777);
  assert.deepEqual(await errorsFor(s), [
    'haresources:6: IPaddr::10.0.0.100/24/eth0: expected an executable file at resource.d/IPaddr that only root can change, ' +
      'got script resource.d/IPaddr is writable by group and others (mode 0777) (fix: chmod go-w resource.d/IPaddr)',
  ]);
});

test('a group-writable directory above an init.d script is refused too', async (t) => {
  const s = stage('valid', 'heartbeat-v1');
  t.after(() => s.remove());
  chmodSync(join(s.dir, 'init.d'), 0o775);
  const errors = await errorsFor(s);
  assert.equal(errors.length, 1, errors.join('\n'));
  assert.match(errors[0]!, /^haresources:6: apache2: expected an executable file at init\.d\/apache2 that only root can change, got directory init\.d is writable by group \(mode 0775\) \(fix: chmod go-w init\.d\)$/);
});

test('a resource script owned by another user is refused with chown as the fix', { skip: !isRoot && 'needs root to chown' }, async (t) => {
  const s = stage('valid', 'heartbeat-v1');
  t.after(() => s.remove());
  chownSync(join(s.dir, 'resource.d', 'IPaddr'), 65534, 65534);
  const errors = await errorsFor(s);
  assert.equal(errors.length, 1, errors.join('\n'));
  assert.match(errors[0]!, /got script resource\.d\/IPaddr is owned by uid 65534, not root \(fix: chown root resource\.d\/IPaddr\)$/);
});
