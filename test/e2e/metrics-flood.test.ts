// Hole 5 of issue 12 in the lab: bravo's daemon runs at a 1024 open-files limit (soft and hard,
// so Node cannot raise it) with its metrics port on its LAN address; a client holds 3000 TCP
// connections to that port and reconnects whatever is closed. On b0d4108 the takeover's script
// spawn failed with EMFILE and the daemon crashed, leaving nobody holding the address. Here
// bravo's descriptors stay under its limit minus the takeover reserve, its control socket keeps
// answering, and when alpha loses power bravo takes the address over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lab, type StatusReport } from '../../scripts/lab/lab.js';
import { LAB_NET } from '../../scripts/lab/addresses.js';
import { rootSkipReason } from '../../scripts/lab/netns.js';
import { sleep, uniquePrefix, waitFor } from '../../scripts/lab/process.js';
import { TAKEOVER_RESERVE } from '../../src/daemon/descriptors.js';

const LIMIT = 1024;
const HELD = 3000;
const holder = join(fileURLToPath(new URL('.', import.meta.url)), '../support/hold-connections.js');

function descriptorsOf(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return -1;
  }
}

test('3000 held metrics connections at a 1024 descriptor limit: bravo stays up, answers, and takes over', { skip: rootSkipReason, timeout: 240_000 }, async (t) => {
  const lab = await Lab.create({
    prefix: uniquePrefix('tb12f'),
    keepalive: '200ms',
    deadtime: '1',
    warntime: '500ms',
    initdead: '2',
    echo: false,
    extraHaCf: { bravo: [`tb_metrics_port ${LAB_NET.metricsPort} ${LAB_NET.bravo}`] },
    nofile: { bravo: LIMIT },
  });
  t.after(() => lab.destroy());
  await lab.startCluster();
  const pid = Number(readFileSync(lab.paths('bravo').pidFile, 'utf8'));
  assert.match(lab.daemonLog('bravo'), new RegExp(`event=fd-limit .*soft=${LIMIT} hard=${LIMIT} metricsConnections=64 controlConnections=16`));

  // ---- the flood, from the client namespace, to bravo's LAN address.
  const flood = lab.ns.client.spawn([process.execPath, holder, LAB_NET.bravo, String(LAB_NET.metricsPort), String(HELD), '1000'], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => lab.ns.client.stop(flood, 'SIGTERM', 2_000));
  let latest = { open: 0, attempts: 0, closedByServer: 0, errors: 0 };
  let maxOpen = 0; // connections the client saw established at once (accepted or in the backlog)
  flood.stdout!.on('data', (c: Buffer) => {
    const last = c.toString().trim().split('\n').pop();
    if (last) latest = JSON.parse(last) as typeof latest;
    maxOpen = Math.max(maxOpen, latest.open);
  });
  let maxFds = 0;
  const sampler = setInterval(() => (maxFds = Math.max(maxFds, descriptorsOf(pid))), 50);
  t.after(() => clearInterval(sampler));
  await waitFor(`${HELD} connection attempts`, () => latest.attempts >= HELD, 60_000, 100);
  await sleep(6_000); // past the header deadline: held connections are being cut and retried
  const during = { ...latest };
  assert.ok(during.open + during.closedByServer >= HELD, `the flood is on: ${JSON.stringify(during)}`);

  // The operator can still talk to the daemon.
  const status = (await lab.status('bravo')) as StatusReport;
  assert.equal(status.peer.state, 'alive');

  // ---- alpha loses power: bravo must take the address over, under the flood.
  const takeoverStart = Date.now();
  await lab.powerOff('alpha');
  await lab.waitForHolders(['bravo'], 30_000);
  const takeoverMs = Date.now() - takeoverStart;
  await sleep(2_000);
  clearInterval(sampler);
  const after = { ...latest };
  t.diagnostic(`flood ${JSON.stringify(after)}, at most ${maxOpen} established at once; bravo's descriptors peaked at ${maxFds} (limit ${LIMIT}); takeover ${takeoverMs} ms after power-off`);

  assert.equal(descriptorsOf(pid) > 0, true, 'bravo\'s daemon is still running');
  assert.ok(maxFds > 0 && maxFds <= LIMIT - TAKEOVER_RESERVE, `descriptors peaked at ${maxFds}, over ${LIMIT} - ${TAKEOVER_RESERVE}`);
  const log = lab.daemonLog('bravo');
  assert.doesNotMatch(log, /event=daemon-crash|EMFILE/);
  assert.match(log, /event=metrics-error .*64 connections open \(the limit\)/);
  assert.deepEqual(await lab.holders(), ['bravo']);
});
