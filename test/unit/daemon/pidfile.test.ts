// The pidfile against real processes: dead pids, zombies, unrelated live processes and a live
// twinbeat daemon (the silent-peer CLI, run as a real `start -f`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { acquirePidfile, AlreadyRunningError, daemonConfigDir, findRunningDaemon, judgePid, processAlive, readPid, type StalePidfile } from '../../../src/daemon/pidfile.js';
import { socketAnswers } from '../../../src/daemon/control.js';
import { makeZombie, unrelatedProcess } from '../../support/processes.js';
import { silentPairConfig } from './memory-wiring.js';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tb6-pid-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A pid that certainly belongs to no process: one that just exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

const CONFIG = '/etc/ha.d';

test('acquire writes our pid and release removes the file', (t) => {
  const path = join(tempDir(t), 'run', 'twinbeat.pid');
  const pidfile = acquirePidfile(path, CONFIG);
  assert.equal(readPid(path), process.pid);
  pidfile.release();
  assert.equal(existsSync(path), false);
  pidfile.release(); // idempotent
});

test('a stale pidfile of a dead process is taken over and reported', (t) => {
  const path = join(tempDir(t), 'twinbeat.pid');
  const dead = deadPid();
  writeFileSync(path, `${dead}\n`);
  const reported: StalePidfile[] = [];
  const pidfile = acquirePidfile(path, CONFIG, (stale) => reported.push(stale));
  assert.deepEqual(reported, [{ pid: dead, found: `pid ${dead} is not running` }]);
  assert.equal(readFileSync(path, 'utf8'), `${process.pid}\n`);
  pidfile.release();
});

test('a garbage pidfile is taken over', (t) => {
  const path = join(tempDir(t), 'twinbeat.pid');
  writeFileSync(path, 'not a pid');
  const reported: StalePidfile[] = [];
  acquirePidfile(path, CONFIG, (stale) => reported.push(stale)).release();
  assert.deepEqual(reported, [{ pid: null, found: 'no pid in it' }]);
});

test('release leaves a successor\'s pidfile alone', (t) => {
  const path = join(tempDir(t), 'twinbeat.pid');
  const pidfile = acquirePidfile(path, CONFIG);
  writeFileSync(path, `${process.ppid}\n`);
  pidfile.release();
  assert.equal(readPid(path), process.ppid);
});

test('a zombie in the pidfile (killed, never reaped) is not running: the pidfile is taken over', async (t) => {
  const zombie = await makeZombie();
  t.after(() => zombie.cleanup());
  assert.equal(processAlive(zombie.pid), false, 'a zombie runs nothing');
  const path = join(tempDir(t), 'twinbeat.pid');
  writeFileSync(path, `${zombie.pid}\n`);
  const reported: StalePidfile[] = [];
  acquirePidfile(path, CONFIG, (stale) => reported.push(stale)).release();
  assert.equal(reported.length, 1);
  assert.equal(reported[0]!.pid, zombie.pid);
  assert.match(reported[0]!.found, new RegExp(`^pid ${zombie.pid} is a zombie \\(killed, not reaped by its parent pid \\d+\\)$`));
});

test('an unrelated live process in the pidfile (pid reuse) is stale, and left running', async (t) => {
  const sleeper = unrelatedProcess();
  t.after(() => sleeper.cleanup());
  assert.equal(processAlive(sleeper.pid), true);
  const path = join(tempDir(t), 'twinbeat.pid');
  writeFileSync(path, `${sleeper.pid}\n`);
  const reported: StalePidfile[] = [];
  acquirePidfile(path, CONFIG, (stale) => reported.push(stale)).release();
  assert.deepEqual(reported, [{ pid: sleeper.pid, found: `pid ${sleeper.pid} is not a twinbeat daemon: "sleep 600"` }]);
  assert.equal(sleeper.alive(), true, 'nobody signalled it');
  // The test runner is a live node process too, but not `twinbeat start -f`.
  assert.equal(judgePid(process.ppid, CONFIG).running, false);
});

test('daemonConfigDir recognises a daemon command line and its configuration, nothing else', () => {
  const node = '/usr/bin/node';
  const cases: [string[], string | null][] = [
    [[node, '--lite-mode', '--no-expose-wasm', '/usr/bin/twinbeat', 'start', '-f'], '/etc/ha.d'],
    [[node, '/opt/tb/dist/src/cli/main.js', '-c', '/srv/ha', '--node', 'alpha', 'start', '-f'], '/srv/ha'],
    [[node, 'main.js', 'start', '--foreground', '--config=conf'], '/home/op/conf'], // relative: the process's cwd
    [[node, 'main.js', 'start', '-f', '-c', '/a/b/../c/'], '/a/c'],
    [[node, 'main.js', '--node', 'start', 'stop', '-f'], null], // "start" there is a node name
    [[node, 'main.js', 'start'], null], // the detaching parent: it never writes the pidfile
    [[node, 'main.js', 'status', '-f'], null],
    [[node, 'main.js', 'start', '-f', '-c'], null], // -c without its value
    [['sleep', '600'], null],
    [['/bin/sh', 'main.js', 'start', '-f'], null],
    [[node], null],
    [[], null],
    [['', '', ''], null],
  ];
  for (const [argv, expected] of cases) assert.equal(daemonConfigDir(argv, '/home/op'), expected, JSON.stringify(argv));
});

test('hostile pidfile contents never name a running daemon or a process group', (t) => {
  const path = join(tempDir(t), 'twinbeat.pid');
  for (const text of ['0', '-1', '-4242', '1e3', '99999999999999999999', '\u0000', '1'.repeat(5000)]) {
    writeFileSync(path, text);
    const pid = readPid(path);
    assert.ok(pid === null || pid > 0, `${JSON.stringify(text)} read as ${pid}`);
    assert.equal(processAlive(0), false);
    assert.equal(processAlive(-1), false);
  }
  // pid 1 (init) is alive but not twinbeat: a restored /run naming it does not block a start.
  writeFileSync(path, '1\n');
  const reported: StalePidfile[] = [];
  acquirePidfile(path, CONFIG, (stale) => reported.push(stale)).release();
  assert.match(reported[0]?.found ?? '', /^pid 1 is not a twinbeat daemon/);
});

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'silent-peer-cli.js');

test('a live twinbeat daemon in the pidfile is still refused, by pid and by its control socket', { timeout: 60_000 }, async (t) => {
  const cfg = silentPairConfig(t);
  const daemon = spawn(process.execPath, [cli, '-c', cfg.dir, '--node', 'alpha', 'start', '-f'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => daemon.once('exit', resolve));
  t.after(async () => {
    if (daemon.exitCode === null && daemon.signalCode === null) {
      daemon.kill('SIGKILL');
      await exited;
    }
  });
  const deadline = Date.now() + 30_000;
  while (!(await socketAnswers(cfg.socket))) {
    assert.ok(Date.now() < deadline, 'the daemon never answered on its control socket');
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(readPid(cfg.pid), daemon.pid);
  assert.deepEqual(judgePid(daemon.pid!, cfg.dir), { running: true });
  assert.deepEqual(judgePid(daemon.pid!, '/some/other/config'), { running: false, found: `pid ${daemon.pid} is the twinbeat daemon for ${cfg.dir}, not for /some/other/config` });
  assert.throws(
    () => acquirePidfile(cfg.pid, cfg.dir),
    (err: Error) => err instanceof AlreadyRunningError && err.pid === daemon.pid && err.message === `twinbeat is already running as pid ${daemon.pid} (pidfile ${cfg.pid})`,
  );
  const files = { pidFile: cfg.pid, controlSocket: cfg.socket, configDir: cfg.dir };
  assert.equal((await findRunningDaemon(files))?.pid, daemon.pid);
  // Its pidfile lost (someone cleaned /run): the answering socket still refuses a second start.
  rmSync(cfg.pid);
  const bySocket = await findRunningDaemon(files);
  assert.equal(bySocket?.message, `twinbeat is already running: a daemon answers on control socket ${cfg.socket}`);
  assert.equal(readPid(cfg.pid), null, 'the check created nothing');
  assert.equal(daemon.exitCode, null, 'the daemon was left alone');
});
