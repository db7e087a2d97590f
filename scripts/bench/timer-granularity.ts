// How late Node's setTimeout fires on this machine, idle and under CPU load: the number behind
// TIMER_LATENESS_MS in src/config/deadtime-floor.ts (the floor `twinbeat check` puts under
// keepalive and deadtime for UDP links and the local-stall guard). Touches nothing but timers
// and, for the loaded run, busy child processes it starts and stops itself (by pid).
// Run (timing-sensitive, so under the shared lock):
//   flock /tmp/twinbeat-timing.lock node dist/scripts/bench/timer-granularity.js [--seconds N]
//   … --realtime   measure as the daemon runs by default: under SCHED_FIFO (rtprio 1, with
//                  reset-on-fork, exactly as src/daemon/realtime.ts does), load at normal priority
// Prints, per requested delay (1, 5, 10, 20 ms) and condition (idle: the machine as it is;
// loaded: one extra busy process per core at normal priority), the lateness
// (fired − requested, ms) at p50, p99, p99.9 and max.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { chrtArgs } from '../../src/daemon/realtime.js';
import { percentile } from '../../src/transport/stats.js';

export const DELAYS_MS = [1, 5, 10, 20] as const;

export interface Lateness {
  delayMs: number;
  samples: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

export function summarise(delayMs: number, lateness: number[]): Lateness {
  const sorted = [...lateness].sort((a, b) => a - b);
  return { delayMs, samples: sorted.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), p999: percentile(sorted, 0.999), max: percentile(sorted, 1) };
}

/** Chains setTimeout(delayMs) for about `ms` and returns each one's lateness. */
function measureDelay(delayMs: number, ms: number): Promise<number[]> {
  const out: number[] = [];
  const end = performance.now() + ms;
  return new Promise((resolve) => {
    const arm = () => {
      const asked = performance.now();
      setTimeout(() => {
        const now = performance.now();
        out.push(Math.max(0, now - asked - delayMs));
        if (now < end) arm();
        else resolve(out);
      }, delayMs);
    };
    arm();
  });
}

export async function measure(secondsPerDelay: number): Promise<Lateness[]> {
  const results: Lateness[] = [];
  for (const d of DELAYS_MS) results.push(summarise(d, await measureDelay(d, secondsPerDelay * 1000)));
  return results;
}

function startLoad(): ChildProcess[] {
  // Each spins until its parent is gone, so a killed bench never leaves them behind.
  const spin = `for (;;) if (process.ppid !== ${process.pid}) process.exit(0);`;
  return Array.from({ length: availableParallelism() }, () => spawn(process.execPath, ['-e', spin], { stdio: 'ignore' }));
}

function stopLoad(children: ChildProcess[]): void {
  for (const c of children) {
    try {
      if (c.pid !== undefined && c.exitCode === null) process.kill(c.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function print(condition: string, rows: Lateness[]): void {
  const f = (ms: number) => ms.toFixed(2).padStart(7);
  for (const r of rows) console.log(`${condition.padEnd(7)} ${String(r.delayMs).padStart(5)} ms ${String(r.samples).padStart(7)} ${f(r.p50)} ${f(r.p99)} ${f(r.p999)} ${f(r.max)}`);
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--seconds');
  const seconds = i > 0 ? Number(process.argv[i + 1]) : 4;
  if (!(seconds > 0 && seconds <= 600)) throw new Error('--seconds: expected 1 to 600');
  // Reset-on-fork matters: busy children inheriting SCHED_FIFO would starve the machine.
  const realtime = process.argv.includes('--realtime');
  if (realtime) execFileSync('chrt', chrtArgs(process.pid, 1));
  console.log(`setTimeout lateness on ${availableParallelism()} cores, ${realtime ? 'SCHED_FIFO 1' : 'normal priority'}, ${seconds} s per delay, ms`);
  console.log('condition  delay  samples     p50     p99   p99.9     max');
  print('idle', await measure(seconds));
  const load = startLoad();
  const stop = () => stopLoad(load);
  process.once('SIGINT', () => (stop(), process.exit(130)));
  try {
    print('loaded', await measure(seconds));
  } finally {
    stop();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
