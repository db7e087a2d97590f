// Both media cut while both nodes live. Without an arbiter both take the service (that is what
// two-node Heartbeat does); on heal the owner keeps it and the client ends up at the owner.
// With a ping node, the side that lost its uplink too takes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab } from '../../scripts/lab/lab.js';
import { rootSkipReason, sleep } from '../../scripts/lab/netns.js';

test('split brain without arbiter: both take over, heal leaves it on alpha and the client follows', { skip: rootSkipReason }, async (t) => {
  const lab = await Lab.create();
  t.after(() => lab.destroy());
  await lab.startCluster();

  await lab.cutUdp();
  await lab.cutSerial();
  await lab.waitForHolders(['alpha', 'bravo'], 30_000);

  await lab.healUdp();
  await lab.healSerial();
  await lab.waitForHolders(['alpha'], 30_000);
  // The keeper re-announces the address, so the client reaches alpha without waiting for ARP.
  const probe = await lab.startProbe();
  await sleep(1_500);
  const report = await probe.stop();
  assert.ok((report.answersByNode.alpha ?? 0) > 0, `client answers: ${JSON.stringify(report.answersByNode)}`);
  assert.equal(report.answersByNode.bravo ?? 0, 0);
});

test('split brain with a ping node: bravo, which lost its uplink too, takes nothing over', { skip: rootSkipReason }, async (t) => {
  const lab = await Lab.create({ ping: true });
  t.after(() => lab.destroy());
  await lab.startCluster();
  const watch = lab.watchHolders();

  await lab.blockPing('bravo');
  await lab.cutUdp();
  await lab.cutSerial();
  await lab.waitForStatus('bravo', 'alpha dead', (s) => s.peer.state === 'dead', 30_000);
  await sleep(5_000); // well past deadtime and any tie delay
  assert.deepEqual(await lab.holders(), ['alpha']);
  const holders = await watch.stop();
  assert.equal(holders.maxHolders, 1, `both held it at ${holders.bothSinceMs.join(', ')} ms`);
});

test('one-way cut (bravo cannot hear alpha): bravo takes over, alpha notices it is not heard and yields', { skip: rootSkipReason }, async (t) => {
  const lab = await Lab.create();
  t.after(() => lab.destroy());
  await lab.startCluster();

  await lab.cutSerial();
  await lab.cutUdp({ from: 'alpha' });
  await lab.waitForStatus('bravo', 'alpha dead', (s) => s.peer.state === 'dead', 30_000);
  // alpha still hears bravo claim the group; it must give it up rather than keep a split brain.
  await lab.waitForHolders(['bravo'], 30_000);
  const alpha = await lab.status('alpha');
  assert.equal((alpha as { peer: { state: string } }).peer.state, 'alive', 'alpha still hears bravo');

  // After the heal the normal handshake gives the group back to its owner (auto_failback on).
  await lab.healUdp();
  await lab.healSerial();
  await lab.waitForHolders(['alpha'], 30_000);
});
