// An IPv6 floating address in the two-node lab (the lab's opt-in `ipv6`: ULA addresses inside
// the lab's own namespaces). alpha's group holds an IPv4 and an IPv6 address (Heartbeat's
// IPv6addr name); a client probes the IPv6 one over UDP. Power cut of alpha: bravo checks the
// address is free (ndisc6), adds it nodad and advertises it (send_ua), and the client, whose
// neighbour cache still points at dead alpha's MAC, reaches bravo without waiting for its
// neighbour-unreachability detection (5 s delay + probes, after up to 45 s reachable).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab } from '../../scripts/lab/lab.js';
import { LAB_NET, LAB_NET6 } from '../../scripts/lab/addresses.js';
import { rootSkipReason } from '../../scripts/lab/netns.js';
import { commandOf, missingSkipReason } from '../../scripts/lab/requirements.js';
import { sleep } from '../../scripts/lab/process.js';

const skip = rootSkipReason || missingSkipReason(['ndisc6', commandOf('resource-agents')]);
const DEADTIME_MS = 2_000;
const VIP6 = LAB_NET6.floating;

async function macOf(lab: Lab, node: 'alpha' | 'bravo'): Promise<string> {
  const out = (await lab.nodeNs(node).exec(['ip', '-o', 'link', 'show', 'dev', LAB_NET.lanIf])).stdout;
  return /link\/ether ([0-9a-f:]{17})/.exec(out)![1]!;
}

async function clientNeighbourMac(lab: Lab): Promise<string> {
  const out = (await lab.ns.client.exec(['ip', '-6', 'neigh', 'show', VIP6, 'dev', LAB_NET.lanIf])).stdout;
  return /lladdr ([0-9a-f:]{17})/.exec(out)?.[1] ?? '';
}

test('power cut of alpha: bravo takes the IPv6 floating address over and the client reaches it there at once', { skip, timeout: 120_000 }, async (t) => {
  const haresources = `alpha ${LAB_NET.floating}/${LAB_NET.prefixLength}/${LAB_NET.lanIf} IPv6addr::${VIP6}/${LAB_NET6.prefixLength}/${LAB_NET.lanIf}\n`;
  const lab = await Lab.create({ ipv6: true, haresources, autoFailback: 'off' });
  t.after(() => lab.destroy());
  await lab.startCluster();
  await lab.waitForHolders(['alpha'], 20_000, VIP6);
  const status = await lab.status('alpha');
  assert.deepEqual((status as { groups: { resources: { id: string }[] }[] }).groups[0]?.resources.map((r) => r.id), [`IPaddr::${LAB_NET.floating}/${LAB_NET.prefixLength}/${LAB_NET.lanIf}`, `IPv6addr::${VIP6}/64/eth0`]);

  const probe = await lab.startProbe({ target: VIP6 });
  await sleep(1_000);
  assert.equal(await clientNeighbourMac(lab), await macOf(lab, 'alpha'), "the client reaches the address at alpha's MAC");

  const cutAt = Date.now();
  await lab.powerOff('alpha');
  await lab.waitForHolders(['bravo'], 30_000, VIP6);
  const heldAt = Date.now();
  await sleep(2_000);
  const report = await probe.stop();

  t.diagnostic(`takeover ${heldAt - cutAt} ms after the cut; client outage ${report.switches[0]?.gapMs} ms; first bravo answer ${report.switches[0] ? report.startedAtMs + report.switches[0].atMs - heldAt : NaN} ms after bravo held the address`);
  assert.ok(heldAt - cutAt >= DEADTIME_MS * 0.8, `bravo took over after ${heldAt - cutAt} ms: before deadtime ran out`);
  assert.deepEqual(report.switches.map((s) => `${s.from}>${s.to}`), ['alpha>bravo'], JSON.stringify(report.answersByNode));
  const failover = report.switches[0]!;
  const firstFromBravo = report.startedAtMs + failover.atMs;
  // The advertisement redirects the client: its first answer from bravo comes right after bravo
  // has the address (polled every 20 ms), not after neighbour-unreachability detection (≥ 5 s).
  assert.ok(firstFromBravo - heldAt < 2_500, `first answer from bravo ${firstFromBravo - heldAt} ms after bravo held ${VIP6}`);
  assert.ok(failover.gapMs < 15_000, `client outage ${failover.gapMs} ms`);
  assert.ok((report.answersByNode['bravo'] ?? 0) > 50, `bravo answered ${report.answersByNode['bravo']} probes`);
  assert.equal(await clientNeighbourMac(lab), await macOf(lab, 'bravo'), "the client's neighbour cache now holds bravo's MAC");
  assert.match(lab.daemonLog('bravo') + (await lab.cli('bravo', ['status'])).stdout, /IPv6addr/);
});

test('split brain healed: the node that keeps the IPv6 address re-announces it and the client follows', { skip, timeout: 120_000 }, async (t) => {
  // tb_dad_timeout 0: nothing stops the second holder, so both hold the address during the cut
  // and the client ends up at bravo's MAC (bravo advertised last).
  const haresources = `alpha ${LAB_NET.floating}/${LAB_NET.prefixLength}/${LAB_NET.lanIf} IPv6addr::${VIP6}/${LAB_NET6.prefixLength}/${LAB_NET.lanIf}\n`;
  const lab = await Lab.create({ ipv6: true, haresources, extraHaCf: ['tb_dad_timeout 0'] });
  t.after(() => lab.destroy());
  await lab.startCluster();
  await lab.waitForHolders(['alpha'], 20_000, VIP6);
  // The client talks to the address, so it has a neighbour entry an advertisement can change.
  await lab.ns.client.exec(['ping', '-6', '-c', '1', '-W', '2', VIP6]);
  const [macA, macB] = [await macOf(lab, 'alpha'), await macOf(lab, 'bravo')];

  await lab.cutUdp();
  await lab.cutSerial();
  await lab.waitForHolders(['alpha', 'bravo'], 30_000, VIP6);
  await waitForClientMac(lab, macB, 'bravo took the address and advertised it');

  await lab.healUdp();
  await lab.healSerial();
  await lab.waitForHolders(['alpha'], 30_000, VIP6);
  // Only alpha's re-announcement can turn the client back: bravo has stopped and says nothing.
  await waitForClientMac(lab, macA, 'alpha re-announced the address after the heal');
  assert.match(lab.daemonLog('alpha'), /event=split-brain-resolved /);
});

async function waitForClientMac(lab: Lab, mac: string, why: string): Promise<void> {
  const until = Date.now() + 10_000;
  let seen = '';
  while (Date.now() < until) {
    seen = await clientNeighbourMac(lab);
    if (seen === mac) return;
    await sleep(50);
  }
  assert.fail(`${why}: the client's entry for ${VIP6} is ${seen || 'missing'}, not ${mac}\n${lab.logTails()}`);
}
