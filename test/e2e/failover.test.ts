// Power events in the two-node lab. Both nodes powered on together: the owner starts its group
// once and the backup never holds it. Power cut of the primary: the backup takes over the
// floating IP, the client sees one switch and a bounded outage, and on power-on auto_failback
// decides where it runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab } from '../../scripts/lab/lab.js';
import { defaultHaresources } from '../../scripts/lab/lab-config.js';
import { rootSkipReason } from '../../scripts/lab/netns.js';
import { sleep } from '../../scripts/lab/process.js';
import { watchAcquisitions } from '../../scripts/bench/takeover-watch.js';

// deadtime 2 s: takeover is due ~2 s after the cut (alpha held the group, so bravo waits no tie delay). The bounds
// below are deliberately loose: this runs on a loaded 2-core CI machine.
const DEADTIME_MS = 2_000;
const INITDEAD_MS = 4_000;

test('cold start of both nodes together: alpha (the owner) starts its group exactly once, bravo never holds it', { skip: rootSkipReason }, async (t) => {
  const lab = await Lab.create({ haresources: defaultHaresources(['Dummy::svc']), metrics: true });
  t.after(() => lab.destroy());
  // `ip monitor address` in each node: every time the address is added, however briefly.
  const added = { alpha: watchAcquisitions(lab, 'alpha'), bravo: watchAcquisitions(lab, 'bravo') };
  const watch = lab.watchHolders(50);
  await lab.startCluster(); // both daemons started in the same tick
  // Past initdead: a node that had missed its peer would act now.
  await sleep(INITDEAD_MS + DEADTIME_MS);
  const holders = await watch.stop();
  await Promise.all([added.alpha.stop(), added.bravo.stop()]);

  assert.deepEqual(holders.heldBy, ['alpha'], 'bravo never held the floating IP');
  assert.equal(holders.maxHolders, 1);
  assert.equal(added.alpha.acquisitions().length, 1, `alpha added the address at ${added.alpha.acquisitions().join(', ')} ms`);
  assert.deepEqual(added.bravo.acquisitions(), [], 'bravo never added the address');
  const alphaEvents = await lab.coreEvents('alpha');
  const bravoEvents = await lab.coreEvents('bravo');
  assert.equal(alphaEvents['takeover-start'], 1, JSON.stringify(alphaEvents));
  assert.equal(alphaEvents['group-started'], 1);
  assert.equal(alphaEvents['start-failed'], undefined);
  assert.equal(bravoEvents['takeover-start'], undefined, JSON.stringify(bravoEvents));
  assert.equal(lab.dummyRunning('alpha', 'svc'), true);
  assert.equal(lab.dummyRunning('bravo', 'svc'), false);
  // They heard each other: neither waited for initdead to decide.
  for (const node of ['alpha', 'bravo'] as const) {
    assert.match(lab.daemonLog(node), /event=comm-up .*communications up: heard /, `${node} came up by hearing its peer`);
  }
  const bravo = await lab.status('bravo');
  assert.deepEqual((bravo as { groups: { holders: string[] }[] }).groups[0]?.holders, ['alpha']);
});

test('power cut of alpha: bravo takes over; auto_failback on gives it back to alpha', { skip: rootSkipReason }, async (t) => {
  const lab = await Lab.create({ autoFailback: 'on' });
  t.after(() => lab.destroy());
  await lab.startCluster();

  const probe = await lab.startProbe();
  const watch = lab.watchHolders();
  await sleep(1_000);
  const cutAt = Date.now();
  await lab.powerOff('alpha');
  await lab.waitForHolders(['bravo'], 30_000);
  const takeoverMs = Date.now() - cutAt;
  assert.ok(takeoverMs >= DEADTIME_MS * 0.8, `took over after ${takeoverMs} ms: before deadtime (${DEADTIME_MS} ms) ran out`);
  const bravo = await lab.waitForStatus('bravo', 'alpha dead', (s) => s.peer.state === 'dead');
  assert.deepEqual(bravo.groups[0]?.holders, ['bravo']);
  await sleep(1_000);

  await lab.powerOn('alpha');
  await lab.waitForHolders(['alpha'], 30_000);
  await sleep(1_000);
  const report = await probe.stop();
  const holders = await watch.stop();

  assert.deepEqual(report.switches.map((s) => `${s.from}>${s.to}`), ['alpha>bravo', 'bravo>alpha']);
  const [failover, failback] = report.switches;
  assert.ok(failover && failover.gapMs >= DEADTIME_MS * 0.8 && failover.gapMs < 15_000, `failover outage ${failover?.gapMs} ms`);
  // A planned handback releases before it starts, so the client sees a short gap, not a deadtime.
  assert.ok(failback && failback.gapMs < DEADTIME_MS, `failback outage ${failback?.gapMs} ms should be shorter than deadtime`);
  assert.equal(holders.maxHolders, 1, `floating IP on both nodes at ${holders.bothSinceMs.join(', ')} ms`);
});

test('power cut of alpha with auto_failback off: bravo keeps the service after alpha returns', { skip: rootSkipReason }, async (t) => {
  const lab = await Lab.create({ autoFailback: 'off' });
  t.after(() => lab.destroy());
  await lab.startCluster();

  await lab.powerOff('alpha');
  await lab.waitForHolders(['bravo'], 30_000);
  await lab.powerOn('alpha');
  await lab.waitForStatus('alpha', 'bravo alive', (s) => s.peer.state === 'alive', 30_000);
  await sleep(3 * DEADTIME_MS);
  assert.deepEqual(await lab.holders(), ['bravo'], 'auto_failback off: no handback');
  const alpha = await lab.status('alpha');
  assert.deepEqual((alpha as { groups: { holders: string[] }[] }).groups[0]?.holders, ['bravo']);
});
