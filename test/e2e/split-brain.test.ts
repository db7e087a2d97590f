// Both media cut while both nodes live. On a shared LAN the IPaddr script's duplicate address
// detection stops the second holder; after the heal the client is still served by the owner.
// With a ping node, the side that lost its uplink too takes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab } from '../../scripts/lab/lab.js';
import { rootSkipReason } from '../../scripts/lab/netns.js';
import { sleep } from '../../scripts/lab/process.js';

test('split brain without arbiter on a shared LAN: duplicate address detection keeps the IP on alpha only', { skip: rootSkipReason }, async (t) => {
  const lab = await Lab.create();
  t.after(() => lab.destroy());
  await lab.startCluster();
  const watch = lab.watchHolders();

  await lab.cutUdp();
  await lab.cutSerial();
  await lab.waitForStatus('bravo', 'alpha dead', (s) => s.peer.state === 'dead', 30_000);
  await sleep(5_000); // past deadtime and the tie delay: bravo tried, IPaddr saw alpha answer ARP
  assert.deepEqual(await lab.holders(), ['alpha']);

  await lab.healUdp();
  await lab.healSerial();
  await lab.waitForStatus('bravo', 'alpha alive again', (s) => s.peer.state === 'alive', 30_000);
  const probe = await lab.startProbe();
  await sleep(1_500);
  const report = await probe.stop();
  const holders = await watch.stop();
  assert.equal(holders.maxHolders, 1, `both held it at ${holders.bothSinceMs.join(', ')} ms`);
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
