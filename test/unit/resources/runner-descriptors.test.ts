// Spawning at the open-files limit (issue 12, hole 5): child processes that lower their own
// open-files limit to 64 (test/support/descriptor-exhaustion.ts) open descriptors until EMFILE, then spawn scripts and serve metrics.
// On b0d4108 a spawn there threw inside execa and its lost child's error event crashed the
// process (uncaught "spawn /bin/true EMFILE"); an accept error crashed the metrics server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScriptRunner } from '../../../src/resources/runner.js';
import { connect } from 'node:net';

const child = join(fileURLToPath(new URL('.', import.meta.url)), '../../support/descriptor-exhaustion.js');
function runChild(mode: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [child, mode, ...args], { encoding: 'utf8', timeout: 30_000 });
  const lines = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { status: r.status, stderr: r.stderr, lines };
}

test('at EMFILE the runner spawns from its descriptor reserve: a takeover still runs its scripts', { timeout: 60_000 }, () => {
  const r = runChild('runner-reserve');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  const opened = Number(r.lines[0]!['exhaustedAfter']);
  assert.ok(opened > 10 && opened < 64, `the child really ran out of descriptors under its limit of 64 (opened ${opened})`);
  assert.deepEqual(r.lines.slice(1).map((l) => l['outcome']), ['ok', 'ok', 'ok', 'ok', 'ok']);
});

test('at EMFILE with no reserve a spawn is a failed result naming EMFILE, never a throw or a crash', { timeout: 60_000 }, () => {
  const r = runChild('runner-exhausted');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', 'no uncaught exception');
  assert.ok(Number(r.lines[0]!['exhaustedAfter']) < 64, 'the child ran out of descriptors under its limit of 64');
  assert.equal(r.lines[1]!['outcome'], 'failed');
  assert.match(String(r.lines[1]!['reason']), /hook: cannot run \/bin\/true: EMFILE: too many open files/);
});

test('a command path that does not exist (no safety check) is a result, not a throw', async () => {
  const r = await new ScriptRunner({ checkSafety: false }).runHook('/nonexistent/twinbeat/fence', {}, 5000);
  assert.equal(r.outcome, 'not-installed');
  assert.match(r.reason, /cannot run \/nonexistent\/twinbeat\/fence: ENOENT/);
});

test('a metrics server at EMFILE keeps running and serves once descriptors are free', { timeout: 60_000 }, async () => {
  const proc = spawn(process.execPath, [child, 'metrics-accept'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const lines: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  let pending = '';
  proc.stdout.on('data', (c: Buffer) => {
    pending += c.toString();
    for (let i = pending.indexOf('\n'); i >= 0; i = pending.indexOf('\n')) {
      lines.push(JSON.parse(pending.slice(0, i)) as Record<string, unknown>);
      pending = pending.slice(i + 1);
      waiters.splice(0).forEach((w) => w());
    }
  });
  const nextLine = async (n: number) => {
    while (lines.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
    return lines[n - 1]!;
  };
  try {
    const port = Number((await nextLine(1))['port']);
    const sockets = Array.from({ length: 30 }, () => connect(port, '127.0.0.1').on('error', () => {}));
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(proc.exitCode, null, `the server process died: ${stderr}`);
    sockets.forEach((s) => s.destroy());
    proc.stdin.write('release\n');
    const released = await nextLine(2);
    // libuv sheds connections it cannot accept (its own reserve descriptor); whatever still
    // surfaces as an accept error goes to onError, never to an uncaught exception.
    for (const e of released['errors'] as string[]) assert.match(e, /EMFILE|ENFILE|connections open/);
    const scrape = await fetch(`http://127.0.0.1:${port}/metrics`);
    assert.equal(await scrape.text(), 'twinbeat_up 1\n');
  } finally {
    proc.stdin.end();
    await new Promise((resolve) => (proc.exitCode !== null ? resolve(null) : proc.once('exit', resolve)));
  }
  assert.equal(proc.exitCode, 0, stderr);
  assert.equal(stderr, '');
});
