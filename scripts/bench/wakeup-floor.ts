// The floor under twinbeat's idle cost: what one wake-up of a bare Node process costs on this
// machine. Starts, all at once, one child per rate N (wake-ups per second; default 20, 30, 40, 100)
// with the daemon's node flags (NODE_FLAGS). A child does nothing but a timer every 1000/N ms that
// sends a 54-byte datagram (a heartbeat's size) to its own loopback socket and receives it — the
// least a heartbeat wake-up can do in Node. After a warm-up the main thread's CPU time and
// scheduling count are read from /proc/PID/task/PID/schedstat over the window; CPU per wake-up is
// the slope between the rates (the intercept is what an idle Node costs without any wake-up).
//
//   flock /tmp/twinbeat-timing.lock node dist/scripts/bench/wakeup-floor.js \
//     [--rates 20,30,40,100] [--seconds 20] [--node-flags='--lite-mode ...']
//
// Touches only loopback (127.0.0.1, ports the kernel picks) and its own children.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { NODE_FLAGS } from '../../src/cli/node-flags.js';

const WARMUP_MS = 3_000;
const FRAME = Buffer.alloc(54, 0x41);

/** The child: N timer wake-ups per second, each one UDP datagram out and back on loopback. */
function child(rate: number): void {
  const socket = createSocket('udp4');
  let received = 0;
  socket.on('message', () => received++);
  socket.bind(0, '127.0.0.1', () => {
    const port = socket.address().port;
    if (rate === 0) return; // idle Node: the socket alone keeps it alive
    const period = 1000 / rate;
    let next = Date.now() + period;
    const tick = (): void => {
      socket.send(FRAME, port, '127.0.0.1');
      next += period;
      setTimeout(tick, Math.max(1, next - Date.now()));
    };
    setTimeout(tick, period);
  });
  process.on('SIGTERM', () => {
    process.stdout.write(`${received}\n`);
    process.exit(0);
  });
}

/** CPU ns and times scheduled of a process's main thread. */
function schedstat(pid: number): { cpuNs: number; runs: number } {
  const [cpuNs, , runs] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').trim().split(' ').map(Number);
  return { cpuNs: cpuNs ?? 0, runs: runs ?? 0 };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      rates: { type: 'string', default: '0,20,30,40,100' },
      seconds: { type: 'string', default: '20' },
      'node-flags': { type: 'string' },
    },
  });
  if (values.child !== undefined) {
    child(Number(values.child));
    return -1; // keep running
  }
  const rates = values.rates!.split(',').map(Number);
  const flags = values['node-flags'] === undefined ? [...NODE_FLAGS] : values['node-flags'].split(' ').filter((f) => f !== '');
  const seconds = Number(values.seconds);
  const self = fileURLToPath(import.meta.url);
  const children: ChildProcess[] = rates.map((rate) => spawn(process.execPath, [...flags, self, '--child', String(rate)], { stdio: ['ignore', 'pipe', 'inherit'] }));
  try {
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    const load0 = loadavg()[0]!;
    const before = children.map((c) => schedstat(c.pid!));
    const started = process.hrtime.bigint();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    const after = children.map((c) => schedstat(c.pid!));
    process.stdout.write(`bare node ${flags.join(' ')}, ${wall.toFixed(1)} s, load ${load0.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}\n`);
    const points: Array<{ rate: number; cpu: number }> = [];
    rates.forEach((rate, i) => {
      const cpuPct = ((after[i]!.cpuNs - before[i]!.cpuNs) / 1e9 / wall) * 100;
      const runs = (after[i]!.runs - before[i]!.runs) / wall;
      points.push({ rate, cpu: cpuPct });
      const per = rate > 0 ? `${((cpuPct / 100 / rate) * 1e6).toFixed(0)} µs per wake-up (all of it)` : '';
      process.stdout.write(`  ${String(rate).padStart(4)} wake-ups/s: ${cpuPct.toFixed(3).padStart(6)} % of a core, ${runs.toFixed(1).padStart(6)} runs/s  ${per}\n`);
    });
    const fit = slope(points);
    if (fit) process.stdout.write(`  least squares: ${fit.intercept.toFixed(3)} % + ${(fit.slope * 1e4).toFixed(0)} µs × wake-ups/s\n`);
  } finally {
    for (const c of children) c.kill('SIGTERM');
  }
  return 0;
}

/** Least-squares line through (rate, cpu %): slope in % per wake-up/s. */
function slope(points: Array<{ rate: number; cpu: number }>): { slope: number; intercept: number } | null {
  if (points.length < 2) return null;
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.rate, 0) / n;
  const my = points.reduce((s, p) => s + p.cpu, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.rate - mx) ** 2, 0);
  if (sxx === 0) return null;
  const b = points.reduce((s, p) => s + (p.rate - mx) * (p.cpu - my), 0) / sxx;
  return { slope: b, intercept: my - b * mx };
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`wakeup-floor: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
