// Losing one of the two heartbeat media is not a reason to fail over: the link is reported dead,
// the service stays put, and the link comes back when the medium does.
// Root: runs in a lab of network namespaces it creates and removes (scripts/lab).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab, type StatusReport } from '../../scripts/lab/lab.js';
import { rootSkipReason } from '../../scripts/lab/netns.js';
import { sleep } from '../../scripts/lab/process.js';

const DEADTIME_MS = 2_000;
const linkState = (s: StatusReport, kind: string): string | undefined => s.links.find((l) => l.kind === kind)?.state;

const cases = [
  { name: 'UDP cut between the nodes', lost: 'udp', kept: 'serial', cut: (lab: Lab) => lab.cutUdp(), heal: (lab: Lab) => lab.healUdp() },
  // The pty links vanish and come back: the serial link must reopen its device by itself.
  { name: 'serial cable pulled and replugged', lost: 'serial', kept: 'udp', cut: (lab: Lab) => lab.cutSerial(), heal: (lab: Lab) => lab.healSerial() },
] as const;

for (const c of cases) {
  test(`${c.name}: ${c.lost} link dead on both, ${c.kept} keeps them together, no failover, recovers`, { skip: rootSkipReason }, async (t) => {
    const lab = await Lab.create();
    t.after(() => lab.destroy());
    await lab.startCluster();
    const watch = lab.watchHolders();

    await c.cut(lab);
    for (const node of ['alpha', 'bravo'] as const) {
      const s = await lab.waitForStatus(node, `${c.lost} link dead`, (st) => linkState(st, c.lost) === 'dead');
      assert.equal(linkState(s, c.kept), 'up');
      assert.equal(s.peer.state, 'alive');
    }
    await sleep(2 * DEADTIME_MS);
    assert.deepEqual(await lab.holders(), ['alpha']);

    await c.heal(lab);
    for (const node of ['alpha', 'bravo'] as const) {
      await lab.waitForStatus(node, `${c.lost} link up again`, (st) => linkState(st, c.lost) === 'up', 30_000);
    }
    const holders = await watch.stop();
    assert.equal(holders.maxHolders, 1);
    assert.deepEqual(await lab.holders(), ['alpha']);
  });
}
