// start (detached), status, stop as real processes, against the silent-peer wiring.
// Touches only the temp config directory it stages and the daemons it starts and stops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { controlRequest } from '../../../src/daemon/control.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentPairConfig } from '../daemon/memory-wiring.js';
import { processAlive } from '../../../src/daemon/pidfile.js';
import { staleSocket, unrelatedProcess } from '../../support/processes.js';
import type { StatusReport } from '../../../src/daemon/status-report.js';

const cli = join(dirname(fileURLToPath(import.meta.url)), 'silent-peer-cli.js');

test('start detaches and waits for readiness; a second start is refused; stop waits for the exit', { timeout: 120_000 }, async (t) => {
  // Never leave a daemon behind, whatever failed. Registered before the config directory's
  // removal so the pidfile can still be read; the pid from `start` is used when known.
  let pid = 0;
  let pidFile = '';
  t.after(() => {
    const owner = pid > 0 ? pid : pidFile !== '' && existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : 0;
    if (owner > 0 && processAlive(owner)) process.kill(owner, 'SIGKILL');
  });
  const cfg = silentPairConfig(t);
  pidFile = cfg.pid;
  const twinbeat = (...args: string[]) => {
    const r = spawnSync(process.execPath, [cli, '-c', cfg.dir, '--node', 'alpha', ...args], { encoding: 'utf8', timeout: 90_000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  assert.deepEqual(twinbeat('status'), { code: 3, out: '', err: `twinbeat status: twinbeat is not running (no control socket at ${cfg.socket})\n` });

  const started = twinbeat('start');
  assert.equal(started.code, 0, started.err);
  pid = Number(/^twinbeat started \(pid (\d+)\)\n$/.exec(started.out)?.[1]);
  assert.ok(processAlive(pid));
  assert.equal(Number(readFileSync(cfg.pid, 'utf8')), pid);

  const again = twinbeat('start');
  assert.equal(again.code, 1);
  assert.match(again.err, new RegExp(`already running as pid ${pid}`));

  const status = twinbeat('status', '--json');
  // The peer never answers: degraded (exit 1), not healthy.
  assert.equal(status.code, 1, status.err);
  const report = JSON.parse(status.out) as StatusReport & { running: boolean; health: { level: string } };
  assert.equal(report.running, true);
  assert.equal(report.health.level, 'warning');
  assert.equal(report.daemon.pid, pid);
  assert.equal(report.self.name, 'alpha');
  // The role may move on between two calls (initdead is 1 s): check the shape only.
  assert.match(twinbeat('status').out, /^node {3}alpha: (init|active|transition), generation 1\npeer {3}beta: /);

  const stopped = twinbeat('stop');
  assert.deepEqual(stopped, { code: 0, out: 'twinbeat stopped\n', err: '' });
  assert.equal(processAlive(pid), false);
  assert.equal(existsSync(cfg.pid), false);
  const again2 = twinbeat('stop');
  assert.equal(again2.code, 3, again2.err);
  // The detached daemon logged to the logfile only (its stdout is the logfile too: no duplicates).
  const log = readFileSync(cfg.log, 'utf8');
  assert.equal(log.match(/event=daemon-start /g)?.length, 1);
  assert.match(log, /event=stop-requested .*stop requested on the control socket/);
});

test('start reports a daemon that dies during startup', { timeout: 60_000 }, async (t) => {
  const cfg = silentPairConfig(t);
  // gamma is not a node of this pair: the detached daemon's config load fails and it exits 78 (EX_CONFIG).
  const r1 = spawnSync(process.execPath, [cli, '-c', cfg.dir, '--node', 'gamma', 'start'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r1.status, 1);
  assert.match(r1.stderr, /the daemon exited during startup with status 78; see .*ha-log/);
});

test('start -f: SIGHUP reloads (invalid config kept out), SIGTERM stops gracefully with exit 0', { timeout: 120_000 }, async (t) => {
  const cfg = silentPairConfig(t);
  const daemon = spawn(process.execPath, [cli, '-c', cfg.dir, '--node', 'alpha', 'start', '-f'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  daemon.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  const exited = new Promise<number | null>((resolve) => daemon.once('exit', (code) => resolve(code)));
  t.after(() => {
    if (daemon.exitCode === null) daemon.kill('SIGKILL');
  });
  const waitFor = async (what: RegExp) => {
    const deadline = Date.now() + 30_000;
    while (!what.test(stdout)) {
      if (Date.now() > deadline) throw new Error(`no ${what} in stdout:\n${stdout}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await waitFor(/event=daemon-ready/);
  assert.match(stdout, /^INFO event=daemon-start component=daemon /m, 'foreground: lines on stdout for the journal');

  const haCf = readFileSync(join(cfg.dir, 'ha.cf'), 'utf8');
  writeFileSync(join(cfg.dir, 'ha.cf'), `${haCf}keepalive 5\n`); // second keepalive line: invalid
  daemon.kill('SIGHUP');
  await waitFor(/event=reload-rejected/);
  const viaCli = spawnSync(process.execPath, [cli, '-c', cfg.dir, '--node', 'alpha', 'reload'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(viaCli.status, 1);
  assert.match(viaCli.stderr, /^twinbeat reload: refused: configuration invalid, running configuration kept:\n.*ha\.cf:\d+: keepalive/);
  writeFileSync(join(cfg.dir, 'ha.cf'), haCf);
  appendFileSync(join(cfg.dir, 'ha.cf'), '# touched\n');
  daemon.kill('SIGHUP');
  await waitFor(/event=reload-applied/);
  const reloaded = spawnSync(process.execPath, [cli, '-c', cfg.dir, '--node', 'alpha', 'reload'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(reloaded.status, 0, reloaded.stderr);
  assert.match(reloaded.stdout, /^configuration reloaded \(digest [0-9a-f]+\)\n$/);
  const answer = await controlRequest(cfg.socket, { cmd: 'status' }, 5000);
  assert.equal(answer.ok, true, 'still serving after the reloads');

  daemon.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.match(stdout, /event=stop-requested .*SIGTERM/);
  assert.match(stdout, /event=daemon-stopped/);
  assert.equal(existsSync(cfg.pid), false);
  assert.equal(existsSync(cfg.socket), false);
});

test('a pidfile naming an unrelated process: stop signals nothing, start takes the pidfile over', { timeout: 120_000 }, async (t) => {
  const sleeper = unrelatedProcess();
  t.after(() => sleeper.cleanup());
  let daemonPid = 0;
  t.after(() => {
    if (daemonPid > 0 && processAlive(daemonPid)) process.kill(daemonPid, 'SIGKILL');
  });
  const cfg = silentPairConfig(t);
  writeFileSync(cfg.pid, `${sleeper.pid}\n`);
  await staleSocket(cfg.socket);
  const twinbeat = (...args: string[]) => {
    const r = spawnSync(process.execPath, [cli, '-c', cfg.dir, '--node', 'alpha', ...args], { encoding: 'utf8', timeout: 90_000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const stop = twinbeat('stop');
  assert.equal(stop.code, 3, stop.err);
  assert.equal(
    stop.err,
    `twinbeat stop: twinbeat is not running (no control socket at ${cfg.socket})\n` +
      `twinbeat stop: the pidfile ${cfg.pid} is stale (pid ${sleeper.pid} is not a twinbeat daemon: "sleep 600"); nothing was signalled\n`,
  );
  assert.equal(sleeper.alive(), true, 'the unrelated process was not signalled');

  const started = twinbeat('start');
  assert.equal(started.code, 0, started.err);
  daemonPid = Number(/^twinbeat started \(pid (\d+)\)\n$/.exec(started.out)?.[1]);
  assert.equal(Number(readFileSync(cfg.pid, 'utf8')), daemonPid);
  assert.match(readFileSync(cfg.log, 'utf8'), new RegExp(`WARN event=stale-pidfile .*: pid ${sleeper.pid} is not a twinbeat daemon`));
  assert.deepEqual(twinbeat('stop'), { code: 0, out: 'twinbeat stopped\n', err: '' });
  assert.equal(sleeper.alive(), true);
});
