// Uplink tracking (Heartbeat's ipfail) with two real daemons in network namespaces and a ping
// target namespace (scripts/lab): cutting the active node's path to the ping node hands the
// group to the peer; cutting both paths moves nothing. Touches only the lab's own namespaces
// (prefix h15u-…) and its directory, removed afterwards, also on failure. Along the way, what a
// monitor reads of it: `status --json` valid against the shipped schema with the uplink filled,
// the health verdict naming the lost uplink, and the TwinbeatUplinkHandover example alert firing
// at each daemon's real /metrics (tb_metrics_port on the namespace's own loopback).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab } from '../../scripts/lab/lab.js';
import { rootSkipReason } from '../../scripts/lab/netns.js';
import { sleep, uniquePrefix } from '../../scripts/lab/process.js';
import type { StatusReport } from '../../src/daemon/status-report.js';
import { assertStatusJson } from '../support/json-schemas.js';
import { ALERTS } from '../support/example-alerts.js';
import { parseExposition, value, type Sample } from '../support/prom-text.js';

const IPFAIL = ['respawn hacluster /usr/lib/heartbeat/ipfail'];
/** Each daemon serves /metrics on its own namespace's loopback. */
const METRICS_PORT = 9694;
/** Lab defaults: deadtime 2 s, so deadping (the uplink delay) is 2 s too. */
const DEADPING_MS = 2000;

async function uplinkLab(): Promise<Lab> {
  const lab = await Lab.create({ ping: true, prefix: uniquePrefix('h15u'), extraHaCf: [...IPFAIL, `tb_metrics_port ${METRICS_PORT}`] });
  await lab.startCluster();
  await lab.waitForHolders(['alpha'], 30_000);
  // Both nodes reach the ping node and know each other's score before anything is cut.
  for (const node of ['alpha', 'bravo'] as const) {
    await lab.waitForStatus(node, 'uplink scores 1 and 1', (s) => s.uplink?.self?.score === 1 && s.uplink.peer === 1, 20_000);
  }
  return lab;
}

/** One scrape of `node`'s /metrics, from inside its namespace. */
async function scrape(lab: Lab, node: 'alpha' | 'bravo'): Promise<Sample[]> {
  const r = await lab.ns[node].exec([process.execPath, '-e', `fetch('http://127.0.0.1:${METRICS_PORT}/metrics').then((r) => r.text()).then((t) => process.stdout.write(t))`]);
  return parseExposition(r.stdout);
}

/** `status --json` on `node`: valid against status.schema.json; the document and the exit code. */
async function checkedStatus(lab: Lab, node: 'alpha' | 'bravo') {
  const r = await lab.cli(node, ['status', '--json']);
  return { code: r.code, doc: assertStatusJson(r.stdout, `${node} status --json`) as unknown as StatusReport & { health: { code: number; problems: { text: string }[] } } };
}

test('ipfail: alpha loses its path to the ping node, bravo reaches it: bravo takes the group over', { skip: rootSkipReason }, async (t) => {
  const lab = await uplinkLab();
  t.after(() => lab.destroy());
  const watch = lab.watchHolders(50);
  const beforeCut = await scrape(lab, 'alpha');
  assert.equal(value(beforeCut, 'twinbeat_uplink_handovers_total'), 0);
  assert.equal(value(beforeCut, 'twinbeat_uplink_score', { node: 'alpha' }), 1);

  const cutAt = Date.now();
  await lab.blockPing('alpha');
  await lab.waitForHolders(['bravo'], 30_000);
  const takeoverMs = Date.now() - cutAt;
  console.log(`uplink cut on alpha → bravo holds the floating IP after ${takeoverMs} ms (deadping ${DEADPING_MS} ms)`);
  assert.ok(takeoverMs >= DEADPING_MS, `not before deadping: ${takeoverMs} ms`);

  const alpha = await lab.status('alpha') as StatusReport;
  assert.equal(alpha.uplink?.state, 'handing-over');
  assert.deepEqual(alpha.uplink?.self, { score: 0, total: 1, failing: ['ping 10.77.0.254'] });
  assert.equal(alpha.uplink?.peer, 1);
  assert.equal(alpha.uplink?.handovers, 1);
  assert.match(alpha.uplink?.lastHandover?.why ?? '', /our uplink score 0, the peer's 1 for \d+ ms/);
  assert.match(alpha.groups[0]!.why, /uplink worse than the peer's \(0 < 1\)/);
  const bravo = await lab.status('bravo') as StatusReport;
  assert.deepEqual([bravo.uplink?.self?.score, bravo.uplink?.peer], [1, 0], 'bravo sees its own score and alpha\'s');

  // What a monitor reads: schema-valid JSON, degraded (not healthy) with the reason on both nodes,
  // and the handover alert at alpha's endpoint.
  const alphaChecked = await checkedStatus(lab, 'alpha');
  assert.equal(alphaChecked.code, 1);
  assert.ok(alphaChecked.doc.health.problems.some((p) => /^uplink of alpha 0\/1 \(failing: ping 10\.77\.0\.254\): /.test(p.text)), JSON.stringify(alphaChecked.doc.health));
  const bravoChecked = await checkedStatus(lab, 'bravo');
  assert.equal(bravoChecked.code, 1);
  assert.ok(bravoChecked.doc.health.problems.some((p) => p.text === "uplink of alpha worse than bravo's (0 < 1)"), JSON.stringify(bravoChecked.doc.health));
  const afterHandover = await scrape(lab, 'alpha');
  const fired = ALERTS.filter((a) => a.fires(beforeCut, afterHandover)).map((a) => a.name);
  assert.ok(fired.includes('TwinbeatUplinkHandover'), fired.join(', '));
  assert.equal(value(afterHandover, 'twinbeat_uplink_state', { state: 'handing-over' }), 1);

  // The path comes back: equal scores, and after twice deadping alpha may hold again
  // (auto_failback on returns the group to its owner).
  const healAt = Date.now();
  await lab.unblockPing('alpha');
  await lab.waitForHolders(['alpha'], 30_000);
  const failbackMs = Date.now() - healAt;
  console.log(`uplink healed on alpha → alpha holds the floating IP again after ${failbackMs} ms (damping: 2 × deadping)`);
  assert.ok(failbackMs >= 2 * DEADPING_MS, `failback waits twice deadping: ${failbackMs} ms`);
  const holders = await watch.stop();
  assert.equal(holders.maxHolders, 1, `both held it at ${holders.bothSinceMs.join(', ')} ms`);
});

test('ipfail: both nodes lose the ping node: equal scores, nothing moves', { skip: rootSkipReason }, async (t) => {
  const lab = await uplinkLab();
  t.after(() => lab.destroy());
  const watch = lab.watchHolders(50);

  await Promise.all([lab.blockPing('alpha'), lab.blockPing('bravo')]);
  for (const node of ['alpha', 'bravo'] as const) {
    await lab.waitForStatus(node, 'uplink scores 0 and 0', (s) => s.uplink?.self?.score === 0 && s.uplink.peer === 0, 20_000);
  }
  await sleep(4 * DEADPING_MS);
  const holders = await watch.stop();
  assert.deepEqual(holders.heldBy, ['alpha'], 'only alpha ever held the floating IP');
  assert.equal(holders.unheldSamples, 0, 'it was never released');
  const alpha = await lab.status('alpha') as StatusReport;
  assert.equal(alpha.uplink?.handovers, 0);
  assert.ok(['ok', 'worse'].includes(alpha.uplink?.state ?? ''), alpha.uplink?.state);
});

test('tb_track_interface (keepalived style): alpha\'s tracked interface goes down, bravo\'s is up: bravo takes over', { skip: rootSkipReason }, async (t) => {
  const lab = await Lab.create({ prefix: uniquePrefix('h15u'), extraHaCf: ['tb_track_interface up0'] });
  t.after(() => lab.destroy());
  // A veth pair inside each node's namespace stands for its uplink port: up0 is up and running
  // while its far end up0-far is up (no dummy module needed; nothing leaves the namespace).
  for (const ns of [lab.ns.alpha, lab.ns.bravo]) {
    await ns.exec(['ip', 'link', 'add', 'up0', 'type', 'veth', 'peer', 'name', 'up0-far']);
    await ns.exec(['ip', 'link', 'set', 'up0-far', 'up']);
    await ns.exec(['ip', 'link', 'set', 'up0', 'up']);
  }
  await lab.startCluster();
  await lab.waitForHolders(['alpha'], 30_000);
  for (const node of ['alpha', 'bravo'] as const) {
    await lab.waitForStatus(node, 'uplink scores 1 and 1', (s) => s.uplink?.self?.score === 1 && s.uplink.peer === 1, 20_000);
  }
  const downAt = Date.now();
  await lab.ns.alpha.exec(['ip', 'link', 'set', 'up0-far', 'down']); // the carrier goes, as when a cable is pulled
  await lab.waitForHolders(['bravo'], 30_000);
  console.log(`tracked interface down on alpha → bravo holds the floating IP after ${Date.now() - downAt} ms`);
  const alpha = await lab.status('alpha') as StatusReport;
  assert.deepEqual(alpha.uplink?.self, { score: 0, total: 1, failing: ['interface up0'] });
});
