// ScriptRunner.gatedStart (src/resources/runner.ts) on a stand-in script (test/fixtures/scripts/
// gated, the protocol of resources.d/IPaddr gated-start): the verdict line, `go` releasing the
// start, and every other ending closing stdin so the script adds nothing — cancel, the expiry,
// a second go, a script that said in-use, garbage and oversize lines on stdout, a script gone
// before go. Runs only the fixture, in a temp directory it removes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScriptRunner, type GatedStartOptions } from '../../../src/resources/runner.js';
import { copyScripts, isRunning, killQuietly, waitGone, type ScriptDir } from '../../support/scripts.js';

let scripts: ScriptDir;
let dir: string;
before(() => {
  scripts = copyScripts();
  dir = mkdtempSync(join(tmpdir(), 'tb-gated-'));
});
after(() => {
  scripts.remove();
  rmSync(dir, { recursive: true, force: true });
});

const runner = new ScriptRunner({ killGraceMs: 500, stdioGraceMs: 300 });
const opts: GatedStartOptions = { env: {}, probeTimeoutMs: 30_000, maxWaitMs: 30_000, startTimeoutMs: 30_000 };
let n = 0;

function arm(mode: string, options: Partial<GatedStartOptions> = {}) {
  const marker = join(dir, `marker-${++n}`);
  const gate = runner.gatedStart(scripts.spec('gated', [mode, marker]), { ...opts, ...options });
  const lines = () => {
    try {
      return readFileSync(marker, 'utf8').trim().split('\n');
    } catch {
      return [];
    }
  };
  return { gate, lines, pid: () => Number(/^pid (\d+)/.exec(lines()[0] ?? '')?.[1]) };
}

test('free, then go: the start runs and its result comes back; TB_GATE_MS is the max wait', async () => {
  const a = arm('free', { maxWaitMs: 25_000 });
  assert.equal(await a.gate.verdict, true);
  await new Promise((r) => setTimeout(r, 600)); // spawn to go: 600 ms or more
  const goAt = performance.now();
  const result = await a.gate.go();
  // Counted from the spawn it would be at least 600 ms longer than go took; however long the
  // script itself takes on a loaded machine, counted from go it is at most what go took.
  const goTook = performance.now() - goAt;
  assert.ok(result !== null && result.durationMs <= goTook + 1, `the start's duration counts from go, not from the spawn: ${result?.durationMs} ms, go took ${goTook.toFixed(1)} ms`);
  assert.equal(result?.outcome, 'ok', result?.reason);
  assert.deepEqual(a.lines().slice(1), ['added']);
  assert.match(a.lines()[0]!, / gate 25000$/);
  assert.equal(await a.gate.go(), null, 'one go only');
});

test('cancel closes stdin: the script ends with nothing added, and a later go is refused', async () => {
  const a = arm('free');
  assert.equal(await a.gate.verdict, true);
  await a.gate.cancel();
  assert.deepEqual(a.lines().slice(1), ['closed eof']);
  assert.equal(await a.gate.go(), null);
  assert.deepEqual(a.lines().slice(1), ['closed eof'], 'still nothing added');
});

test('the expiry (maxWaitMs from the spawn) closes stdin by itself; go afterwards is refused', { timeout: 30_000 }, async () => {
  const a = arm('free', { maxWaitMs: 300 });
  const t0 = Date.now();
  assert.equal(await a.gate.verdict, true);
  assert.equal(await waitGone([a.pid()], 10_000), true, 'the script ended');
  assert.ok(Date.now() - t0 >= 250, 'not before its max wait');
  assert.deepEqual(a.lines().slice(1), ['closed eof']);
  assert.equal(await a.gate.go(), null);
});

test('in-use is not free: go is refused, nothing added', async () => {
  const a = arm('in-use');
  assert.equal(await a.gate.verdict, false);
  assert.equal(await a.gate.go(), null);
  assert.deepEqual(a.lines().slice(1), []);
});

test('garbage on stdout: only an exact `tb-gate: free` line is free; an oversize line never is', { timeout: 30_000 }, async () => {
  const noisy = arm('noise');
  assert.equal(await noisy.gate.verdict, true, 'the exact line after the noise counts');
  await noisy.gate.cancel();
  const big = arm('oversize');
  const early = await Promise.race([big.gate.verdict, new Promise((r) => setTimeout(() => r('pending'), 1000))]);
  assert.equal(early, 'pending', 'the verdict text at the end of a 100 kB line is not a verdict');
  assert.equal(await big.gate.go(), null, 'no verdict yet: go releases nothing');
  await big.gate.cancel();
  assert.equal(await big.gate.verdict, false);
  assert.deepEqual(big.lines().slice(1), ['closed eof']);
});

test('a start that fails after go is the start failing (not a closed gate)', async () => {
  const a = arm('fail-after-go');
  assert.equal(await a.gate.verdict, true);
  const result = await a.gate.go();
  assert.equal(result?.outcome, 'failed');
  assert.equal(result?.reason, 'ip addr add failed');
});

test('a script killed before go: not released, go returns null so the caller starts the usual way', async () => {
  const a = arm('free');
  assert.equal(await a.gate.verdict, true);
  killQuietly(a.pid());
  assert.equal(await waitGone([a.pid()]), true);
  assert.equal(await a.gate.go(), null);
  assert.equal(a.lines().includes('added'), false);
});

test('before go the probe part is bounded: a script that never answers is killed after probe timeout + max wait', { timeout: 30_000 }, async () => {
  // `hang` (fixture) ignores stdin and never prints a verdict.
  const pidfile = join(dir, 'hang-pids');
  const gate = runner.gatedStart(scripts.spec('hang', []), { ...opts, env: { TB_TEST_PIDFILE: pidfile }, probeTimeoutMs: 200, maxWaitMs: 200 });
  const t0 = Date.now();
  assert.equal(await gate.verdict, false);
  assert.ok(Date.now() - t0 < 10_000);
  const pids = readFileSync(pidfile, 'utf8').trim().split(' ').map(Number);
  assert.equal(await waitGone(pids), true, 'the script and its child were killed');
  assert.equal(pids.some(isRunning), false);
});
