// The composition root run in-process against a silent peer: memory links, a JSON codec, the
// real core, runner, Dummy resource, state file, pidfile, control socket and logger.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDaemon, tickMergeMs, tickPeriodMs, type DaemonHandle } from '../../../src/daemon/main.js';
import { controlRequest } from '../../../src/daemon/control.js';
import { loadState } from '../../../src/daemon/state-file.js';
import type { StatusReport } from '../../../src/daemon/status-report.js';
import { SilentLink, silentWiring, silentPairConfig } from './memory-wiring.js';
import { until } from '../../support/until.js';
import { makeZombie, staleSocket } from '../../support/processes.js';

const quietIo = () => {
  const io = { err: '', out: (_: string) => {}, errFn: (t: string) => void (io.err += t) };
  return { io: { out: io.out, err: io.errFn }, captured: () => io.err };
};

test('silent peer: takes over after initdead, reports status, stops gracefully releasing the resource', { timeout: 60_000 }, async (t) => {
  const cfg = silentPairConfig(t);
  const links = [new SilentLink('memory:a')];
  const { io, captured } = quietIo();
  let onReady!: (h: DaemonHandle) => void;
  const readyPromise = new Promise<DaemonHandle>((resolve) => (onReady = resolve));
  const exit = runDaemon({ configDir: cfg.dir, node: 'alpha', foreground: false, installSignalHandlers: false, onReady }, io, silentWiring(links));
  await Promise.race([readyPromise, exit.then((code) => Promise.reject(new Error(`daemon exited ${code}: ${captured()}`)))]);

  assert.equal(Number(readFileSync(cfg.pid, 'utf8')), process.pid);
  assert.equal(links[0]!.opened, true);
  assert.equal((await loadState(cfg.state)).generation, 1);

  const report = await until('the resource group to run here', async () => {
    const answer = await controlRequest(cfg.socket, { cmd: 'status' }, 5000);
    const r = (answer.ok ? answer.data : null) as StatusReport | null;
    return r !== null && r.groups[0]?.phase === 'running' ? r : null;
  });
  assert.equal(report.self.name, 'alpha');
  assert.equal(report.self.generation, 1);
  assert.equal(report.peer.name, 'beta');
  assert.equal(report.daemon.pid, process.pid);
  assert.deepEqual(report.groups[0]!.holders, ['alpha']);
  assert.equal(report.links[0]!.name, 'memory:a');
  assert.ok(report.links[0]!.framesSent > 0, 'heartbeats were sent');
  assert.equal(existsSync(join(cfg.run, 'Dummy-tb6web.state')), true, 'Dummy started');

  const stopAnswer = await controlRequest(cfg.socket, { cmd: 'stop' }, 5000);
  assert.equal(stopAnswer.ok, true);
  assert.equal(await exit, 0);
  assert.equal(existsSync(join(cfg.run, 'Dummy-tb6web.state')), false, 'Dummy stopped on the way out');
  assert.equal(existsSync(cfg.pid), false, 'pidfile removed');
  assert.equal(existsSync(cfg.socket), false, 'control socket removed');
  assert.equal(links[0]!.opened, false, 'links closed');
  const log = readFileSync(cfg.log, 'utf8');
  assert.match(log, /INFO event=daemon-start component=daemon .*generation=1/);
  assert.match(log, /event=daemon-stopped/);
});

/** Runs the daemon in this process until its control socket answers; returns its handle and exit. */
async function startInProcess(cfg: { dir: string }, links = [new SilentLink('memory:a')]) {
  const { io, captured } = quietIo();
  let onReady!: (h: DaemonHandle) => void;
  const ready = new Promise<DaemonHandle>((resolve) => (onReady = resolve));
  const exit = runDaemon({ configDir: cfg.dir, node: 'alpha', foreground: false, installSignalHandlers: false, onReady }, io, silentWiring(links));
  const handle = await Promise.race([ready, exit.then((code) => Promise.reject(new Error(`daemon exited ${code}: ${captured()}`)))]);
  return { handle, exit };
}

test('a second daemon of the same configuration is refused; an invalid config never starts', { timeout: 60_000 }, async (t) => {
  const cfg = silentPairConfig(t);
  const first = await startInProcess(cfg);
  // The pidfile names this very process (both run here), so it is the answering socket that refuses.
  let { io, captured } = quietIo();
  assert.equal(await runDaemon({ configDir: cfg.dir, node: 'alpha', foreground: false, installSignalHandlers: false }, io, silentWiring([])), 1);
  assert.equal(captured(), `twinbeat: twinbeat is already running: a daemon answers on control socket ${cfg.socket}\n`);
  assert.equal((await controlRequest(cfg.socket, { cmd: 'status' }, 5000)).ok, true, 'the first daemon still answers');
  assert.equal(Number(readFileSync(cfg.pid, 'utf8')), process.pid, 'and keeps its pidfile');
  first.handle.stop();
  assert.equal(await first.exit, 0);

  writeFileSync(join(cfg.dir, 'ha.cf'), 'node alpha beta\nkeepalive 1\ndeadtime 1\nucast lo 127.0.0.1\n');
  ({ io, captured } = quietIo());
  assert.equal(await runDaemon({ configDir: cfg.dir, node: 'alpha', foreground: false, installSignalHandlers: false }, io, silentWiring([])), 78, 'EX_CONFIG: the unit does not restart on it');
  assert.match(captured(), /ha\.cf:\d+: .*deadtime/);
  assert.match(captured(), /is invalid .*not starting/);
  assert.equal(existsSync(cfg.pid), false);
});

test('what a crash leaves behind never blocks a start: a zombie in the pidfile and a dead control socket', { timeout: 60_000 }, async (t) => {
  const cfg = silentPairConfig(t);
  const zombie = await makeZombie();
  t.after(() => zombie.cleanup());
  writeFileSync(cfg.pid, `${zombie.pid}\n`);
  await staleSocket(cfg.socket);
  const { handle, exit } = await startInProcess(cfg);
  assert.equal(Number(readFileSync(cfg.pid, 'utf8')), process.pid);
  const answer = await controlRequest(cfg.socket, { cmd: 'status' }, 5000);
  assert.equal(answer.ok && (answer.data as StatusReport).daemon.pid, process.pid, 'the new daemon answers on the replaced socket');
  handle.stop();
  assert.equal(await exit, 0);
  const log = readFileSync(cfg.log, 'utf8');
  assert.match(log, new RegExp(`WARN event=stale-pidfile component=daemon .*taking over stale pidfile ${cfg.pid}: pid ${zombie.pid} is a zombie`));
  assert.equal(log.match(/event=stale-pidfile/g)?.length, 1);
});

test('tickMergeMs: 1 ms where the stall guard has room for it, 0 at the smallest keepalive check allows', () => {
  const config = (keepaliveMs: number, realtime: boolean) => ({ keepaliveMs, realtime }) as unknown as Parameters<typeof tickMergeMs>[0];
  assert.equal(tickMergeMs(config(100, true)), 1);
  assert.equal(tickMergeMs(config(100, false)), 1);
  assert.equal(tickMergeMs(config(6, true)), 0, 'keepalive 6 ms (floor with 1 ms lateness): tick 5 ms + 1 ms lateness already fill it');
  assert.equal(tickMergeMs(config(14, false)), 0, 'keepalive 14 ms (floor with 7 ms lateness)');
  for (const k of [6, 8, 10, 14, 20, 50, 100, 1000]) {
    for (const rt of [true, false]) {
      const c = config(k, rt);
      assert.ok(tickPeriodMs(c) + tickMergeMs(c) + (rt ? 1 : 7) <= k || tickMergeMs(c) === 0, `keepalive ${k}: a merged tick plus lateness stays within keepalive`);
    }
  }
});
