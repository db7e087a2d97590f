// Start-up reclaim against real scripts (Dummy and a fixture whose stop fails) run by the real
// ScriptRunner: what a daemon killed with -9 left running is stopped before the core starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { reclaimAtStartup, ReclaimError } from '../../../src/daemon/reclaim.js';
import { createLogger } from '../../../src/daemon/logger.js';
import { ScriptRunner } from '../../../src/resources/runner.js';
import type { Config, ResourceSpec } from '../../../src/config/types.js';
import { copyScripts } from '../../support/scripts.js';

function setup(t: { after: (fn: () => void) => void }) {
  const scripts = copyScripts();
  const run = mkdtempSync(join(tmpdir(), 'tb10-reclaim-'));
  t.after(() => {
    scripts.remove();
    rmSync(run, { recursive: true, force: true });
  });
  const out = new PassThrough();
  let logText = '';
  out.on('data', (chunk: Buffer) => (logText += chunk.toString()));
  const log = createLogger({ stdout: out });
  const real = new ScriptRunner();
  const calls: string[] = [];
  // The real runner, recording the order of the calls; TB_RUN_DIR keeps Dummy's state here.
  const runner = {
    run: (spec: ResourceSpec, action: Parameters<ScriptRunner['run']>[1], opts: Parameters<ScriptRunner['run']>[2]) => {
      calls.push(`${spec.id} ${action}`);
      return real.run(spec, action, { ...opts, env: { ...opts.env, TB_RUN_DIR: run } });
    },
  };
  const running = (name: string) => existsSync(join(run, `Dummy-${name}.state`));
  const leaveRunning = (name: string) => {
    mkdirSync(run, { recursive: true });
    writeFileSync(join(run, `Dummy-${name}.state`), 'left by a killed daemon\n');
  };
  return { scripts, run, log, runner, calls, running, leaveRunning, logged: async () => (await log.close(), logText) };
}

function configOf(groups: ResourceSpec[][]): Config {
  return {
    groups: groups.map((resources) => ({ owner: 'alpha', key: resources[0]!.id, resources, origin: 'default' })),
    ext: { monitors: {}, startTimeoutMs: 10_000, stopTimeoutMs: 10_000, statusTimeoutMs: 10_000, arpCount: 0, arpIntervalMs: 200, dadTimeoutMs: 0 },
  } as unknown as Config;
}

test('leftover resources are stopped in reverse haresources order; stopped ones are left alone', { timeout: 60_000 }, async (t) => {
  const s = setup(t);
  const [a, b, c] = ['a', 'b', 'c'].map((n) => s.scripts.spec('Dummy', [n]));
  s.leaveRunning('a');
  s.leaveRunning('c');
  const stopped = await reclaimAtStartup({ config: configOf([[a!, b!], [c!]]), runner: s.runner, log: s.log });

  assert.deepEqual(stopped, ['Dummy::c', 'Dummy::a']);
  assert.deepEqual(s.calls, ['Dummy::c status', 'Dummy::c stop', 'Dummy::b status', 'Dummy::a status', 'Dummy::a stop']);
  assert.equal(s.running('a') || s.running('c'), false, 'both leftovers are stopped');
  const log = await s.logged();
  assert.match(log, /WARN event=startup-reclaim component=daemon resource=Dummy::c /);
  assert.match(log, /WARN event=startup-reclaim component=daemon resource=Dummy::a /);
  assert.doesNotMatch(log, /resource=Dummy::b/);
});

test('nothing running: only status is asked, nothing stopped', { timeout: 60_000 }, async (t) => {
  const s = setup(t);
  const stopped = await reclaimAtStartup({ config: configOf([[s.scripts.spec('Dummy', ['x'])]]), runner: s.runner, log: s.log });
  assert.deepEqual(stopped, []);
  assert.deepEqual(s.calls, ['Dummy::x status']);
});

test('a stop that fails refuses start-up naming the resource, and goes no further', { timeout: 60_000 }, async (t) => {
  const s = setup(t);
  s.leaveRunning('first');
  const first = s.scripts.spec('Dummy', ['first']);
  const stuck = s.scripts.spec('exit-by-action', ['monitor=0', 'stop=1'], 'ocf');
  await assert.rejects(
    reclaimAtStartup({ config: configOf([[first], [stuck]]), runner: s.runner, log: s.log }),
    (err: unknown) => {
      assert.ok(err instanceof ReclaimError);
      assert.equal(err.resourceId, 'exit-by-action::monitor=0::stop=1');
      assert.match(err.message, /cannot stop exit-by-action::monitor=0::stop=1, .*stop exits 1.*refusing to start/);
      return true;
    },
  );
  assert.deepEqual(s.calls, ['exit-by-action::monitor=0::stop=1 status', 'exit-by-action::monitor=0::stop=1 stop']);
  assert.equal(s.running('first'), true, 'groups after the failure are not touched');
  assert.match(await s.logged(), /ERROR event=startup-reclaim-failed component=daemon resource="exit-by-action::monitor=0::stop=1"/);
});

test('a status that cannot be told is stopped as a precaution; a missing script is skipped with a warning', { timeout: 60_000 }, async (t) => {
  const s = setup(t);
  // OCF monitor exit 1 is a generic error: running or not cannot be told.
  const unknown = s.scripts.spec('exit-by-action', ['monitor=1'], 'ocf');
  const missing: ResourceSpec = { id: 'Nope::x', script: 'Nope', args: ['x'], path: join(s.scripts.dir, 'Nope'), class: 'heartbeat' };
  const stopped = await reclaimAtStartup({ config: configOf([[unknown], [missing]]), runner: s.runner, log: s.log });
  assert.deepEqual(stopped, ['exit-by-action::monitor=1']);
  assert.deepEqual(s.calls, ['Nope::x status', 'exit-by-action::monitor=1 status', 'exit-by-action::monitor=1 stop']);
  const log = await s.logged();
  assert.match(log, /event=startup-reclaim component=daemon resource="exit-by-action::monitor=1" msg=".*status unknown/);
  assert.match(log, /WARN event=startup-reclaim-skipped component=daemon resource=Nope::x/);
});
