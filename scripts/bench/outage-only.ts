// `node dist/scripts/bench/outage-only.js [--repetitions N] [--prefix P] [--system S] CASE...`:
// the bench's power-loss outage (outage.ts) for one system (default twinbeat), at chosen
// settings, without the soak and idle runs of `npm run bench` — for measuring one change quickly
// (issue 13: takeover overhead) or one peer's cuts with their logs (--system heartbeat).
// --warntime MS replaces the bench's warntime (timing.ts benchWarntimeMs) in every case, for
// twinbeat's duplicate-address pre-probe (it goes out at warntime of silence). --debug runs
// twinbeat with `debug 1`; --logs DIR keeps both daemons' output per case in DIR, and for
// Heartbeat its ha-log too (the lab's own directory is removed).
//   CASE  KEEPALIVE/DEADTIME@BAUD[/DAD]: e.g. 10/50@115200, 20/80@19200/0. BAUD 115200 is the
//         bench's unthrottled cable (the pty is not paced; ha.cf says 115200), 19200 the paced one.
//         DAD is tb_dad_timeout in ms; default deadtime / 4 (at most 100), as the bench's
//         aggressive profile; 0 turns duplicate-address detection off.
// Prints per case the outages, their median and median − deadtime (the takeover overhead). Needs
// root; runs the lab under namespaces named PREFIX-xxxx (default `tb7`) and removes them.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchToolReady } from '../lab/preflight.js';
import { measureOutages } from './outage.js';
import { BenchPair } from './pair.js';
import { spread } from './stats.js';
import { SYSTEMS, twinbeat, type SystemUnderTest } from './systems.js';
import { heartbeatLogPath } from './heartbeat.js';
import { haCfOptions, type Timing } from './timing.js';

interface Case {
  text: string;
  timing: Timing;
  baud: number;
}

export function parseCase(text: string): Case {
  const m = /^(\d+)\/(\d+)@(19200|115200)(?:\/(\d+))?$/.exec(text);
  if (!m) throw new Error(`a case is KEEPALIVE/DEADTIME@BAUD[/DAD] with BAUD 19200 or 115200, e.g. 10/50@115200: not ${JSON.stringify(text)}`);
  const deadtimeMs = Number(m[2]);
  const dadTimeoutMs = m[4] === undefined ? Math.min(100, Math.round(deadtimeMs / 4)) : Number(m[4]);
  return { text, timing: { label: text, keepaliveMs: Number(m[1]), deadtimeMs, dadTimeoutMs }, baud: m[3] === '19200' ? 19200 : 0 };
}

/** twinbeat with `debug 1`: the logs (--logs) then show every probe and script run. */
const debugTwinbeat: SystemUnderTest = {
  ...twinbeat,
  configure: (lab, timing, serialBaud) =>
    lab.writeConfigs({ ...haCfOptions(timing, serialBaud), extraHaCf: ['debug 1', ...(timing.dadTimeoutMs === undefined ? [] : [`tb_dad_timeout ${timing.dadTimeoutMs}ms`])] }),
};

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { repetitions: { type: 'string', default: '5' }, warntime: { type: 'string' }, prefix: { type: 'string' }, logs: { type: 'string' }, debug: { type: 'boolean', default: false }, system: { type: 'string', default: 'twinbeat' } } });
  const warntimeMs = values.warntime === undefined ? undefined : Number(values.warntime);
  const cases = positionals.map(parseCase).map((c) => (warntimeMs === undefined ? c : { ...c, timing: { ...c.timing, warntimeMs } }));
  const repetitions = Number(values.repetitions);
  const chosen = SYSTEMS.find((s) => s.name === values.system);
  if (cases.length === 0 || !(repetitions >= 1) || !chosen || (warntimeMs !== undefined && !(warntimeMs >= 1))) {
    process.stderr.write(`usage: outage-only [--repetitions N] [--prefix P] [--warntime MS] [--logs DIR] [--debug] [--system ${SYSTEMS.map((s) => s.name).join('|')}] KEEPALIVE/DEADTIME@BAUD[/DAD] ...\n`);
    return 2;
  }
  const system = chosen.name === 'twinbeat' && values.debug ? debugTwinbeat : chosen;
  if (!benchToolReady('outage-only')) return 2;
  for (const c of cases) {
    const pair = await BenchPair.create({ system, timing: c.timing, baud: c.baud, ...(values.prefix ? { prefix: values.prefix } : {}) });
    try {
      const run = await measureOutages(pair, repetitions, (what) => process.stdout.write(`  ${what}\n`));
      const s = spread(run.outagesMs);
      const overhead = s ? Math.round((s.median - c.timing.deadtimeMs) * 10) / 10 : null;
      process.stdout.write(`${system.name} ${c.text} (tb_dad_timeout ${c.timing.dadTimeoutMs} ms): outages ${run.outagesMs.join(', ')} ms; median ${s ? Math.round(s.median * 10) / 10 : '-'} ms; median − deadtime ${overhead ?? '-'} ms${run.failures.length ? `; failures: ${run.failures.join('; ')}` : ''}\n`);
    } finally {
      if (values.logs) {
        mkdirSync(values.logs, { recursive: true });
        for (const node of ['alpha', 'bravo'] as const) {
          const base = join(values.logs, `${system.name}-${c.text.replaceAll('/', '_')}-${node}`);
          writeFileSync(`${base}.log`, pair.lab.daemonLog(node));
          if (system.name === 'heartbeat' && existsSync(heartbeatLogPath(pair.lab, node))) copyFileSync(heartbeatLogPath(pair.lab, node), `${base}.ha-log`);
        }
      }
      await pair.destroy();
    }
  }
  return 0;
}

// Run only as a program: takeover-breakdown.ts imports parseCase.
if (process.argv[1]?.endsWith('outage-only.js')) process.exitCode = await main();
