// `node dist/scripts/bench/takeover-breakdown.js [--repetitions N] [--prefix P] [--warntime MS] CASE`: where a
// power-loss takeover's time goes, from the cut to the client's first reply from bravo (issue 13
// items 1 and 5). CASE as outage-only.js (KEEPALIVE/DEADTIME@BAUD[/DAD]); --warntime replaces the
// bench's warntime (timing.ts benchWarntimeMs; the duplicate-address pre-probe goes out when the peer is silent that long).
// Per repetition, all on CLOCK_REALTIME (nothing steps it during a run), relative to the cut:
//   lastAlpha     the client's last answer from alpha (the probe asks every 5 ms)
//   probeSpawn/probeExit  the last duplicate-address pre-probe before the start: IPaddr probe
//                 (spawn → exit), or the armed start, IPaddr gated-start (spawn → its verdict line)
//   dead          bravo's `peer-dead` line reaching its output file (seen through inotify)
//   spawn         the IPaddr start's first traced line (armed start: its `tb-gate: go` line, the
//                 release), ipAdd its `ip addr add`, arping the first
//                 gratuitous arping of the burst, scriptExit its exit
//   clientNeigh   the client's neighbour entry for the floating IP changing (the ARP arrived:
//                 `ip -ts monitor neigh` in the client namespace)
//   firstBravo    the client's first answer from bravo
// The scripts are traced by bash itself (BASH_ENV: a file that turns on xtrace with
// $EPOCHREALTIME in PS4 for IPaddr and its ARP burst only, inherited through the daemon's
// environment): a few µs per traced line, no ptrace (strace -f slowed every fork tenfold).
// Needs root; removes its lab and files.
import { spawn } from 'node:child_process';
import { closeSync, fstatSync, openSync, readFileSync, readSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { LAB_NET } from '../lab/addresses.js';
import { benchToolReady } from '../lab/preflight.js';
import { sleep } from '../lab/process.js';
import { parseCase } from './outage-only.js';
import { PROBE_INTERVAL_MS } from './outage.js';
import { BenchPair } from './pair.js';
import { twinbeat, type SystemUnderTest } from './systems.js';
import { haCfOptions } from './timing.js';

/** Milestones in epoch ms (fractional); absent when not seen. */
export interface Milestones {
  probeSpawn?: number;
  probeExit?: number;
  spawn?: number;
  ipAdd?: number;
  arping?: number;
  scriptExit?: number;
}

/**
 * The sourced file: for IPaddr (any action) and its ARP burst (named by ARP_MARKER), xtrace to
 * `trace` with `EPOCHREALTIME PID` in front, a `begin` line with the arguments and an `end` line.
 */
export function bashEnvText(trace: string): string {
  return [
    'case ${0##*/} in IPaddr | tb-ipaddr-arp)',
    `  exec {H13O_FD}>>'${trace}'`,
    '  echo "$EPOCHREALTIME $$ begin ${0##*/} $*" >&$H13O_FD',
    '  trap \'echo "$EPOCHREALTIME $$ end" >&$H13O_FD\' EXIT',
    // PS4's first character is repeated per nesting level ($(...)): a `+`, not a digit of the time.
    '  BASH_XTRACEFD=$H13O_FD PS4=\'+ $EPOCHREALTIME $$ \'',
    '  set -x ;;',
    'esac',
    '',
  ].join('\n');
}

/**
 * Reads the trace: the first IPaddr `start` that begins after `after` (the peer-dead time), its
 * `ip addr add`, the first arping of the burst after that, its end; and the last `probe` before it.
 * An armed start (`gated-start`) is both: its verdict line ends the probe, its `go` line after
 * `after` is the start.
 */
export function parseScriptTrace(text: string, after: number): Milestones {
  const m: Milestones = {};
  let probePid: string | undefined;
  let startPid: string | undefined;
  for (const line of text.split('\n')) {
    // `+ TIME PID command` (one + per nesting level) for a traced command, `TIME PID begin|end`.
    const match = /^(\++ )?(\d+\.\d+) (\d+) (.*)$/.exec(line);
    if (!match) continue;
    const [, traced, at, pid, rest] = match as unknown as [string, string | undefined, string, string, string];
    const t = Number(at) * 1000;
    if (traced === undefined && !/^(begin |end$)/.test(rest)) continue;
    if (startPid === undefined) {
      if (/^begin IPaddr .* (probe|gated-start)$/.test(rest)) {
        probePid = pid;
        m.probeSpawn = t;
        delete m.probeExit;
      } else if (pid === probePid && m.probeExit === undefined && (rest === 'end' || (traced && /^echo '?tb-gate: [a-z-]+'?$/.test(rest)))) m.probeExit = t;
      else if (pid === probePid && traced && t >= after && /^echo '?tb-gate: go'?$/.test(rest)) {
        startPid = pid;
        m.spawn = t;
      } else if (t >= after && /^begin IPaddr .* start$/.test(rest)) {
        startPid = pid;
        m.spawn = t;
      }
      continue;
    }
    if (m.ipAdd === undefined && traced && pid === startPid && /^ip (-6 )?addr add /.test(rest)) m.ipAdd = t;
    else if (m.ipAdd !== undefined && m.arping === undefined && traced && /^arping /.test(rest)) m.arping = t;
    else if (pid === startPid && rest === 'end' && m.scriptExit === undefined) m.scriptExit = t;
  }
  return m;
}

/**
 * Calls back with the time `needle` first appears in what is appended to `path` from now on
 * (inotify: the daemon writes its stdout to the file synchronously, so this is within a
 * millisecond or so of the write). stop() ends the watch.
 */
export function watchAppend(path: string, needle: string, now: () => number): { seenAt(): number | undefined; stop(): void } {
  let offset = statSync(path).size;
  let seen: number | undefined;
  const watcher = watch(path, () => {
    if (seen !== undefined) return;
    const at = now();
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const buf = Buffer.alloc(Math.max(0, size - offset));
      readSync(fd, buf, 0, buf.length, offset);
      offset = size;
      if (buf.toString('utf8').includes(needle)) seen = at;
    } finally {
      closeSync(fd);
    }
  });
  return { seenAt: () => seen, stop: () => watcher.close() };
}

/** `ip -ts monitor neigh` lines: the first change of `address` after `after`, epoch ms. */
export function parseNeighChange(text: string, address: string, after: number): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^\[(\d{4}-\d\d-\d\dT[\d:.]+)\] (.*)$/.exec(line);
    if (!match || !(match[2] as string).startsWith(`${address} `) || !(match[2] as string).includes('lladdr')) continue;
    const t = localIsoMs(match[1] as string);
    if (t >= after) return t;
  }
  return undefined;
}

/** `ip -ts` prints local time with µs, no zone: as epoch ms. */
function localIsoMs(text: string): number {
  const [whole, frac = '0'] = text.split('.');
  return new Date(whole as string).getTime() + Number(`0.${frac}`) * 1000;
}

const round = (x: number | undefined): number | null => (x === undefined ? null : Math.round(x * 10) / 10);

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { repetitions: { type: 'string', default: '10' }, prefix: { type: 'string' }, warntime: { type: 'string' } } });
  const c = positionals.length === 1 ? parseCase(positionals[0] as string) : null;
  const repetitions = Number(values.repetitions);
  if (!c || !(repetitions >= 1)) {
    process.stderr.write('usage: takeover-breakdown [--repetitions N] [--prefix P] [--warntime MS] KEEPALIVE/DEADTIME@BAUD[/DAD]\n');
    return 2;
  }
  if (!benchToolReady('takeover-breakdown')) return 2;
  const base = `/tmp/twinbeat-breakdown-${process.pid}`;
  const files = { bashEnv: `${base}.bashenv`, trace: `${base}.xtrace`, neigh: `${base}.neigh` };
  writeFileSync(files.bashEnv, bashEnvText(files.trace));
  writeFileSync(files.trace, '');
  // The lab starts the daemons with this process's environment; the runner passes it on.
  process.env['BASH_ENV'] = files.bashEnv;
  const system: SystemUnderTest = {
    ...twinbeat,
    configure: (lab, timing, serialBaud) =>
      lab.writeConfigs({ ...haCfOptions(timing, serialBaud), ...(values.warntime ? { warntime: `${Number(values.warntime)}ms` } : {}), extraHaCf: { alpha: [`tb_dad_timeout ${timing.dadTimeoutMs}ms`], bravo: [`tb_dad_timeout ${timing.dadTimeoutMs}ms`] } }),
  };
  const now = () => performance.timeOrigin + performance.now();
  const pair = await BenchPair.create({ system, timing: c.timing, baud: c.baud, ...(values.prefix ? { prefix: values.prefix } : {}) });
  const { lab } = pair;
  const neigh = lab.ns.client.spawn(['sh', '-c', `exec ip -ts monitor neigh >${files.neigh}`], { stdio: 'ignore' });
  try {
    await pair.startBoth();
    for (let i = 0; i < repetitions; i++) {
      await lab.waitForHolders(['alpha'], 5_000);
      const probe = await lab.startProbe({ intervalMs: PROBE_INTERVAL_MS });
      await sleep(500);
      const deadWatch = watchAppend(lab.paths('bravo').daemonLog, 'event=peer-dead', now);
      const cut = now();
      await lab.powerOff('alpha');
      let tookOver = true;
      await lab.waitForHolders(['bravo'], c.timing.deadtimeMs + 20_000).catch(() => (tookOver = false));
      await sleep(300);
      const report = await probe.stop();
      deadWatch.stop();
      const dead = deadWatch.seenAt();
      const m = parseScriptTrace(readFileSync(files.trace, 'utf8'), dead ?? cut);
      const clientNeigh = parseNeighChange(readFileSync(files.neigh, 'utf8'), LAB_NET.floating, cut);
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
          dead: rel(dead),
          spawn: rel(m.spawn),
          ipAdd: rel(m.ipAdd),
          arping: rel(m.arping),
          scriptExit: rel(m.scriptExit),
          clientNeigh: rel(clientNeigh),
          firstBravo: rel(firstBravo),
        }) + '\n',
      );
      writeFileSync(files.trace, '');
      await lab.powerOn('alpha', { daemon: false });
      pair.start('alpha');
      await pair.waitForAlpha();
    }
  } finally {
    neigh.kill('SIGTERM');
    await pair.destroy();
    for (const f of Object.values(files)) rmSync(f, { force: true });
  }
  return 0;
}

if (process.argv[1]?.endsWith('takeover-breakdown.js')) process.exitCode = await main();
