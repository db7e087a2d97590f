// The script runner (src/resources/runner.ts) on real scripts (test/fixtures/scripts copied to a
// temp directory): argv and environment per class, exit codes, timeouts that kill the process
// group, bounded output. Runs only those scripts, and removes the directory and what they leave.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getPriority } from 'node:os';
import { ScriptRunner } from '../../../src/resources/runner.js';
import { copyScripts, isRunning, killQuietly, readPids, waitGone, type ScriptDir } from '../../support/scripts.js';

let scripts: ScriptDir;
before(() => {
  scripts = copyScripts();
});
after(() => scripts.remove());

// Short grace periods keep the suite quick; timeouts stay generous for a loaded machine.
const runner = new ScriptRunner({ killGraceMs: 500, stdioGraceMs: 300 });
const long = { timeoutMs: 30_000 };

async function waitForFile(path: string, withinMs = 10_000): Promise<void> {
  const until = Date.now() + withinMs;
  while (!existsSync(path) || readFileSync(path, 'utf8').trim() === '') {
    if (Date.now() > until) throw new Error(`${path} never appeared`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('heartbeat class: argv is ARGS... ACTION and extra env reaches the script', async () => {
  const r = await runner.run(scripts.spec('ok', ['10.0.0.5/24/eth0', 'x']), 'start', { ...long, env: { TB_ARP_COUNT: '3' } });
  assert.equal(r.outcome, 'ok');
  assert.equal(r.exitCode, 0);
  assert.match(r.stdout, /^argv: 10\.0\.0\.5\/24\/eth0 x start$/m);
  assert.match(r.stdout, /TB_ARP_COUNT=3/);
  assert.equal(r.reason, '');
  assert.ok(r.durationMs >= 0);
});

test('ocf class: action alone, parameters and OCF_ROOT in the environment', async () => {
  const r = await runner.run(scripts.spec('ok', ['ip=10.0.0.5', 'eth0'], 'ocf'), 'monitor', long);
  assert.equal(r.outcome, 'ok');
  assert.match(r.stdout, /^argv: monitor$/m);
  assert.match(r.stdout, /OCF_ROOT=\/usr\/lib\/ocf OCF_RESKEY_ip=10\.0\.0\.5 OCF_RESKEY_arg2=eth0/);
});

test('ocf exit codes 0-7 through a real script, reason from the last ocf-exit-reason line', async () => {
  const want = ['ok', 'failed', 'not-configured', 'failed', 'failed', 'not-installed', 'not-configured', 'not-running'];
  for (const [code, outcome] of want.entries()) {
    const r = await runner.run(scripts.spec('exit-code', [`code=${code}`], 'ocf'), 'start', long);
    assert.equal(r.outcome, outcome, `exit ${code}`);
    assert.equal(r.exitCode, code);
    assert.equal(r.reason, `exiting with ${code}`);
  }
});

test('heartbeat class status is judged from stdout, whatever the exit code', async () => {
  const cases: [string, string, string][] = [
    ['running', '1', 'ok'],
    ['resource is OK', '0', 'ok'],
    ['stopped', '0', 'not-running'],
    ['web is not running', '0', 'not-running'],
    ['who knows', '0', 'not-running'],
  ];
  for (const [text, code, outcome] of cases) {
    const r = await runner.run(scripts.spec('hb-status', [text]), 'status', { ...long, env: { TB_TEST_CODE: code } });
    assert.equal(r.outcome, outcome, JSON.stringify(text));
  }
});

test('lsb class status codes through a real script', async () => {
  const want: [string, string][] = [['0', 'ok'], ['1', 'not-running'], ['2', 'not-running'], ['3', 'not-running'], ['4', 'failed']];
  for (const [code, outcome] of want) {
    const r = await runner.run(scripts.spec('exit-code', [], 'lsb'), 'monitor', { ...long, env: { TB_TEST_CODE: code } });
    assert.equal(r.outcome, outcome, `status exit ${code}`);
  }
});

/** Runs a fixture that records "SCRIPTPID CHILDPID" with a short timeout; returns result and pids. */
test('nice: set right after the spawn, inherited by what the script starts; without it the default', async () => {
  const niced = await runner.run(scripts.spec('niceness', []), 'start', { ...long, nice: -10 });
  assert.equal(niced.outcome, 'ok');
  const own = String(getPriority()); // what a child inherits (the suite may run under `nice`)
  const expected = process.getuid?.() === 0 ? '-10' : own; // not root: setpriority refused, left as is
  assert.match(niced.stdout, new RegExp(`^self: ${expected}$`, 'm'));
  assert.match(niced.stdout, new RegExp(`^child: ${expected}$`, 'm'));
  const probed = await runner.probe(scripts.spec('niceness', []), { ...long, nice: 5 });
  assert.match(probed.stdout, /^self: 5$/m, 'a probe takes the same option');
  const plain = await runner.run(scripts.spec('niceness', []), 'start', long);
  assert.match(plain.stdout, new RegExp(`^self: ${own}$`, 'm'), 'without the option: inherited from the daemon');
});

async function timeOut(name: string, action: 'start' | 'stop') {
  const pidfile = join(scripts.dir, `${name}.pids`);
  const result = await runner.run(scripts.spec(name, []), action, { timeoutMs: 500, env: { TB_TEST_PIDFILE: pidfile } });
  return { result, pids: readPids(pidfile) };
}

test('timeout: SIGTERM reaches the whole process group; the child dies too', { timeout: 60_000 }, async () => {
  const { result, pids } = await timeOut('hang', 'start');
  try {
    assert.equal(result.outcome, 'timed-out');
    assert.match(result.reason, /start timed out after 500 ms; process group killed/);
    assert.ok(await waitGone(pids), 'script and its child are gone');
  } finally {
    pids.forEach(killQuietly);
  }
});

test('timeout: a group that ignores SIGTERM gets SIGKILL after the grace period', { timeout: 60_000 }, async () => {
  const { result, pids } = await timeOut('ignore-term', 'stop');
  try {
    assert.deepEqual([result.outcome, result.signal, result.exitCode], ['timed-out', 'SIGKILL', null]);
    assert.ok(await waitGone(pids), 'SIGKILL reached the child that ignored SIGTERM');
  } finally {
    pids.forEach(killQuietly);
  }
});

test('a background child holding stdout open does not hang the runner, and is left alone', { timeout: 60_000 }, async () => {
  const pidfile = join(scripts.dir, 'hold.pid');
  const r = await runner.run(scripts.spec('hold-stdout', []), 'start', { timeoutMs: 20_000, env: { TB_TEST_PIDFILE: pidfile } });
  await waitForFile(pidfile);
  const [childPid] = readPids(pidfile);
  try {
    assert.equal(r.outcome, 'ok');
    assert.match(r.stdout, /started/);
    assert.ok(r.durationMs < 15_000, `settled on the script's exit, not the child's (took ${r.durationMs} ms)`);
    assert.ok(isRunning(childPid!), 'what a successful start left running is not killed');
  } finally {
    killQuietly(childPid!);
  }
});

test('output is captured up to the bound and the rest is dropped, not blocked on', async () => {
  const small = new ScriptRunner({ maxOutputBytes: 1000 });
  const r = await small.run(scripts.spec('noisy', []), 'start', long);
  assert.equal(r.outcome, 'ok');
  assert.ok(r.stdout.startsWith('x'.repeat(1000) + '\n['), r.stdout.slice(0, 50));
  assert.match(r.stdout, /\[199000 more bytes dropped\]$/);
});

test('never throws: missing script, directory, unsafe script all become results', async () => {
  const missing = await runner.run({ ...scripts.spec('ok', []), path: join(scripts.dir, 'absent') }, 'start', long);
  assert.equal(missing.outcome, 'not-installed');
  assert.match(missing.reason, /no such script/);
  const dir = await runner.run({ ...scripts.spec('ok', []), path: scripts.dir }, 'start', long);
  assert.equal(dir.outcome, 'not-installed');
  chmodSync(scripts.path('broken-idempotence'), 0o777);
  try {
    const unsafe = await runner.run(scripts.spec('broken-idempotence', ['x']), 'status', long);
    assert.equal(unsafe.outcome, 'not-installed');
    assert.match(unsafe.reason, /writable by group and others .*fix: chmod go-w/);
  } finally {
    chmodSync(scripts.path('broken-idempotence'), 0o755);
  }
});

test('without the safety check a spawn failure is still a result (not executable)', async () => {
  const unchecked = new ScriptRunner({ checkSafety: false });
  chmodSync(scripts.path('noisy'), 0o644);
  try {
    const r = await unchecked.run(scripts.spec('noisy', []), 'start', long);
    assert.equal(r.outcome, 'not-installed');
    assert.match(r.reason, /cannot run .*noisy: EACCES/);
  } finally {
    chmodSync(scripts.path('noisy'), 0o755);
  }
});

test('hooks: exit 0 ok, anything else failed with a reason, timeouts kill the group', async () => {
  const ok = await runner.runHook(scripts.path('ok'), { TB_ARP_COUNT: '9' }, 30_000, ['fence', 'beta']);
  assert.equal(ok.outcome, 'ok');
  assert.match(ok.stdout, /^argv: fence beta$/m);
  assert.match(ok.stdout, /TB_ARP_COUNT=9/);
  const failed = await runner.runHook(scripts.path('exit-code'), { TB_TEST_CODE: '4' }, 30_000);
  assert.deepEqual([failed.outcome, failed.exitCode, failed.reason], ['failed', 4, 'exiting with 4']);
  const pidfile = join(scripts.dir, 'hook.pids');
  const hung = await runner.runHook(scripts.path('hang'), { TB_TEST_PIDFILE: pidfile }, 500);
  assert.equal(hung.outcome, 'timed-out');
  assert.match(hung.reason, /^hook timed out after 500 ms/);
  const pids = readPids(pidfile);
  try {
    assert.ok(await waitGone(pids));
  } finally {
    pids.forEach(killQuietly);
  }
});

/** Run `fn` while `path` is writable by group and others (so the runner refuses it). */
async function whileWritable<T>(path: string, fn: () => Promise<T>): Promise<T> {
  chmodSync(path, 0o777);
  try {
    return await fn();
  } finally {
    chmodSync(path, 0o755);
  }
}

test('a stop that cannot run is not a failure when the script never ran here; it is once it did', async () => {
  const fresh = new ScriptRunner({ killGraceMs: 500, stdioGraceMs: 300 });
  const spec = scripts.spec('ok', ['refused-stop']);
  await whileWritable(spec.path, async () => {
    assert.equal((await fresh.run(spec, 'start', long)).outcome, 'not-installed', 'the refused start');
    const stop = await fresh.run(spec, 'stop', long);
    assert.equal(stop.outcome, 'ok', stop.reason);
    assert.match(stop.reason, /^stop not run \(refusing .*writable by group and others.*\); the script never ran here/);
  });
  // The same script, started for real, then refused: its stop fails (it may hold the address).
  assert.equal((await fresh.run(spec, 'start', long)).outcome, 'ok');
  assert.equal((await whileWritable(spec.path, () => fresh.run(spec, 'stop', long))).outcome, 'not-installed');
  // Stopped for real: a later refusal is harmless again; a status that says "running" is not.
  assert.equal((await fresh.run(spec, 'stop', long)).outcome, 'ok');
  assert.equal((await whileWritable(spec.path, () => fresh.run(spec, 'stop', long))).outcome, 'ok');
  const running = scripts.spec('hb-status', ['running']);
  assert.equal((await fresh.run(running, 'status', long)).outcome, 'ok');
  const refused = await whileWritable(running.path, () => fresh.run(running, 'stop', long));
  assert.equal(refused.outcome, 'not-installed', 'found running at status: its stop must run');
});
