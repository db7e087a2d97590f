// Run by test/integration/ipaddr-gated.test.ts inside a network namespace, as the daemon would:
// arms one gated start of an address script with the daemon's ScriptRunner, prints
// `verdict free|not-free` and `pid N` (the script's process), then waits to be killed — the test
// SIGKILLs it to prove a daemon dying while armed adds nothing (the script reads end of input).
// argv: SCRIPT_PATH ARG RUN_DIR. Touches nothing itself; the script touches what IPaddr does.
import { readdirSync, readFileSync } from 'node:fs';
import type { ResourceSpec } from '../../src/config/types.js';
import { ScriptRunner } from '../../src/resources/runner.js';

const [path, arg, runDir] = process.argv.slice(2) as [string, string, string];
const spec = { id: `IPaddr::${arg}`, script: 'IPaddr', args: [arg], path, class: 'heartbeat' } as ResourceSpec;
const gate = new ScriptRunner().gatedStart(spec, {
  env: { TB_RUN_DIR: runDir, TB_DAD_MS: '50', TB_ARP_COUNT: '1' },
  probeTimeoutMs: 30_000,
  maxWaitMs: 60_000,
  startTimeoutMs: 30_000,
});

/** The pid of our child running `PATH ARG gated-start` (read from /proc). */
function scriptPid(): number | undefined {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (argv.includes(path) && argv.includes('gated-start')) return Number(name);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

void gate.verdict.then((free) => process.stdout.write(`verdict ${free ? 'free' : 'not-free'}\npid ${scriptPid() ?? 0}\n`));
setInterval(() => undefined, 60_000);
