// A child process for the descriptor-exhaustion tests: once its modules are loaded it lowers its
// own open-files limit to 64 (`prlimit --pid`), opens /dev/null until EMFILE, then does what the
// mode says and prints one JSON line per result. The limit is lowered only after loading because
// Node's ESM loader reads a module graph with many files open at once: started under 64, a cold
// disk made loading execa itself fail with EMFILE (CI, stop 20), which tested nothing of ours. An uncaught exception ends it non-zero with the stack on stderr,
// which is what the tests check against.
//   runner-reserve    runner created before the exhaustion: its reserve must still spawn scripts
//   runner-exhausted  no reserve left: a spawn is a failed result, never a throw or a crash
//   metrics-accept    a metrics server at EMFILE keeps running; "release\n" on stdin frees descriptors
import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ScriptRunner } from '../../src/resources/runner.js';
import { DescriptorReserve } from '../../src/resources/descriptor-reserve.js';
import { startMetricsServer } from '../../src/daemon/metrics.js';

const NOFILE_LIMIT = 64;
const lowered = spawnSync('prlimit', ['--pid', String(process.pid), `--nofile=${NOFILE_LIMIT}:${NOFILE_LIMIT}`], { encoding: 'utf8' });
if (lowered.status !== 0) throw new Error(`prlimit --pid failed: ${lowered.stderr || lowered.error?.message}`);

const held: number[] = [];
function exhaust(): number {
  try {
    for (;;) held.push(openSync('/dev/null', 'r'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EMFILE') throw err;
  }
  return held.length;
}
const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

const [mode, script = '/bin/true'] = process.argv.slice(2);
switch (mode) {
  case 'runner-reserve': {
    const runner = new ScriptRunner({ checkSafety: false });
    print({ exhaustedAfter: exhaust() });
    for (let i = 0; i < 5; i++) {
      const r = await runner.runHook(script, {}, 5000);
      print({ outcome: r.outcome, reason: r.reason });
    }
    break;
  }
  case 'runner-exhausted': {
    print({ exhaustedAfter: exhaust() });
    const runner = new ScriptRunner({ checkSafety: false, reserve: new DescriptorReserve() });
    const r = await runner.runHook(script, {}, 5000);
    print({ outcome: r.outcome, reason: r.reason });
    break;
  }
  case 'metrics-accept': {
    const errors: string[] = [];
    const server = await startMetricsServer({ port: 0, render: () => 'twinbeat_up 1\n', onError: (e) => errors.push(e.message) });
    print({ port: server.port, exhaustedAfter: exhaust() });
    for await (const line of createInterface({ input: process.stdin })) {
      if (line !== 'release') continue;
      for (const fd of held.splice(0, 20)) closeSync(fd);
      print({ released: true, errors: errors.slice(0, 3), errorCount: errors.length });
    }
    await server.close();
    break;
  }
  default:
    throw new Error(`unknown mode ${mode}`);
}
