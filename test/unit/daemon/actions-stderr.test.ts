// A failing resource script or hook is logged at warning level with the end of its stderr;
// successes and "not running" answers are not; hostile stderr (huge, control characters, blank)
// stays one bounded, parseable line. Fake runner, captured log; then one real failing fixture
// script through the real runner (temp copy).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createWorldActions, stderrTail } from '../../../src/daemon/actions.js';
import { createLogger } from '../../../src/daemon/logger.js';
import type { Config, ResourceSpec } from '../../../src/config/types.js';
import { ScriptRunner } from '../../../src/resources/runner.js';
import { copyScripts } from '../../support/scripts.js';
import type { ScriptResult } from '../../../src/resources/result.js';

const spec: ResourceSpec = { id: 'Dummy::web', script: 'Dummy', args: [], path: '/x/Dummy', class: 'heartbeat' } as unknown as ResourceSpec;
const config = {
  groups: [{ owner: 'alpha', key: 'Dummy::web', resources: [spec] }],
  ext: { monitors: {}, hooks: { fence: '/etc/ha.d/fence' }, startTimeoutMs: 1000, stopTimeoutMs: 1000, statusTimeoutMs: 1000, arpCount: 1, arpIntervalMs: 1, dadTimeoutMs: 1 },
} as unknown as Config;

function run(result: Partial<ScriptResult>): Promise<string[]> {
  const full: ScriptResult = { outcome: 'ok', exitCode: 0, signal: null, durationMs: 1, reason: '', stdout: '', stderr: '', ...result };
  const runner = { run: async () => full, runHook: async () => full } as unknown as ScriptRunner;
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  const log = createLogger({ stdout: out });
  const actions = createWorldActions({ config: () => config, runner, stateFile: '/nonexistent/state', log });
  return (async () => {
    await actions.runResource(0, 'Dummy::web', 'start');
    await actions.runHook('fence', {});
    await log.close();
    return text.split('\n').filter((l) => l.startsWith('WARN'));
  })();
}

test('a failed start and a failed hook: warning with outcome, exit and the stderr tail', async () => {
  const lines = await run({ outcome: 'failed', exitCode: 1, reason: 'exit 1', stderr: 'line 1\nline 2\n\nip: RTNETLINK answers: File exists\n' });
  assert.equal(lines.length, 2, lines.join('\n'));
  assert.match(lines[0]!, /^WARN event=script-failed component=resources resource=Dummy::web action=start outcome=failed exit=1 stderr="line 1 \| line 2 \| ip: RTNETLINK answers: File exists" msg="Dummy::web start: failed \(exit 1\): exit 1; stderr: line 1/);
  assert.match(lines[1]!, /^WARN event=script-failed component=resources hook=fence path=\/etc\/ha\.d\/fence outcome=failed/);
});

test('a timeout names the signal; success and not-running are not warnings', async () => {
  const timedOut = await run({ outcome: 'timed-out', exitCode: null, signal: 'SIGKILL', reason: 'timed out after 1000 ms', stderr: '' });
  assert.match(timedOut[0]!, /outcome=timed-out exit=SIGKILL msg="Dummy::web start: timed-out \(exit SIGKILL\): timed out after 1000 ms"$/);
  assert.deepEqual(await run({ outcome: 'ok', stderr: 'noise on stderr' }), []);
  assert.deepEqual(await run({ outcome: 'not-running', exitCode: 3, stderr: 'stopped' }), []);
});

test('hostile stderr: bounded, last lines kept, control characters escaped', async () => {
  const huge = `${'x'.repeat(100_000)}\n`.repeat(3);
  const tail = stderrTail(huge);
  assert.ok(tail.length <= 403, String(tail.length));
  assert.ok(tail.startsWith('...'));
  assert.equal(stderrTail(Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n')), 'l15 | l16 | l17 | l18 | l19');
  assert.equal(stderrTail('\n\n  \r\n'), '');
  const lines = await run({ outcome: 'failed', exitCode: 2, stderr: 'bad\u001b[31m red\u0000 "quoted" key=value\n' });
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /stderr="bad\\u001b\[31m red\\u0000 \\"quoted\\" key=value"/);
  assert.ok(!lines[0]!.includes('\u001b'), 'no raw escape reaches the log');
});

test('a real script that fails: the runner captures its stderr and the warning carries the tail', async (t) => {
  const scripts = copyScripts();
  t.after(() => scripts.remove());
  const real = { ...scripts.spec('exit-code', ['3']), id: 'exit-code::3' } as ResourceSpec;
  const realConfig = { ...config, groups: [{ owner: 'alpha', key: real.id, resources: [real] }] } as unknown as Config;
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  const log = createLogger({ stdout: out });
  const actions = createWorldActions({ config: () => realConfig, runner: new ScriptRunner({ killGraceMs: 500, stdioGraceMs: 300 }), stateFile: '/nonexistent/state', log });
  const result = await actions.runResource(0, real.id, 'start');
  await log.close();
  assert.equal(result.outcome, 'failed');
  const warnings = text.split('\n').filter((l) => l.startsWith('WARN event=script-failed'));
  assert.equal(warnings.length, 1, text);
  assert.match(warnings[0]!, / action=start outcome=failed exit=3 stderr="some diagnostic \| ocf-exit-reason:an earlier reason \| ocf-exit-reason:exiting with 3" /);
});
