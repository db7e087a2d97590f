// src/daemon/notify.ts: keepalived's positional arguments from the core's environment, and which
// scripts one transition notification runs, in which order, with which result (fake runner).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { keepalivedArgs, notRun, ran, runTransition } from '../../../src/daemon/notify.js';
import { createLogger } from '../../../src/daemon/logger.js';
import type { ScriptRunner } from '../../../src/resources/runner.js';
import type { ScriptResult } from '../../../src/resources/result.js';

const result = (outcome: ScriptResult['outcome'], exitCode: number | null, durationMs = 5): ScriptResult => ({ outcome, exitCode, signal: null, durationMs, reason: outcome === 'ok' ? '' : `hook ${outcome}`, stdout: '', stderr: '' });

function runner(outcomes: Record<string, ScriptResult>, calls: string[]): ScriptRunner {
  return {
    runHook: async (path: string, env: Record<string, string>, timeoutMs: number, args: string[] = []) => {
      calls.push(`${path} ${args.join(' ')} ${timeoutMs} ${env['TWINBEAT_STATE']}`);
      return outcomes[path] ?? result('ok', 0);
    },
  } as unknown as ScriptRunner;
}

const env = { TWINBEAT_TYPE: 'group', TWINBEAT_NAME: 'IPaddr::10.0.0.1', TWINBEAT_STATE: 'FAULT', TWINBEAT_PRIORITY: '100' };

test('keepalived arguments: INSTANCE for a group, GROUP for the node; missing values stay empty, never shift', () => {
  assert.deepEqual(keepalivedArgs(env), ['INSTANCE', 'IPaddr::10.0.0.1', 'FAULT', '100']);
  assert.deepEqual(keepalivedArgs({ ...env, TWINBEAT_TYPE: 'node', TWINBEAT_NAME: 'alpha' }), ['GROUP', 'alpha', 'FAULT', '100']);
  assert.deepEqual(keepalivedArgs({}), ['INSTANCE', '', '', '']);
});

test('the state script runs first, then the generic one; a failure is the result but the generic one still runs', async () => {
  const calls: string[] = [];
  const out = new PassThrough();
  let text = '';
  out.on('data', (b: Buffer) => (text += b.toString()));
  const deps = { runner: runner({ '/h/fault': result('failed', 3, 7) }, calls), hooks: { fault: '/h/fault', notify: '/h/notify', master: '/h/master' }, timeoutMs: 1234, log: createLogger({ stdout: out }) };
  const r = await runTransition(deps, 'fault', env);
  assert.deepEqual(calls, ['/h/fault INSTANCE IPaddr::10.0.0.1 FAULT 100 1234 FAULT', '/h/notify INSTANCE IPaddr::10.0.0.1 FAULT 100 1234 FAULT']);
  assert.equal(r.outcome, 'failed');
  assert.equal(r.durationMs, 12, 'both runs count');
  assert.match(text, /event=notify-failed/);
  assert.equal(text.match(/event=notify-run/g)?.length, 2);
});

test('only what is configured runs; nothing configured is no run (not counted in the metrics)', async () => {
  const calls: string[] = [];
  const log = createLogger({ stdout: new PassThrough() });
  await runTransition({ runner: runner({}, calls), hooks: { notify: '/h/notify' }, timeoutMs: 1, log }, 'stop', { ...env, TWINBEAT_STATE: 'STOP' });
  assert.deepEqual(calls, ['/h/notify INSTANCE IPaddr::10.0.0.1 STOP 100 1 STOP']);
  const none = await runTransition({ runner: runner({}, calls), hooks: { fence: '/h/fence' }, timeoutMs: 1, log }, 'master', env);
  assert.equal(none.outcome, 'ok');
  assert.equal(ran(none), false);
  assert.equal(ran(notRun('x')), false);
  assert.equal(ran(result('ok', 0)), true);
  assert.equal(ran(result('timed-out', null)), true);
  assert.equal(calls.length, 1, 'the fence hook is never run for a notification');
});
