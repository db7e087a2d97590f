// `node dist/scripts/bench/takeover-breakdown.js [--repetitions N] [--prefix P] [--no-strace] CASE`:
// where a power-loss takeover's time goes, from the cut to the client's first reply from bravo
// (issue 13 items 1 and 5). CASE as outage-only.js (KEEPALIVE/DEADTIME@BAUD[/DAD]).
// Per repetition, on one clock (CLOCK_REALTIME: strace -ttt, Date/performance in this process and
// in the probe; nothing steps it during a run): the cut, bravo's `peer-dead` log line (its write
// to stdout), the IPaddr start's execve (the spawn), its `ip addr add`, the first gratuitous
// `arping`, the script's exit, and the client's last answer from alpha / first from bravo.
// strace -f attaches to every thread of bravo's daemon (ptrace: it slows each traced syscall by
// tens of µs, so --no-strace gives the outage alone for comparison). Needs root; removes its lab.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { preflight } from '../lab/preflight.js';
import { sleep } from '../lab/process.js';
import { parseCase } from './outage-only.js';
import { PROBE_INTERVAL_MS } from './outage.js';
import { BenchPair } from './pair.js';
import { twinbeat } from './systems.js';

/** Milestones in epoch ms (fractional); absent when not seen. */
export interface Milestones {
  dead?: number;
  spawn?: number;
  ipAdd?: number;
  arping?: number;
  scriptExit?: number;
  /** The last duplicate-address pre-probe (IPaddr probe) before the start: spawned, exited. */
  probeSpawn?: number;
  probeExit?: number;
  /** Last fsync/fdatasync/rename (the state file) between dead and spawn. */
  persist?: number;
}

/**
 * Reads `strace -f -ttt` output: the first `peer-dead` write, then the first IPaddr start execve
 * after it, that process tree's `ip addr add` and first `arping`, and the script's exit.
 */
export function parseTrace(text: string): Milestones {
  const m: Milestones = {};
  let scriptPid: string | undefined;
  let probePid: string | undefined;
  for (const line of text.split('\n')) {
    const match = /^(\d+)\s+(\d+\.\d+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const [, pid, at, rest] = match as unknown as [string, string, string, string];
    const t = Number(at) * 1000;
    if (m.spawn === undefined && /^execve\("[^"]*\/IPaddr", \[.*"probe"\]/.test(rest)) {
      m.probeSpawn = t;
      delete m.probeExit;
      probePid = pid;
      continue;
    }
    if (pid === probePid && m.probeExit === undefined && /^\+\+\+ exited with/.test(rest)) m.probeExit = t;
    if (m.dead === undefined) {
      if (/^write\(.*peer-dead/.test(rest)) m.dead = t;
      continue;
    }
    if (m.spawn === undefined) {
      if (/^(fsync|fdatasync|rename)\(/.test(rest)) m.persist = t;
      if (/^execve\("[^"]*\/IPaddr", \[.*"start"\]/.test(rest)) {
        m.spawn = t;
        scriptPid = pid;
      }
      continue;
    }
    if (m.ipAdd === undefined && /^execve\("[^"]*\/ip", \["ip", "addr", "add"/.test(rest)) m.ipAdd = t;
    else if (m.arping === undefined && /^execve\("[^"]*\/arping", /.test(rest)) m.arping = t;
    else if (m.scriptExit === undefined && pid === scriptPid && /^\+\+\+ exited with/.test(rest)) m.scriptExit = t;
  }
  return m;
}

const round = (x: number | undefined): number | null => (x === undefined ? null : Math.round(x * 10) / 10);

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { repetitions: { type: 'string', default: '10' }, prefix: { type: 'string' }, 'no-strace': { type: 'boolean', default: false } } });
  const c = positionals.length === 1 ? parseCase(positionals[0] as string) : null;
  const repetitions = Number(values.repetitions);
  if (!c || !(repetitions >= 1)) {
    process.stderr.write('usage: takeover-breakdown [--repetitions N] [--prefix P] [--no-strace] KEEPALIVE/DEADTIME@BAUD[/DAD]\n');
    return 2;
  }
  const blocked = preflight('bench', (t) => process.stderr.write(`${t}\n`));
  if (blocked) {
    process.stderr.write(`takeover-breakdown: ${blocked}\n`);
    return 2;
  }
  const now = () => performance.timeOrigin + performance.now();
  const pair = await BenchPair.create({ system: twinbeat, timing: c.timing, baud: c.baud, ...(values.prefix ? { prefix: values.prefix } : {}) });
  const { lab } = pair;
  const traceFile = `/tmp/h13o-breakdown-${process.pid}.strace`;
  try {
    await pair.startBoth();
    for (let i = 0; i < repetitions; i++) {
      await lab.waitForHolders(['alpha'], 5_000);
      const probe = await lab.startProbe({ intervalMs: PROBE_INTERVAL_MS });
      let tracer: ReturnType<typeof spawn> | undefined;
      if (!values['no-strace']) {
        const pid = Number(readFileSync(lab.paths('bravo').pidFile, 'utf8').trim());
        const threads = readdirSync(`/proc/${pid}/task`).flatMap((t) => ['-p', t]);
        tracer = spawn('strace', ['-f', '-ttt', '-s', '120', '-e', 'trace=execve,write,fsync,fdatasync,rename', '-o', traceFile, ...threads], { stdio: 'ignore' });
      }
      await sleep(500);
      const cut = now();
      await lab.powerOff('alpha');
      let tookOver = true;
      await lab.waitForHolders(['bravo'], c.timing.deadtimeMs + 20_000).catch(() => (tookOver = false));
      await sleep(300);
      const report = await probe.stop();
      if (tracer) {
        tracer.kill('SIGINT');
        await new Promise((r) => tracer!.once('exit', r));
      }
      const m = tracer ? parseTrace(readFileSync(traceFile, 'utf8')) : {};
      const sw = report.switches.find((s) => s.from === 'alpha' && s.to === 'bravo');
      const firstBravo = sw ? report.startedAtMs + sw.atMs : undefined;
      const lastAlpha = sw ? firstBravo! - sw.gapMs : undefined;
      const rel = (x: number | undefined) => round(x === undefined ? undefined : x - cut);
      process.stdout.write(
        JSON.stringify({
          rep: i + 1,
          tookOver,
          outageMs: round(report.longestGapMs),
          lastAlpha: rel(lastAlpha),
          probeSpawn: rel(m.probeSpawn),
          probeExit: rel(m.probeExit),
          dead: rel(m.dead),
          persist: rel(m.persist),
          spawn: rel(m.spawn),
          ipAdd: rel(m.ipAdd),
          arping: rel(m.arping),
          scriptExit: rel(m.scriptExit),
          firstBravo: rel(firstBravo),
        }) + '\n',
      );
      await lab.powerOn('alpha', { daemon: false });
      pair.start('alpha');
      await pair.waitForAlpha();
    }
  } finally {
    rmSync(traceFile, { force: true });
    await pair.destroy();
  }
  return 0;
}

if (process.argv[1]?.endsWith('takeover-breakdown.js')) process.exitCode = await main();
