// Idle cost of twinbeat variants side by side with Heartbeat (and keepalived): every variant's
// pair and the reference systems' pairs run at once on the same line, measured as the bench's idle
// table is (idle.ts: each daemon's whole process tree, CPU over the window, highest RSS), repeated
// on fresh pairs; prints each repetition and the median. A variant is a set of node flags for the
// twinbeat daemon, to try V8 flags against NODE_FLAGS under the same load, and optionally another
// built checkout (`NAME@DIR=...`: DIR/dist), to compare two builds of the code in one run.
//
//   flock /tmp/twinbeat-timing.lock node dist/scripts/bench/idle-compare.js \
//     [--baud 0|19200] [--seconds 20] [--repetitions 3] [--timing 100/500] [--no-keepalived] \
//     [--variant 'NAME[@DIR]=--flag1 --flag2' ...]   (default: one variant, this build, NODE_FLAGS)
//
// e.g. a before/after of a change: --variant 'before@/tmp/before=--lite-mode --no-expose-wasm'
//      --variant 'after=--lite-mode --no-expose-wasm'
//
// Needs root (the lab). May touch: namespaces h13c-xxxx (removed afterwards), /tmp/h13c-xxxx.
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchToolReady } from '../lab/preflight.js';
import { labPaths } from '../lab/lab.js';
import { measureIdle } from './idle.js';
import { BenchPair } from './pair.js';
import { heartbeat, keepalived, twinbeatWithNodeFlags, type SystemUnderTest } from './systems.js';
import { spread } from './stats.js';
import { parseTiming, timingLabel } from './timing.js';

interface Row {
  name: string;
  system: SystemUnderTest;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      baud: { type: 'string', default: '19200' },
      seconds: { type: 'string', default: '20' },
      repetitions: { type: 'string', default: '3' },
      timing: { type: 'string', default: '100/500' },
      'no-keepalived': { type: 'boolean', default: false },
      variant: { type: 'string', multiple: true, default: [] },
      prefix: { type: 'string', default: 'h13c' },
    },
  });
  if (!benchToolReady('idle-compare')) return 2;
  const variants = (values.variant ?? []).length > 0 ? values.variant! : [`twinbeat=${labPaths.nodeFlags.join(' ')}`];
  const rows: Row[] = variants.map((v) => {
    const eq = v.indexOf('=');
    const [name, root] = (eq < 0 ? v : v.slice(0, eq)).split('@') as [string, string | undefined];
    const flags = (eq < 0 ? '' : v.slice(eq + 1)).split(' ').filter((f) => f !== '');
    if (root !== undefined && !existsSync(join(root, 'dist/src/cli/main.js'))) throw new Error(`variant ${name}: no build in ${root}/dist (run npx tsc -p . there)`);
    return { name, system: twinbeatWithNodeFlags(flags, root) };
  });
  rows.push({ name: 'heartbeat', system: heartbeat });
  if (!values['no-keepalived']) rows.push({ name: 'keepalived', system: keepalived });
  const timing = parseTiming('', values.timing ?? '100/500');
  timing.label = timingLabel(timing);
  const baud = Number(values.baud);
  const seconds = Number(values.seconds);
  const repetitions = Number(values.repetitions);
  const cpu = rows.map((): number[] => []);
  const rss = rows.map((): number[] => []);
  process.stdout.write(`idle at ${timing.label}, serial ${baud === 0 ? 'unthrottled' : `${baud} baud`}, ${seconds} s × ${repetitions}; CPU % of a core per node (mean of alpha and bravo), RSS MB (max)\n`);
  for (let rep = 1; rep <= repetitions; rep++) {
    const pairs: BenchPair[] = [];
    try {
      for (const row of rows) pairs.push(await BenchPair.create({ system: row.system, timing, baud, prefix: values.prefix! }));
      const load0 = loadavg()[0]!;
      const results = await measureIdle(pairs, seconds * 1000, baud === 0 ? 19200 : baud);
      const load = `load ${load0.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}`;
      const cells = results.map((r, i) => {
        const c = (r.nodes.alpha.cpuPercentOfCore + r.nodes.bravo.cpuPercentOfCore) / 2;
        const m = Math.max(r.nodes.alpha.rssMb, r.nodes.bravo.rssMb);
        cpu[i]!.push(c);
        rss[i]!.push(m);
        return `${rows[i]!.name} ${c.toFixed(2)} % ${m.toFixed(1)} MB`;
      });
      process.stdout.write(`rep ${rep} (${load}): ${cells.join(' | ')}\n`);
    } finally {
      for (const pair of pairs) await pair.destroy().catch(() => undefined);
    }
  }
  process.stdout.write('median:\n');
  rows.forEach((row, i) => process.stdout.write(`  ${row.name.padEnd(20)} ${spread(cpu[i]!)!.median.toFixed(2).padStart(6)} %  ${spread(rss[i]!)!.median.toFixed(1).padStart(6)} MB\n`));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`idle-compare: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
