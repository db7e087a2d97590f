// A daemon stopped gracefully (SIGTERM) while it holds an armed start (issue 13: IPaddr
// `gated-start` spawned at warntime, probe done, waiting on stdin for `go`): the stop closes it
// (actions.disarm() in main.ts cleanup) and waits for it to end before the daemon exits, so the
// daemon leaves no script behind and the floating address is not added.
// What this proves beyond "nothing added": a daemon that simply exited would close the script's
// stdin too (end of input adds nothing, test/integration/ipaddr-gated.test.ts), but would leave
// the script running after the daemon is gone. To see the difference without racing the
// script's own exit, the test freezes the armed start (SIGSTOP) before the SIGTERM: the daemon
// must still be running, its stop logged, until the script is let go (SIGCONT) and has exited.
// In the two-node lab (namespaces prefixed h14g, removed afterwards, also on failure); alpha is
// powered off so that bravo suspects it and finds its address free.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { Lab } from '../../scripts/lab/lab.js';
import { rootSkipReason } from '../../scripts/lab/netns.js';
import { childExited, sleep, uniquePrefix, waitFor } from '../../scripts/lab/process.js';
import { groupMembers } from '../../src/resources/runner.js';
import { procState } from '../support/processes.js';

// Warntime 1 s puts the pre-probe (and so the armed start) out a second after alpha goes silent;
// deadtime 10 s leaves bravo's takeover — which would release the armed start with `go` — far
// behind the SIGTERM. The armed start's own expiry is two deadtimes (20 s): not what ends it here.
const TIMING = { keepalive: '200ms', warntime: '1', deadtime: '10', initdead: '20' };
/** How long the daemon must be seen waiting for its frozen armed start. */
const HOLD_MS = 1_500;

/** The `gated-start` scripts `parent` spawned (their cmdline ends with that action), from /proc. */
function gatedStartsOf(parent: number): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean);
      const ppid = Number(/^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${name}/status`, 'utf8'))?.[1]);
      if (ppid === parent && argv.at(-1) === 'gated-start') found.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

test('SIGTERM while armed: the stop closes the armed start and waits for it; no script left, nothing added', { skip: rootSkipReason, timeout: 120_000 }, async (t) => {
  const lab = await Lab.create({ prefix: uniquePrefix('h14g'), ...TIMING, extraHaCf: ['debug 1'] });
  let frozen = 0;
  t.after(async () => {
    if (frozen > 0) {
      try {
        process.kill(frozen, 'SIGCONT');
      } catch {
        // already gone
      }
    }
    await lab.destroy();
  });
  await lab.startCluster();
  await lab.powerOff('alpha');
  const bravo = lab.daemon('bravo')!;

  // The armed start said free (debug log, actions.ts) and is now waiting on stdin for `go`.
  await waitFor('bravo armed a start that found the address free', () => /event=dad-probe .*\(armed start\): no reply/.test(lab.daemonLog('bravo')), 8_000);
  const armed = gatedStartsOf(bravo.pid!);
  assert.equal(armed.length, 1, `one armed start, a child of bravo's daemon: ${armed.join(', ')}`);
  const script = armed[0]!;
  assert.deepEqual(groupMembers(script), [script], 'the armed start leads its own process group, alone (arping is done)');
  assert.doesNotMatch(lab.daemonLog('bravo'), /event=takeover-start /, 'bravo has not started its takeover');

  process.kill(script, 'SIGSTOP');
  frozen = script;
  bravo.kill('SIGTERM');
  await waitFor('bravo logs its stop', () => /event=daemon-stopped /.test(lab.daemonLog('bravo')), 10_000);
  await sleep(HOLD_MS);
  assert.equal(bravo.exitCode, null, `bravo's stop waits for its armed start (still running ${HOLD_MS} ms after daemon-stopped)`);
  assert.equal(procState(script), 'T', 'the armed start is still frozen, not killed');

  process.kill(script, 'SIGCONT');
  frozen = 0;
  await Promise.race([childExited(bravo), sleep(10_000).then(() => assert.fail(`bravo did not exit after its armed start was let go\n${lab.logTails()}`))]);
  // Checked the moment the daemon is gone: the stop itself reaped the script and its group.
  assert.equal(procState(script), null, 'the armed start has exited (and was reaped) before the daemon did');
  assert.deepEqual(groupMembers(script), [], 'nothing left in the script\'s process group');
  assert.equal(bravo.exitCode, 0, `graceful stop\n${lab.logTails()}`);
  assert.deepEqual(await lab.holders(), [], 'the floating address was not added on bravo');
  assert.doesNotMatch(lab.daemonLog('bravo'), /event=takeover-start /, 'bravo never started a takeover');
});
