// Transition notifications with two real daemons in the lab (issue 15 item 2). Both nodes run a
// keepalived-style generic `notify` script that appends "NODE ARGS" to a shared file; bravo's
// `backup` script hangs (once) far longer than deadtime. Power off alpha: bravo takes over in
// normal time although its notify lane is stuck behind the hung script, which is killed at
// tb_notify_timeout and logged; only then do bravo's MASTER notifications arrive, in order.
// alpha comes back: the group fails back (auto_failback on), alpha reports MASTER and bravo, the
// old holder, BACKUP. A graceful stop of alpha reports STOP for its group and itself.
// Scripts live in a private root-owned directory (they pass the safety check).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab } from '../../scripts/lab/lab.js';
import { LAB_NET } from '../../scripts/lab/addresses.js';
import { rootSkipReason } from '../../scripts/lab/netns.js';
import { until } from '../support/until.js';

/** Killed at this; far longer than the takeover (deadtime 2 s + tie delay + IPaddr start). */
const NOTIFY_TIMEOUT_S = 30;
const TAKEOVER_BOUND_MS = 12_000;
const GROUP = `IPaddr::${LAB_NET.floating}/${LAB_NET.prefixLength}/${LAB_NET.lanIf}`;

function script(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

test('failover: MASTER on the new holder in normal time despite a hung notifier; BACKUP on the old one; STOP on a graceful stop', { skip: rootSkipReason, timeout: 180_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'h15n-e2e-'));
  chmodSync(dir, 0o700);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const events = join(dir, 'events');
  const notify = script(dir, 'notify', `echo "$TWINBEAT_NODE $*" >> ${events}`);
  const hang = script(dir, 'backup', `[ -e ${dir}/hung ] && exit 0\ntouch ${dir}/hung\nexec sleep 600`);
  const lines = () => (existsSync(events) ? readFileSync(events, 'utf8').trim().split('\n') : []);
  const of = (node: string) => lines().filter((l) => l.startsWith(`${node} `)).map((l) => l.slice(node.length + 1));
  const lab = await Lab.create({
    extraHaCf: { alpha: [`tb_hook notify ${notify}`], bravo: [`tb_hook notify ${notify}`, `tb_hook backup ${hang}`, `tb_notify_timeout ${NOTIFY_TIMEOUT_S}`] },
  });
  t.after(() => lab.destroy());
  const fail = (err: Error) => {
    throw new Error(`${err.message}\nevents:\n${lines().join('\n')}\n${lab.logTails(30)}`);
  };
  const bravoLog = () => readFileSync(lab.paths('bravo').logfile, 'utf8');

  await lab.startCluster();
  await lab.waitForHolders(['alpha'], 30_000);
  await until('alpha MASTER notifications', async () => (of('alpha').includes('GROUP alpha MASTER 255') ? true : null), 10_000).catch(fail);
  assert.deepEqual(of('alpha'), [`INSTANCE ${GROUP} BACKUP 255`, 'GROUP alpha BACKUP 255', `INSTANCE ${GROUP} MASTER 255`, 'GROUP alpha MASTER 255']);
  assert.deepEqual(of('bravo'), [], "bravo's first notification (its group's BACKUP) hangs in the backup script");

  const offAt = Date.now();
  await lab.powerOff('alpha');
  await lab.waitForHolders(['bravo'], TAKEOVER_BOUND_MS).catch(fail);
  const tookMs = Date.now() - offAt;
  assert.ok(tookMs < TAKEOVER_BOUND_MS, `takeover took ${tookMs} ms`);
  t.diagnostic(`takeover with bravo's notifier hung: ${tookMs} ms (deadtime 2 s)`);
  assert.doesNotMatch(bravoLog(), /event=notify-timeout/, 'the takeover did not wait for the hung notifier');
  assert.deepEqual(of('bravo'), [], 'its MASTER waits behind the hung BACKUP: never overtakes it');

  await until('the hung notifier killed at its timeout', async () => (/WARN event=notify-timeout .*backup script .*killed after 30000 ms/.test(bravoLog()) ? true : null), (NOTIFY_TIMEOUT_S + 15) * 1000).catch(fail);
  await until('bravo MASTER notifications', async () => (of('bravo').includes('GROUP bravo MASTER 100') ? true : null), 10_000).catch(fail);
  assert.deepEqual(of('bravo'), [`INSTANCE ${GROUP} BACKUP 100`, `INSTANCE ${GROUP} MASTER 100`, 'GROUP bravo MASTER 100'],
    'in order; the waiting node BACKUP was superseded by the node MASTER');

  // alpha back: the group fails back to its owner; the old holder (bravo) reports BACKUP.
  await lab.powerOn('alpha');
  await lab.waitForHolders(['alpha'], 30_000).catch(fail);
  await until('bravo BACKUP after the failback', async () => (of('bravo').includes('GROUP bravo BACKUP 100') ? true : null), 10_000).catch(fail);
  assert.deepEqual(of('bravo').slice(3), [`INSTANCE ${GROUP} BACKUP 100`, 'GROUP bravo BACKUP 100']);
  await until('alpha MASTER again', async () => (of('alpha').filter((l) => l === 'GROUP alpha MASTER 255').length === 2 ? true : null), 10_000).catch(fail);

  // Graceful stop of alpha: its group and then alpha itself report STOP; bravo takes the group.
  const before = of('alpha').length;
  await lab.stopDaemon('alpha');
  await lab.waitForHolders(['bravo'], TAKEOVER_BOUND_MS).catch(fail);
  assert.deepEqual(of('alpha').slice(before), [`INSTANCE ${GROUP} STOP 255`, 'GROUP alpha STOP 255'], 'delivered before the daemon exited');
  await until('bravo MASTER again', async () => (of('bravo').filter((l) => l === 'GROUP bravo MASTER 100').length === 2 ? true : null), 10_000).catch(fail);
});
