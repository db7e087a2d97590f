// `npm run bench [-- --quick]`: twinbeat side by side with Linux-HA Heartbeat 3.0.6 and keepalived
// in the two-node lab (scripts/lab). Measures, in one run:
//   1. the client-observed outage on primary power loss, per setting, serial link and system;
//   2. with the serial link unthrottled and paced at a real 19200 baud;
//   3. false takeovers in a soak under CPU stress and 5 % loss;
//   4. idle CPU and memory per node at keepalive 100 ms;
//   5. bytes per heartbeat and serial-line utilisation;
//   6. a table on stdout, JSON + markdown + SVG plot under scripts/bench/results/, and (full runs)
//      scripts/bench/latest.md and latest.svg for the README.
// Progress goes to stderr. Needs Linux and root; installs what it runs (the reference systems,
// stress-ng, nftables, the lab's tools) with apt-get if missing (lab/requirements.ts). Exits 0 when the run completed (missed targets are reported
// in the table, not as a failure), 1 on an error, 2 when it cannot run here.
import { cpus, availableParallelism, loadavg, release } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { labPaths } from '../lab/lab.js';
import { preflight } from '../lab/preflight.js';
import { measureFrameSizes, FRAME_LIMIT_BYTES, FRAME_LIMIT_GROUPS } from './frame-size.js';
import { versions } from './versions.js';
import { measureIdle } from './idle.js';
import { measureOutages } from './outage.js';
import { BenchPair, type PairOptions } from './pair.js';
import { outagePlot } from './plot.js';
import { toMarkdown, toText } from './report.js';
import type { BenchResults, CableKind, IdleEntry, OutageEntry, SoakEntry, TargetCheck } from './results.js';
import { LOSS_PERCENT, soak, stressWorkers } from './soak.js';
import { spread } from './stats.js';
import { SYSTEMS, type SystemUnderTest } from './systems.js';
import { parseTiming, timingLabel, type Timing } from './timing.js';

const PACED_BAUD = 19200;
/** Idle cost is measured on both serial lines at once (the wire cost is counted against 19200 baud). */
const IDLE_LINES: { baud: number; kind: Exclude<CableKind, 'none'> }[] = [
  { baud: 0, kind: 'unthrottled' },
  { baud: PACED_BAUD, kind: '19200 baud' },
];
/**
 * twinbeat's most aggressive setting (`--aggressive KA/DT`). Since the daemon runs SCHED_FIFO
 * and paces serial frames by the line's baud, 20/80 kept 0 false takeovers in a 120 s quick
 * soak (stress-ng, 5 % loss) with a 127 / 148 ms median outage. What bounds it: at 19200 baud a
 * 70-byte frame occupies the line 36 ms, so a warntime (3/5 of deadtime) below that would warn
 * of a late serial heartbeat on every frame; and at 5 ms keepalive any 6 ms scheduling hiccup
 * counts as a local stall and pushes the deadlines back (measured: 175-414 ms at 5/25).
 */
const AGGRESSIVE_DEFAULT = '20/80';
const benchDir = join(labPaths.repoRoot, 'scripts', 'bench');

const t0 = Date.now();
function say(text: string): void {
  process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${text}\n`);
}

function cablesOf(system: SystemUnderTest): { baud: number; kind: CableKind }[] {
  return system.serial ? [{ baud: 0, kind: 'unthrottled' }, { baud: PACED_BAUD, kind: '19200 baud' }] : [{ baud: 0, kind: 'none' }];
}

/** Runs `body` on fresh pairs and always tears them down. */
async function withPairs<T>(specs: PairOptions[], body: (pairs: BenchPair[]) => Promise<T>): Promise<T> {
  const pairs: BenchPair[] = [];
  try {
    for (const spec of specs) pairs.push(await BenchPair.create(spec));
    return await body(pairs);
  } finally {
    for (const pair of pairs) await pair.destroy().catch((err: unknown) => say(`teardown: ${String(err)}`));
  }
}

function machine(): BenchResults['machine'] {
  return { cpus: availableParallelism(), cpuModel: cpus()[0]?.model.trim() ?? 'unknown', kernel: release() };
}

/** CPU per node: the mean of the two nodes' shares of a core (each node's whole process tree). */
function perNodeCpu(idle: IdleEntry): number {
  return (idle.nodes.alpha.cpuPercentOfCore + idle.nodes.bravo.cpuPercentOfCore) / 2;
}

function checkTargets(r: BenchResults, aggressive: Timing): TargetCheck[] {
  const median = (cable: CableKind): number | undefined => r.outage.find((o) => o.system === 'twinbeat' && o.setting === aggressive.label && o.cable === cable)?.spread?.median;
  const checks: TargetCheck[] = [];
  const outage = (cable: CableKind, limit: number): void => {
    const m = median(cable);
    checks.push({ what: `median power-loss outage, ${cable} serial, at ${aggressive.label}`, target: `≤ ${limit} ms`, measured: m === undefined ? 'no failover' : `${Math.round(m)} ms`, pass: m !== undefined && m <= limit });
  };
  outage('unthrottled', 50);
  outage('19200 baud', 100);
  const soaked = r.soak.find((s) => s.system === 'twinbeat' && s.setting === aggressive.label);
  checks.push({ what: `false takeovers in the ${r.soakSeconds} s soak at ${aggressive.label}`, target: '0', measured: soaked ? String(soaked.falseTakeovers) : 'not run', pass: soaked?.falseTakeovers === 0 });
  for (const line of IDLE_LINES) {
    const idle = r.idle.find((i) => i.system === 'twinbeat' && i.line === line.kind);
    if (!idle) continue;
    const cpu = perNodeCpu(idle);
    const rss = Math.max(idle.nodes.alpha.rssMb, idle.nodes.bravo.rssMb);
    const heartbeat = r.idle.find((i) => i.system === 'heartbeat' && i.line === line.kind);
    const load = `(load ${idle.loadAverage})`;
    if (heartbeat) {
      const limit = perNodeCpu(heartbeat);
      checks.push({ what: `idle CPU per node at ${idle.setting}, ${line.kind} serial, vs Heartbeat (all its processes) in the same run`, target: `≤ ${limit.toFixed(2)} %`, measured: `${cpu.toFixed(2)} % ${load}`, pass: cpu <= limit });
    }
    checks.push({ what: `idle CPU per node at ${idle.setting}, ${line.kind} serial`, target: '≤ 0.5 % of a core', measured: `${cpu.toFixed(2)} % ${load}`, pass: cpu <= 0.5 });
    checks.push({ what: `RSS per node (all processes), ${line.kind} serial`, target: '≤ 64 MB (stretch 45)', measured: `${rss.toFixed(1)} MB`, pass: rss <= 64 });
    if (idle.serialBytesPerHeartbeat !== null && line.baud === PACED_BAUD) {
      checks.push({ what: 'serial bytes per heartbeat, measured on the line', target: `≤ ${FRAME_LIMIT_BYTES} bytes`, measured: `${idle.serialBytesPerHeartbeat} bytes`, pass: idle.serialBytesPerHeartbeat <= FRAME_LIMIT_BYTES });
    }
  }
  const worst = Math.max(...r.frames.filter((f) => f.groups <= FRAME_LIMIT_GROUPS).map((f) => f.bytes));
  checks.push({ what: `heartbeat frame, worst case up to ${FRAME_LIMIT_GROUPS} groups (codec)`, target: `≤ ${FRAME_LIMIT_BYTES} bytes`, measured: `${worst} bytes`, pass: worst <= FRAME_LIMIT_BYTES });
  return checks;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      aggressive: { type: 'string', default: AGGRESSIVE_DEFAULT },
      repetitions: { type: 'string' },
      'soak-seconds': { type: 'string' },
      'idle-seconds': { type: 'string' },
      systems: { type: 'string', default: SYSTEMS.map((s) => s.name).join(',') },
    },
  });
  const blocked = preflight('bench', say);
  if (blocked) {
    process.stderr.write(`bench: ${blocked}\n`);
    return 2;
  }
  const quick = values.quick ?? false;
  const repetitions = Number(values.repetitions ?? (quick ? 1 : 5));
  const soakSeconds = Number(values['soak-seconds'] ?? (quick ? 20 : 600));
  const idleSeconds = Number(values['idle-seconds'] ?? (quick ? 10 : 60));
  const systems = SYSTEMS.filter((s) => (values.systems ?? '').split(',').includes(s.name));
  const aggressive = parseTiming('', values.aggressive ?? AGGRESSIVE_DEFAULT);
  // The default 100 ms duplicate-address wait would be most of a 50 ms budget: the aggressive
  // profile waits a quarter of deadtime (an ARP reply on a LAN takes well under a millisecond).
  aggressive.dadTimeoutMs = Math.min(100, Math.round(aggressive.deadtimeMs / 4));
  aggressive.label = `${timingLabel(aggressive)} (twinbeat's most aggressive; tb_dad_timeout ${aggressive.dadTimeoutMs} ms)`;
  const standard: Timing[] = [
    { label: '', keepaliveMs: 1000, deadtimeMs: 5000 },
    { label: '', keepaliveMs: 100, deadtimeMs: 500 },
  ].map((t) => ({ ...t, label: timingLabel(t) }));
  const idleTiming = standard[1] as Timing;
  // --quick skips the slow 1 s / 5 s setting: its failovers and failbacks take tens of seconds.
  const settings = quick ? [idleTiming, aggressive] : [...standard, aggressive];

  const results: BenchResults = {
    date: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    machine: machine(),
    versions: await versions(),
    durationSeconds: 0,
    repetitions,
    soakSeconds,
    stressWorkers: stressWorkers(),
    lossPercent: LOSS_PERCENT,
    idleSeconds,
    settings,
    outage: [],
    soak: [],
    idle: [],
    frames: measureFrameSizes(),
    targets: [],
  };

  for (const timing of settings) {
    for (const system of systems) {
      for (const cable of cablesOf(system)) {
        say(`outage: ${system.name}, ${timing.label}, serial ${cable.kind}, ${repetitions} power cuts`);
        const entry: OutageEntry = { system: system.name, setting: timing.label, cable: cable.kind, outagesMs: [], spread: null, failures: [] };
        try {
          const run = await withPairs([{ system, timing, baud: cable.baud }], ([pair]) => measureOutages(pair as BenchPair, repetitions));
          entry.outagesMs = run.outagesMs;
          entry.failures = run.failures;
        } catch (err) {
          entry.failures.push((err as Error).message.split('\n')[0] ?? String(err));
        }
        entry.spread = spread(entry.outagesMs);
        say(`  outages ${entry.outagesMs.join(', ')} ms${entry.failures.length > 0 ? `; failures: ${entry.failures.join('; ')}` : ''}`);
        results.outage.push(entry);
      }
    }
  }

  const soakSpecs = settings.flatMap((timing) => systems.map((system) => ({ system, timing, baud: PACED_BAUD })));
  // --soak-seconds 0 skips the soak (the outage and idle tables alone, e.g. for a before/after).
  if (soakSeconds > 0) {
    say(`soak: ${soakSpecs.length} pairs at once for ${soakSeconds} s, ${stressWorkers()} stress-ng CPU workers, ${LOSS_PERCENT} % loss`);
    try {
      const soaked = await withPairs(soakSpecs, (pairs) => soak(pairs, soakSeconds * 1000));
      soaked.forEach((s, i) => {
        const spec = soakSpecs[i]!;
        const entry: SoakEntry = { ...s, system: spec.system.name, setting: spec.timing.label, cable: spec.system.serial ? '19200 baud' : 'none' };
        results.soak.push(entry);
        say(`  ${entry.system} ${entry.setting}: ${entry.falseTakeovers} false takeovers`);
      });
    } catch (err) {
      say(`soak failed: ${(err as Error).message.split('\n')[0]}`);
    }
  }

  // Both lines in one measurement: every system's pair on each line at once (keepalived, without
  // serial, once), so the ratios compare figures taken side by side under the same load.
  const idleSpecs = systems.flatMap((system) => (system.serial ? IDLE_LINES : IDLE_LINES.slice(0, 1)).map((line) => ({ system, timing: idleTiming, baud: line.baud, line: system.serial ? line.kind : ('none' as const) })));
  say(`idle cost: ${idleSpecs.length} pairs at once at ${idleTiming.label}, serial unthrottled and 19200 baud, for ${idleSeconds} s`);
  try {
    const idle = await withPairs(idleSpecs, (pairs) => measureIdle(pairs, idleSeconds * 1000, PACED_BAUD));
    const loadAverage = Math.round(loadavg()[0]! * 100) / 100;
    idle.forEach((r, i) => {
      const spec = idleSpecs[i]!;
      const perHeartbeat = r.serialBytesPerSecond === null ? null : Math.round((r.serialBytesPerSecond * idleTiming.keepaliveMs) / 100) / 10;
      const entry: IdleEntry = { ...r, system: spec.system.name, setting: idleTiming.label, line: spec.line, loadAverage, serialBytesPerHeartbeat: perHeartbeat };
      results.idle.push(entry);
      say(`  ${entry.system}, serial ${entry.line}: ${entry.nodes.alpha.cpuPercentOfCore} / ${entry.nodes.bravo.cpuPercentOfCore} % of a core, load ${loadAverage}`);
    });
  } catch (err) {
    say(`idle measurement failed: ${(err as Error).message.split('\n')[0]}`);
  }

  results.targets = checkTargets(results, aggressive);
  results.durationSeconds = Math.round((Date.now() - t0) / 1000);
  process.stdout.write(toText(results));

  const stamp = results.date.replace(/[:.]/g, '-');
  const resultsDir = join(benchDir, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const svg = outagePlot(results);
  writeFileSync(join(resultsDir, `${stamp}.json`), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(resultsDir, `${stamp}.svg`), svg);
  writeFileSync(join(resultsDir, `${stamp}.md`), toMarkdown(results, `${stamp}.svg`));
  say(`results: ${join(resultsDir, stamp)}.{json,md,svg}`);
  if (!quick) {
    writeFileSync(join(benchDir, 'latest.svg'), svg);
    writeFileSync(join(benchDir, 'latest.md'), toMarkdown(results, 'latest.svg'));
    say(`latest: ${join(benchDir, 'latest.md')} and latest.svg`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
