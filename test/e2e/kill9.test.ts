// The primary's daemon killed with -9 while its machine stays up (issue 6): the floating IP stays
// configured on alpha, so when bravo declares alpha dead and starts IPaddr, duplicate-address
// detection finds alpha still answering and bravo adds nothing — at no sampled moment do both
// nodes hold the IP. Restarting alpha's daemon reclaims (stops its leftover IP before the core
// starts) and the normal handshake converges on exactly one holder: alpha, with auto_failback on.
//
// The backup's daemon killed with -9 and restarted, twice (issue 17): once its parent reaps it
// (the pidfile names a dead pid), once it does not (the pidfile names a zombie); both times the
// control socket is left behind. Every restart must come up and rejoin, and the primary keeps
// the address the whole time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { Lab, labPaths, type NodeName, type StatusReport } from '../../scripts/lab/lab.js';
import { LAB_NET } from '../../scripts/lab/addresses.js';
import { rootSkipReason } from '../../scripts/lab/netns.js';
import { childExited, sleep, uniquePrefix, waitFor } from '../../scripts/lab/process.js';
import { macOf } from '../support/ipaddr-pair.js';
import { procState } from '../support/processes.js';
import { NODE_FLAGS } from '../../src/cli/node-flags.js';

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

/**
 * Starts node's daemon under a parent that never reaps it (`sh` starts it in the background,
 * then execs `sleep`): after kill -9 it stays a zombie, its pidfile and socket behind it.
 */
async function startUnreaped(lab: Lab, node: NodeName): Promise<{ pid: number; parent: ChildProcess }> {
  const p = lab.paths(node);
  const pidOut = join(lab.dir, `${node}-unreaped.pid`);
  const daemon = [process.execPath, ...NODE_FLAGS, labPaths.cli, 'start', '-f', '-c', p.configDir, '--node', node];
  const parent = lab.nodeNs(node).spawnLogged(['sh', '-c', 'out=$1; shift; "$@" & echo $! > "$out.tmp" && mv "$out.tmp" "$out"; exec sleep 600', 'sh', pidOut, ...daemon], p.daemonLog, {
    env: { ...process.env, TB_RUN_DIR: p.runDir },
  });
  await waitFor(`${node}'s daemon pid`, () => existsSync(pidOut), 10_000);
  await waitFor(`${node}'s daemon parent to exec sleep`, () => readFileSync(`/proc/${parent.pid}/comm`, 'utf8').trim() === 'sleep', 10_000);
  return { pid: Number(readFileSync(pidOut, 'utf8').trim()), parent };
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

test('kill -9 of the backup daemon and a restart, twice (dead pid, then zombie): it rejoins and the primary keeps the address', { skip: rootSkipReason, timeout: 180_000 }, async (t) => {
  const lab = await Lab.create({ prefix: uniquePrefix('tb17'), keepalive: '200ms', deadtime: '1', warntime: '500ms', initdead: '2' });
  t.after(() => lab.destroy());
  await lab.startCluster();
  const watch = lab.watchHolders(50);
  const bravoAlive = (what: string) =>
    Promise.all([
      lab.waitForStatus('alpha', `alpha sees bravo (${what})`, (s) => s.peer.state === 'alive' && s.groups[0]?.holders.join() === 'alpha', CONVERGE_BOUND_MS),
      lab.waitForStatus('bravo', `bravo sees alpha holding (${what})`, (s) => s.peer.state === 'alive' && s.groups[0]?.holders.join() === 'alpha', CONVERGE_BOUND_MS),
    ]);
  const bravoDead = () => lab.waitForStatus('alpha', 'alpha declares bravo dead', (s) => s.peer.state === 'dead', 10_000);
  const socket = lab.paths('bravo').controlSocket;
  const pidFile = lab.paths('bravo').pidFile;

  // ---- 1: killed and reaped: the pidfile names a pid that no longer exists.
  const first = lab.daemon('bravo')!;
  first.kill('SIGKILL');
  await childExited(first);
  await bravoDead();
  assert.equal(existsSync(socket), true, 'the killed daemon left its control socket');
  assert.equal(Number(readFileSync(pidFile, 'utf8')), first.pid);
  const unreaped = await startUnreaped(lab, 'bravo');
  t.after(() => lab.nodeNs('bravo').stop(unreaped.parent, 'SIGKILL', 1_000));
  await bravoAlive('first restart');
  assert.equal(Number(readFileSync(pidFile, 'utf8')), unreaped.pid);

  // ---- 2: killed and not reaped: the pidfile names a zombie.
  process.kill(unreaped.pid, 'SIGKILL');
  await waitFor('the killed daemon to be a zombie', () => procState(unreaped.pid) === 'Z', 10_000);
  await bravoDead();
  assert.equal(existsSync(socket), true);
  const restarted = restartDaemon(lab, 'bravo');
  t.after(() => lab.nodeNs('bravo').stop(restarted, 'SIGKILL', 1_000));
  await bravoAlive('second restart');
  assert.equal(Number(readFileSync(pidFile, 'utf8')), restarted.pid);
  assert.equal(procState(unreaped.pid), 'Z', 'the zombie was still there when the restart took over');

  const held = await watch.stop();
  assert.ok(held.samples >= 40, `only ${held.samples} samples`);
  assert.deepEqual(held.heldBy, ['alpha'], `the address moved: ${lab.logTails()}`);
  assert.equal(held.unheldSamples, 0, 'the primary kept the address the whole time');
  assert.equal(held.maxHolders, 1);
  const log = lab.daemonLog('bravo');
  assert.match(log, new RegExp(`WARN event=stale-pidfile component=daemon .*: pid ${first.pid} is not running`));
  assert.match(log, new RegExp(`WARN event=stale-pidfile component=daemon .*: pid ${unreaped.pid} is a zombie \\(killed, not reaped by its parent pid ${unreaped.parent.pid}\\)`));
  assert.equal(log.match(/event=daemon-refused/g), null, 'no restart was refused');
});
