// The lab's run(): how a command ended is told apart (its own exit, a signal, our timeout), so a
// root test that fails says whether the command answered or the harness gave up on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeEnd, run } from '../../../scripts/lab/process.js';

test('run: a command killed at its timeout is marked timedOut and said so', async () => {
  const r = await run(['sleep', '5'], { allowFail: true, timeoutMs: 100 });
  assert.deepEqual([r.code, r.signal, r.timedOut], [128, 'SIGKILL', true]);
  assert.equal(describeEnd(r, 100), 'killed at its 100 ms timeout');
  await assert.rejects(run(['sleep', '5'], { timeoutMs: 100 }), /sleep 5: killed at its 100 ms timeout/);
});

test('run: its own exit code and a signal from elsewhere are not a timeout', async () => {
  const exited = await run(['sh', '-c', 'exit 3'], { allowFail: true });
  assert.deepEqual([exited.code, exited.timedOut, describeEnd(exited, 15_000)], [3, undefined, 'exit 3']);
  const killed = await run(['sh', '-c', 'kill -TERM $$'], { allowFail: true });
  assert.deepEqual([killed.code, killed.signal, killed.timedOut, describeEnd(killed, 15_000)], [128, 'SIGTERM', undefined, 'killed by SIGTERM']);
});
