// Resource failures in the two-node lab, with the group `alpha <floating IP> Dummy::svc`: a
// resource that cannot start on one node sends the group to the node where it can run, never
// leaving it half started (the address is released with it); a monitored resource that dies is
// restarted here first, and fails the group over when it dies again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab, type StatusReport } from '../../scripts/lab/lab.js';
import { NODES, defaultHaresources } from '../../scripts/lab/lab-config.js';
import { rootSkipReason } from '../../scripts/lab/netns.js';
import { sleep } from '../../scripts/lab/process.js';

const DEADTIME_MS = 2_000;
const SVC = 'svc';
const SVC_ID = `Dummy::${SVC}`;
const haresources = defaultHaresources([SVC_ID]);
const group = (s: StatusReport) => s.groups[0]!;
const resourceStates = (s: StatusReport) => group(s).resources.map((r) => r.state);

test('svc cannot start on alpha at cold start: alpha releases the whole group and bravo runs it', { skip: rootSkipReason }, async (t) => {
  const lab = await Lab.create({ haresources, metrics: true });
  t.after(() => lab.destroy());
  await lab.breakDummy('alpha', SVC);
  const watch = lab.watchHolders(50);
  for (const node of NODES) lab.startDaemon(node);

  await lab.waitForHolders(['bravo'], 30_000);
  await lab.waitForStatus('bravo', 'group running on bravo', (s) => s.peer.state === 'alive' && group(s).phase === 'running');
  // alpha owns the group and auto_failback is on: only its failed mark keeps it from taking it back.
  await sleep(2 * DEADTIME_MS);
  const holders = await watch.stop();
  assert.equal(holders.maxHolders, 1, `floating IP on both nodes at ${holders.bothSinceMs.join(', ')} ms`);
  assert.deepEqual(await lab.holders(), ['bravo']);
  assert.equal(lab.dummyRunning('bravo', SVC), true);

  const alpha = (await lab.status('alpha')) as StatusReport;
  assert.equal(group(alpha).failedHere, true, `alpha's group: ${JSON.stringify(group(alpha))}`);
  assert.equal(group(alpha).phase, 'stopped');
  assert.equal(group(alpha).desired, 'peer');
  assert.deepEqual(group(alpha).holders, ['bravo']);
  assert.deepEqual(resourceStates(alpha), ['stopped', 'stopped'], 'the address was rolled back with the failed svc');
  const bravo = (await lab.status('bravo')) as StatusReport;
  assert.equal(group(bravo).failedHere, false);
  assert.deepEqual(resourceStates(bravo), ['running', 'running']);

  const alphaEvents = await lab.coreEvents('alpha');
  assert.equal(alphaEvents['start-failed'], 1, `alpha tried once and gave up: ${JSON.stringify(alphaEvents)}`);
  assert.equal(alphaEvents['group-failed'], 1);
  assert.equal(alphaEvents['group-started'], undefined);
  assert.equal((await lab.coreEvents('bravo'))['group-started'], 1);
  assert.match(lab.daemonLog('alpha'), new RegExp(`event=start-failed .*resource=${SVC_ID} `));
});

test('power cut of alpha while svc cannot start on bravo: bravo rolls back the address, retries twice, gives up; alpha gets the group at power-on', { skip: rootSkipReason }, async (t) => {
  const lab = await Lab.create({ haresources, metrics: true });
  t.after(() => lab.destroy());
  await lab.breakDummy('bravo', SVC);
  await lab.startCluster();
  assert.equal(lab.dummyRunning('alpha', SVC), true);
  const watch = lab.watchHolders(50);

  await lab.powerOff('alpha');
  const failed = await lab.waitForStatus('bravo', 'group failed on bravo', (s) => s.peer.state === 'dead' && group(s).failedHere && group(s).phase === 'stopped', 30_000);
  assert.deepEqual(resourceStates(failed), ['stopped', 'stopped']);
  assert.equal(group(failed).desired, 'none', 'alpha is dead and bravo cannot run it: nobody');
  assert.deepEqual(await lab.holders(), [], 'bravo released the address it had added: nothing half started');
  // Alone and failed, bravo retries twice, a deadtime apart (the failure might have been the
  // peer's address still answering), then gives up: no endless loop.
  await sleep(3 * DEADTIME_MS + 1_500);
  assert.deepEqual(await lab.holders(), []);
  const bravoEvents = await lab.coreEvents('bravo');
  assert.equal(bravoEvents['takeover-start'], 3, JSON.stringify(bravoEvents));
  assert.equal(bravoEvents['start-failed'], 3);
  assert.equal(bravoEvents['group-failed'], 3);
  assert.equal(bravoEvents['group-started'], undefined);
  await sleep(DEADTIME_MS + 500);
  assert.equal((await lab.coreEvents('bravo'))['takeover-start'], 3, 'no fourth attempt');

  await lab.powerOn('alpha');
  await lab.waitForHolders(['alpha'], 30_000);
  const after = await lab.waitForStatus('bravo', 'bravo sees alpha holding', (s) => s.peer.state === 'alive' && group(s).holders.join() === 'alpha', 30_000);
  assert.equal(group(after).failedHere, true, 'the mark stays until takeover on bravo, or alpha failing the group too');
  assert.equal(lab.dummyRunning('alpha', SVC), true);
  const holders = await watch.stop();
  assert.equal(holders.maxHolders, 1, `floating IP on both nodes at ${holders.bothSinceMs.join(', ')} ms`);
});

// Monitoring every second; two failed checks in a row act. A death is seen by the first check
// after it and acted on by the second: between 1 and 2 intervals later, plus script run times.
const MONITOR = { intervalMs: 1_000, failures: 2 } as const;
const ACT_AFTER_MS = { min: (MONITOR.failures - 1) * MONITOR.intervalMs, max: MONITOR.failures * MONITOR.intervalMs + 4_000 };

test('monitored svc dies on alpha: restarted there once; when it dies again the group fails over to bravo', { skip: rootSkipReason }, async (t) => {
  const lab = await Lab.create({
    haresources,
    metrics: true,
    extraHaCf: [`tb_monitor ${SVC_ID} interval=${MONITOR.intervalMs}ms failures=${MONITOR.failures} restarts=1`],
  });
  t.after(() => lab.destroy());
  await lab.startCluster();

  // ---- first death: a local restart, the address stays where it is.
  const restartWatch = lab.watchHolders(50);
  const firstDeath = Date.now();
  await lab.crashDummy('alpha', SVC);
  const restarted = await lab.waitForStatus('alpha', 'svc restarted on alpha', (s) =>
    group(s).resources[1]?.restarts === 1 && group(s).phase === 'running' && resourceStates(s).join() === 'running,running', ACT_AFTER_MS.max + 5_000);
  const restartMs = Date.now() - firstDeath;
  const duringRestart = await restartWatch.stop();
  t.diagnostic(`restarted ${restartMs} ms after the death (monitor interval ${MONITOR.intervalMs} ms, failures=${MONITOR.failures})`);
  assert.ok(restartMs >= ACT_AFTER_MS.min, `restarted after ${restartMs} ms: before ${MONITOR.failures} checks could fail`);
  assert.ok(restartMs < ACT_AFTER_MS.max, `restarted after ${restartMs} ms`);
  assert.equal(lab.dummyRunning('alpha', SVC), true);
  assert.deepEqual(group(restarted).holders, ['alpha']);
  assert.deepEqual(duringRestart.heldBy, ['alpha']);
  assert.equal(duringRestart.unheldSamples, 0, 'only svc was restarted: the address never left alpha');
  const afterRestart = await lab.coreEvents('alpha');
  assert.equal(afterRestart['monitor-failed'], MONITOR.failures, JSON.stringify(afterRestart));
  assert.equal(afterRestart['resource-restart'], 1);
  assert.equal(afterRestart['resource-restarted'], 1);
  assert.equal(afterRestart['monitor-failover'], undefined);

  // ---- second death: restarts used up, the group goes to bravo.
  const failoverWatch = lab.watchHolders(50);
  const secondDeath = Date.now();
  await lab.crashDummy('alpha', SVC);
  await lab.waitForHolders(['bravo'], ACT_AFTER_MS.max + 10_000);
  const failoverMs = Date.now() - secondDeath;
  t.diagnostic(`failed over ${failoverMs} ms after the second death`);
  assert.ok(failoverMs >= ACT_AFTER_MS.min, `failed over after ${failoverMs} ms: before ${MONITOR.failures} checks could fail`);
  // Acting, stopping svc and the address, then bravo's start after the grant: a few seconds more.
  assert.ok(failoverMs < ACT_AFTER_MS.max + 3_000, `failed over after ${failoverMs} ms`);
  await lab.waitForStatus('bravo', 'group running on bravo', (s) => group(s).phase === 'running' && resourceStates(s).join() === 'running,running');
  assert.equal(lab.dummyRunning('bravo', SVC), true);
  // alpha owns the group and auto_failback is on: only its failed mark keeps the group away.
  await sleep(2 * DEADTIME_MS);
  assert.deepEqual(await lab.holders(), ['bravo']);
  const alpha = (await lab.status('alpha')) as StatusReport;
  assert.equal(group(alpha).failedHere, true, JSON.stringify(group(alpha)));
  assert.equal(group(alpha).phase, 'stopped');
  assert.deepEqual(resourceStates(alpha), ['stopped', 'stopped']);
  const events = await lab.coreEvents('alpha');
  assert.equal(events['monitor-failed'], 2 * MONITOR.failures, JSON.stringify(events));
  assert.equal(events['resource-restart'], 1, 'one restart (restarts=1), then failover');
  assert.equal(events['monitor-failover'], 1);
  assert.equal(events['group-failed'], 1);
  const holders = await failoverWatch.stop();
  assert.equal(holders.maxHolders, 1, `floating IP on both nodes at ${holders.bothSinceMs.join(', ')} ms`);
});
