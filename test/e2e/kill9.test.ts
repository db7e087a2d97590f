// The primary's daemon killed with -9 while its machine stays up (issue 6): the floating IP stays
// configured on alpha, so when bravo declares alpha dead and starts IPaddr, duplicate-address
// detection finds alpha still answering and bravo adds nothing — at no sampled moment do both
// nodes hold the IP. Restarting alpha's daemon reclaims (stops its leftover IP before the core
// starts) and the normal handshake converges on exactly one holder: alpha, with auto_failback on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { Lab, labPaths, type NodeName, type StatusReport } from '../../scripts/lab/lab.js';
import { LAB_NET } from '../../scripts/lab/addresses.js';
import { rootSkipReason } from '../../scripts/lab/netns.js';
import { childExited, sleep, uniquePrefix, waitFor } from '../../scripts/lab/process.js';
import { macOf } from '../support/ipaddr-pair.js';

const DEADTIME_MS = 1_000;
/** From alpha's daemon restart to "alpha holds, bravo sees it alive": initdead is not involved
 * (bravo is up and heard at once); a handshake and at most one IPaddr stop/start. Loose: CI is a
 * loaded 2-core machine. */
const CONVERGE_BOUND_MS = 15_000;

/** Restarts a node's daemon the way Lab.startDaemon does (that one refuses a node whose
 * previous daemon died by signal, as it still has it on record). */
function restartDaemon(lab: Lab, node: NodeName): ChildProcess {
  const p = lab.paths(node);
  return lab.nodeNs(node).spawnLogged([process.execPath, labPaths.cli, 'start', '-f', '-c', p.configDir, '--node', node], p.daemonLog, {
    env: { ...process.env, TB_RUN_DIR: p.runDir },
  });
}

async function neighbourMac(lab: Lab): Promise<string> {
  await lab.ns.client.exec(['ping', '-n', '-q', '-c', '1', '-W', '1', LAB_NET.floating], { allowFail: true });
  const out = (await lab.ns.client.exec(['ip', 'neigh', 'show', LAB_NET.floating, 'dev', LAB_NET.lanIf])).stdout;
  return /lladdr ([0-9a-f:]{17})/.exec(out)?.[1] ?? '';
}

test('kill -9 of the primary daemon: no double holder; a restart reclaims and converges on alpha', { skip: rootSkipReason, timeout: 180_000 }, async (t) => {
  const lab = await Lab.create({
    prefix: uniquePrefix('tb10'),
    autoFailback: 'on',
    keepalive: '200ms',
    deadtime: '1',
    warntime: '500ms',
    initdead: '2',
    extraHaCf: ['tb_dad_timeout 300ms'],
  });
  t.after(() => lab.destroy());
  await lab.startCluster();
  const macAlpha = await macOf(lab.nodeNs('alpha'), LAB_NET.lanIf);

  // ---- kill -9: alpha's machine keeps the address, bravo must not add it too.
  const watch = lab.watchHolders(50);
  const daemon = lab.daemon('alpha')!;
  daemon.kill('SIGKILL');
  await childExited(daemon);
  await lab.waitForStatus('bravo', 'alpha dead', (s) => s.peer.state === 'dead', 10_000);
  const refusedByDad = new RegExp(`event=start-failed .*in use by MAC ${macAlpha} on ${LAB_NET.lanIf} \\(duplicate-address detection\\)`, 'i');
  await waitFor('bravo to try the takeover and be refused by DAD', () => refusedByDad.test(lab.daemonLog('bravo')), 10_000).catch((err: Error) => {
    throw new Error(`${err.message}\n${lab.logTails(30)}`);
  });
  // Keep sampling well past the attempt: nothing may add the address later either.
  await sleep(DEADTIME_MS + 3_000);
  const killed = await watch.stop();
  assert.ok(killed.samples >= 20, `only ${killed.samples} samples`);
  assert.equal(killed.maxHolders, 1, `floating IP on both nodes at ${killed.bothSinceMs.join(', ')} ms\n${lab.logTails()}`);
  assert.deepEqual(await lab.holders(), ['alpha'], 'the address stayed on alpha\'s machine only');
  assert.equal(await neighbourMac(lab), macAlpha, 'the client still reaches alpha: no gratuitous ARP from bravo');

  // ---- restart alpha's daemon: it reclaims, then the pair converges on one holder.
  const converge = lab.watchHolders(50);
  const restartedAt = Date.now();
  const restarted = restartDaemon(lab, 'alpha');
  t.after(() => lab.nodeNs('alpha').stop(restarted, 'SIGKILL', 1_000));
  await lab.waitForStatus('alpha', 'alpha holds, bravo alive', (s: StatusReport) =>
    s.peer.state === 'alive' && s.groups[0]?.phase === 'running' && s.groups[0]?.holders.join() === 'alpha', CONVERGE_BOUND_MS);
  await lab.waitForStatus('bravo', 'bravo sees alpha holding', (s: StatusReport) =>
    s.peer.state === 'alive' && s.groups[0]?.holders.join() === 'alpha', CONVERGE_BOUND_MS);
  const convergedMs = Date.now() - restartedAt;
  await sleep(1_000);
  const after = await converge.stop();
  t.diagnostic(`converged ${convergedMs} ms after alpha's daemon restart (bound ${CONVERGE_BOUND_MS} ms)`);
  assert.ok(convergedMs < CONVERGE_BOUND_MS, `converged after ${convergedMs} ms`);
  assert.equal(after.maxHolders, 1, `floating IP on both nodes at ${after.bothSinceMs.join(', ')} ms`);
  assert.deepEqual(await lab.holders(), ['alpha']);
  assert.match(lab.daemonLog('alpha'), /WARN event=startup-reclaim component=daemon resource=IPaddr::10\.77\.0\.100\/24\/eth0 /);
  assert.equal(await neighbourMac(lab), macAlpha, 'the client\'s neighbour entry points at the holder');
});
