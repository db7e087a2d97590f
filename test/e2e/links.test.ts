// Losing one of the two heartbeat media is not a reason to fail over: the link is reported dead,
// the service stays put, and the link comes back when the medium does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab, type StatusReport } from '../../scripts/lab/lab.js';
import { rootSkipReason, sleep } from '../../scripts/lab/netns.js';

const DEADTIME_MS = 2_000;
const linkState = (s: StatusReport, kind: string): string | undefined => s.links.find((l) => l.kind === kind)?.state;

test('UDP cut between the nodes: udp link dead on both, serial keeps them together, no failover', { skip: rootSkipReason }, async (t) => {
  const lab = await Lab.create();
  t.after(() => lab.destroy());
  await lab.startCluster();
  const watch = lab.watchHolders();

  await lab.cutUdp();
  for (const node of ['alpha', 'bravo'] as const) {
    const s = await lab.waitForStatus(node, 'udp link dead', (st) => linkState(st, 'udp') === 'dead');
    assert.equal(linkState(s, 'serial'), 'up');
    assert.equal(s.peer.state, 'alive');
  }
  await sleep(2 * DEADTIME_MS);
  assert.deepEqual(await lab.holders(), ['alpha']);

  await lab.healUdp();
  for (const node of ['alpha', 'bravo'] as const) await lab.waitForStatus(node, 'udp link up again', (st) => linkState(st, 'udp') === 'up');
  const holders = await watch.stop();
  assert.equal(holders.maxHolders, 1);
  assert.deepEqual(await lab.holders(), ['alpha']);
});

test('serial cable pulled: serial link dead, UDP keeps them together, no failover; replugged it recovers', { skip: rootSkipReason }, async (t) => {
  const lab = await Lab.create();
  t.after(() => lab.destroy());
  await lab.startCluster();
  const watch = lab.watchHolders();

  await lab.cutSerial();
  for (const node of ['alpha', 'bravo'] as const) {
    const s = await lab.waitForStatus(node, 'serial link dead', (st) => linkState(st, 'serial') === 'dead');
    assert.equal(linkState(s, 'udp'), 'up');
    assert.equal(s.peer.state, 'alive');
  }
  await sleep(2 * DEADTIME_MS);
  assert.deepEqual(await lab.holders(), ['alpha']);

  await lab.healSerial();
  for (const node of ['alpha', 'bravo'] as const) await lab.waitForStatus(node, 'serial link up again', (st) => linkState(st, 'serial') === 'up', 30_000);
  const holders = await watch.stop();
  assert.equal(holders.maxHolders, 1);
  assert.deepEqual(await lab.holders(), ['alpha']);
});
