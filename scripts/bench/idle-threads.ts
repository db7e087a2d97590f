// Where a daemon's idle CPU goes, per thread: runs one system's pair in the lab (as the bench
// does: 100 ms / 500 ms by default, serial unthrottled or paced), waits out the start-up, then
// reads /proc/PID/task/TID/schedstat of every thread of each node's process tree before and after
// the window: CPU time and how often each thread was scheduled (wake-ups). With --cpu-prof the
// twinbeat daemons also write a V8 CPU profile to --prof-dir when they stop.
//
//   flock /tmp/twinbeat-timing.lock node dist/scripts/bench/idle-threads.js \
//     [--system twinbeat|heartbeat|keepalived] [--baud 0|19200] [--seconds 30] [--timing 100/500] \
//     [--cpu-prof --prof-dir DIR] [--node-flags '--lite-mode ...']
//
// Needs root (the lab). Prints one line per thread and a total per node on stdout.
import { readFileSync, readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { NODES, type NodeName } from '../lab/lab-config.js';
import { sleep } from '../lab/process.js';
import { benchToolReady } from '../lab/preflight.js';
import { BenchPair } from './pair.js';
import { processTree, treeRssMb } from './proc-tree.js';
import { SYSTEMS, twinbeat, twinbeatWithNodeFlags } from './systems.js';
import { NODE_FLAGS } from '../../src/cli/node-flags.js';
import { parseTiming, timingLabel } from './timing.js';

const WARMUP_MS = 5_000;

interface ThreadSample {
  name: string;
  /** CPU time, ns, and times scheduled onto a CPU. */
  cpuNs: number;
  runs: number;
}

/** Every thread of every process in root's tree, keyed `pid/tid`. */
export function threadSamples(root: number): Map<string, ThreadSample> {
  const out = new Map<string, ThreadSample>();
  for (const pid of processTree(root)) {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // exited meanwhile
    }
    for (const tid of tids) {
      try {
        const [cpuNs, , runs] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').trim().split(' ').map(Number);
        const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
        out.set(`${pid}/${tid}`, { name, cpuNs: cpuNs ?? 0, runs: runs ?? 0 });
      } catch {
        // exited meanwhile
      }
    }
  }
  return out;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      system: { type: 'string', default: 'twinbeat' },
      baud: { type: 'string', default: '0' },
      seconds: { type: 'string', default: '30' },
      timing: { type: 'string', default: '100/500' },
      'cpu-prof': { type: 'boolean', default: false },
      'prof-dir': { type: 'string', default: '/tmp/twinbeat-cpu-prof' },
      /** twinbeat's node flags instead of NODE_FLAGS, space-separated ('' for none). */
      'node-flags': { type: 'string' },
    },
  });
  if (!benchToolReady('idle-threads')) return 2;
  const found = SYSTEMS.find((s) => s.name === values.system);
  if (!found) throw new Error(`unknown system ${values.system}`);
  const flags = values['node-flags'] === undefined ? [...NODE_FLAGS] : values['node-flags'].split(' ').filter((f) => f !== '');
  if (values['cpu-prof']) flags.push('--cpu-prof', '--cpu-prof-interval=1000', `--cpu-prof-dir=${values['prof-dir']}`);
  const system = found === twinbeat && (values['cpu-prof'] || values['node-flags'] !== undefined) ? twinbeatWithNodeFlags(flags) : found;
  const timing = parseTiming('', values.timing ?? '100/500');
  timing.label = timingLabel(timing);
  const seconds = Number(values.seconds);
  const pair = await BenchPair.create({ system, timing, baud: Number(values.baud) });
  try {
    for (const node of NODES) pair.start(node);
    await pair.waitForAlpha();
    await sleep(WARMUP_MS);
    const roots = NODES.map((node) => pair.daemonPid(node) ?? -1);
    const before = roots.map(threadSamples);
    const relayBefore = pair.cable.stats();
    const started = Date.now();
    await sleep(seconds * 1000);
    const wall = (Date.now() - started) / 1000;
    const after = roots.map(threadSamples);
    const relayAfter = pair.cable.stats();
    const rss = roots.map(treeRssMb);
    process.stdout.write(`${system.name} at ${timing.label}, serial ${values.baud === '0' ? 'unthrottled' : `${values.baud} baud`}, ${wall.toFixed(1)} s\n`);
    NODES.forEach((node: NodeName, i) => {
      let cpu = 0;
      let runs = 0;
      const lines: string[] = [];
      for (const [key, end] of after[i]!) {
        const start = before[i]!.get(key) ?? { cpuNs: 0, runs: 0 };
        const dCpu = end.cpuNs - start.cpuNs;
        const dRuns = end.runs - start.runs;
        cpu += dCpu;
        runs += dRuns;
        if (dRuns > 0) lines.push(`  ${key.padEnd(14)} ${end.name.padEnd(16)} ${((dCpu / 1e9 / wall) * 100).toFixed(3).padStart(7)} %  ${(dRuns / wall).toFixed(1).padStart(7)} runs/s`);
      }
      process.stdout.write(`${node}: ${((cpu / 1e9 / wall) * 100).toFixed(3)} % of a core, ${(runs / wall).toFixed(1)} runs/s, RSS ${rss[i]!.toFixed(1)} MB\n${lines.join('\n')}\n`);
    });
    process.stdout.write(`serial bytes/s a→b ${((relayAfter.aToB - relayBefore.aToB) / wall).toFixed(1)}, b→a ${((relayAfter.bToA - relayBefore.bToA) / wall).toFixed(1)}\n`);
    // A graceful stop: V8 writes the profile when the process exits.
    for (const node of NODES) await pair.lab.stopDaemon(node);
    if (system !== found) for (const node of NODES) await pair.lab.nodeNs(node).stop(pair.daemonChild(node)!, 'SIGTERM', 15_000);
  } finally {
    await pair.destroy();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`idle-threads: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
