// Issue 12 hole 6 in the lab, with real daemons: a resource script that others can write is
// refused where it is loaded (`check`, `start`, `reload`), naming the file and the fix, and that
// refusal never costs the service: the healthy node keeps holding it, once, throughout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Lab } from '../../scripts/lab/lab.js';
import { defaultHaresources } from '../../scripts/lab/lab-config.js';
import { rootSkipReason } from '../../scripts/lab/netns.js';
import { sleep, waitFor } from '../../scripts/lab/process.js';
import { packageResourcesDir } from '../../src/resources/locate.js';
import { CONFIG_REFUSED_EXIT } from '../../src/daemon/systemd.js';

// Each node finds `Guard` in its own CONFIG-DIR/resource.d (a copy of the shipped Dummy), so
// the two nodes can differ in just that script's mode.
const SVC = 'svc';
const haresources = defaultHaresources([`Guard::${SVC}`]);

test('a world-writable resource script on bravo: check, start and reload refuse it by name; alpha keeps the service', { skip: rootSkipReason, timeout: 180_000 }, async (t) => {
  const lab = await Lab.create({ haresources });
  t.after(() => lab.destroy());
  const guard = (node: 'alpha' | 'bravo') => join(lab.paths(node).configDir, 'resource.d', 'Guard');
  for (const node of ['alpha', 'bravo'] as const) {
    await mkdir(join(lab.paths(node).configDir, 'resource.d'), { recursive: true, mode: 0o755 });
    await copyFile(join(packageResourcesDir(), 'Dummy'), guard(node));
    await chmod(guard(node), 0o755);
  }
  await chmod(guard('bravo'), 0o777);
  const refusal = new RegExp(`${guard('bravo')} is writable by .*chmod go-w`, 's');

  // check: refused, naming haresources:LINE, the file and the fix.
  const check = await lab.cli('bravo', ['check']);
  assert.notEqual(check.code, 0, `check accepted a world-writable script: ${check.stdout}`);
  assert.match(check.stdout + check.stderr, refusal);
  assert.match(check.stdout + check.stderr, /haresources:1\b/);

  // start: refused before anything runs, with systemd's "do not restart" exit status.
  lab.startDaemon('alpha');
  await lab.waitForStatus('alpha', 'group running on alpha', (s) => s.groups[0]!.phase === 'running', 30_000);
  assert.equal(lab.dummyRunning('alpha', SVC), true);
  const watch = lab.watchHolders(50);
  const bravo = lab.startDaemon('bravo');
  await waitFor('bravo refuses to start', () => bravo.exitCode !== null, 20_000);
  assert.equal(bravo.exitCode, CONFIG_REFUSED_EXIT, lab.daemonLog('bravo'));
  assert.match(lab.daemonLog('bravo'), refusal);
  assert.equal(lab.dummyRunning('bravo', SVC), false, 'the refused script never ran');

  // Fixed, bravo joins as the backup; the service does not move.
  await chmod(guard('bravo'), 0o755);
  lab.startDaemon('bravo');
  await lab.waitForStatus('bravo', 'bravo sees alpha alive', (s) => s.peer.state === 'alive' && s.groups[0]!.holders.join() === 'alpha', 30_000);

  // Made writable again behind the running daemon: reload refuses and keeps the loaded config.
  await chmod(guard('bravo'), 0o777);
  const reload = await lab.cli('bravo', ['reload']);
  assert.notEqual(reload.code, 0, `reload accepted a world-writable script: ${reload.stdout}`);
  assert.match(reload.stdout + reload.stderr, refusal);
  const after = await lab.waitForStatus('bravo', 'bravo still running and still the backup', (s) => s.peer.state === 'alive');
  assert.deepEqual(after.groups[0]!.holders, ['alpha']);

  // stop of a node whose script is refused and never ran finishes promptly and cleanly.
  const stopAt = Date.now();
  const stop = await lab.cli('bravo', ['stop'], 60_000);
  assert.equal(stop.code, 0, stop.stderr || stop.stdout);
  assert.ok(Date.now() - stopAt < 15_000, `stop took ${Date.now() - stopAt} ms`);
  assert.doesNotMatch(lab.daemonLog('bravo'), /event=stop-failed/);

  await sleep(1_000);
  const holders = await watch.stop();
  assert.equal(holders.maxHolders, 1, `the floating IP was on both nodes at ${holders.bothSinceMs.join(', ')} ms`);
  assert.equal(holders.unheldSamples, 0, 'the service was never without a holder');
  assert.deepEqual(await lab.holders(), ['alpha']);
  assert.equal(lab.dummyRunning('alpha', SVC), true);
});
