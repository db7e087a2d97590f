// Renders bench results: the same tables as plain text (stdout) and as markdown (latest.md).
import type { BenchResults, CableKind, OutageEntry } from './results.js';
import type { Timing } from './timing.js';
import type { Spread } from './stats.js';
import type { SystemName } from './systems.js';
import { FRAME_LIMIT_BYTES, FRAME_LIMIT_GROUPS } from './frame-size.js';
import { detectionMs, headline, overheadMs } from './headline.js';

interface Table {
  title: string;
  header: string[];
  rows: string[][];
}

const SYSTEM_ORDER: SystemName[] = ['twinbeat', 'heartbeat', 'keepalived'];

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
}

function spreadText(s: Spread | null, failures: number): string {
  const failed = failures > 0 ? ` (${failures} failed)` : '';
  if (!s) return `no failover${failed}`;
  return `${ms(s.min)} / ${ms(s.median)} / ${ms(s.max)}${failed}`;
}

const CABLES: CableKind[] = ['unthrottled', '19200 baud'];

/**
 * One row per setting and serial link, one cell per system, rendered from that system's outage
 * entry there (keepalived's, without serial, stands in the first cable row).
 */
function outageGrid(r: BenchResults, cell: (entry: OutageEntry, system: SystemName, setting: Timing) => string): string[][] {
  const rows: string[][] = [];
  for (const setting of r.settings) {
    for (const cable of CABLES) {
      const text = (system: SystemName): string => {
        const entry = r.outage.find((o) => o.system === system && o.setting === setting.label && (o.cable === cable || (o.cable === 'none' && cable === CABLES[0])));
        if (!entry) return system === 'keepalived' ? '(no serial medium)' : '-';
        return cell(entry, system, setting);
      };
      rows.push([setting.label, cable, ...SYSTEM_ORDER.map(text)]);
    }
  }
  return rows;
}

function outageTable(r: BenchResults): Table {
  return {
    title: `Client-observed outage on primary power loss: min / median / max over ${r.repetitions} repetitions (probe every 5 ms)`,
    header: ['keepalive / deadtime', 'serial link', ...SYSTEM_ORDER],
    rows: outageGrid(r, (entry) => spreadText(entry.spread, entry.failures.length)),
  };
}

function overheadTable(r: BenchResults): Table {
  return {
    title: 'Takeover overhead: median outage − configured detection time (deadtime; keepalived: 3 × advert_int + skew of the backup, priority 100)',
    header: ['keepalive / deadtime', 'serial link', ...SYSTEM_ORDER],
    rows: outageGrid(r, (entry, system, setting) => {
      const overhead = overheadMs(entry, r.settings);
      const detection = `detection ${ms(detectionMs(system, setting))}`;
      return overhead === null ? `no failover (${detection})` : `${overhead >= 0 ? '+' : '−'}${ms(Math.abs(overhead))} (${detection})`;
    }),
  };
}

function headlineTable(r: BenchResults): Table {
  const systems = SYSTEM_ORDER.filter((system) => r.outage.some((o) => o.system === system));
  const rows = headline(r, systems).map((h) => [
    h.system,
    h.setting ?? (r.soak.some((s) => s.system === h.system) ? `none: every setting had false takeovers in the ${r.soakSeconds} s soak` : r.soakSeconds === 0 ? 'not soaked in this run (--soak-seconds 0)' : 'not soaked in this run (the soak failed)'),
    h.cable === 'none' ? '(no serial)' : h.cable,
    h.medianMs === null ? '-' : ms(h.medianMs),
    h.ratioToBestPeer === null ? '-' : `${h.ratioToBestPeer.toFixed(2)} ×`,
  ]);
  return {
    title: `Headline: outage at each system's most aggressive setting with zero false takeovers in the ${r.soakSeconds} s soak (median, ratios within this run)`,
    header: ['system', 'setting', 'serial link', 'median outage', 'ratio to the best peer'],
    rows,
  };
}

function soakTable(r: BenchResults): Table {
  return {
    title: `False takeovers in a ${r.soakSeconds} s soak: stress-ng ${r.stressWorkers} CPU workers on ${r.machine.cpus} cores, ${r.lossPercent} % loss on every node's LAN port, serial at 19200 baud`,
    header: ['keepalive / deadtime', ...SYSTEM_ORDER],
    rows: r.settings.map((setting) => [
      setting.label,
      ...SYSTEM_ORDER.map((system) => {
        const e = r.soak.find((s) => s.system === system && s.setting === setting.label);
        if (!e) return '-';
        const when = e.atSeconds.length > 0 ? ` (at ${e.atSeconds.slice(0, 5).join(', ')}${e.atSeconds.length > 5 ? ', …' : ''} s)` : '';
        return `${e.falseTakeovers}${when}${e.primaryDied ? ' primary died' : ''}`;
      }),
    ]),
  };
}

function idleTable(r: BenchResults): Table {
  const rows: string[][] = [];
  const perNode = (e: BenchResults['idle'][number]): number => (e.nodes.alpha.cpuPercentOfCore + e.nodes.bravo.cpuPercentOfCore) / 2;
  for (const e of r.idle) {
    const a = e.nodes.alpha;
    const b = e.nodes.bravo;
    const heartbeat = r.idle.find((h) => h.system === 'heartbeat' && h.line === e.line);
    rows.push([
      e.system,
      e.line === 'none' ? '(no serial)' : e.line,
      `${a.cpuSecondsPerMinute.toFixed(2)} / ${b.cpuSecondsPerMinute.toFixed(2)}`,
      `${a.cpuPercentOfCore.toFixed(2)} / ${b.cpuPercentOfCore.toFixed(2)}`,
      heartbeat && perNode(heartbeat) > 0 ? `${(perNode(e) / perNode(heartbeat)).toFixed(2)} ×` : '-',
      `${a.rssMb.toFixed(1)} / ${b.rssMb.toFixed(1)} (${a.processes}/${b.processes} proc)`,
      `${a.lanBytesPerPacket} B × ${a.lanPacketsPerSecond}/s`,
      e.serialBytesPerHeartbeat === null ? '(no serial)' : `${e.serialBytesPerHeartbeat} B`,
      e.serialUtilisationPercent === null ? '-' : `${e.serialUtilisationPercent} %${e.serialDroppedBytes ? ` (${e.serialDroppedBytes} B overrun)` : ''}`,
      String(e.loadAverage),
    ]);
  }
  const setting = r.idle[0]?.setting ?? '';
  return {
    title: `Idle cost per node (alpha / bravo) at ${setting}, over ${r.idleSeconds} s, every system on both serial lines at once (one measurement); wire cost per heartbeat`,
    header: ['system', 'serial line', 'CPU s per min', '% of a core', 'vs Heartbeat', 'RSS MB, all processes', 'LAN frame × rate', 'serial bytes / heartbeat', '19200-baud line use', 'load (1 min)'],
    rows,
  };
}

function frameTable(r: BenchResults): Table {
  const rows: string[][] = [];
  for (const f of r.frames) {
    if (f.case !== 'typical') continue;
    const worst = r.frames.find((w) => w.method === f.method && w.groups === f.groups && w.case === 'worst');
    rows.push([f.method, String(f.groups), String(f.bytes), String(worst?.bytes ?? '-'), String(f.limit)]);
  }
  return {
    title: `twinbeat heartbeat frame on the serial line (computed by the codec, newline included; ≤ ${FRAME_LIMIT_BYTES} bytes required up to ${FRAME_LIMIT_GROUPS} groups)`,
    header: ['auth', 'groups', 'typical bytes', 'worst bytes', 'limit'],
    rows,
  };
}

function targetTable(r: BenchResults): Table {
  return {
    title: 'twinbeat targets',
    header: ['target', 'required', 'measured', 'result'],
    rows: r.targets.map((t) => [t.what, t.target, t.measured, t.pass ? 'pass' : 'MISS']),
  };
}

function tables(r: BenchResults): Table[] {
  return [headlineTable(r), outageTable(r), overheadTable(r), soakTable(r), idleTable(r), frameTable(r), targetTable(r)];
}

export function machineLine(r: BenchResults): string {
  return `${r.date} (${r.mode} run, ${Math.round(r.durationSeconds / 60)} min) on ${r.machine.cpus} × ${r.machine.cpuModel}, Linux ${r.machine.kernel}; ${r.versions.heartbeat ? `Heartbeat ${r.versions.heartbeat.split(' ')[0]}` : ''}, ${r.versions.keepalived ?? ''}, node ${r.versions.node}`;
}

export function toText(r: BenchResults): string {
  const out: string[] = [machineLine(r), ''];
  for (const t of tables(r)) {
    const widths = t.header.map((h, i) => Math.max(h.length, ...t.rows.map((row) => (row[i] ?? '').length)));
    const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
    out.push(t.title, line(t.header), widths.map((w) => '-'.repeat(w)).join('  '), ...t.rows.map(line), '');
  }
  return out.join('\n');
}

export function toMarkdown(r: BenchResults, plotFile: string): string {
  const out: string[] = [`Measured ${machineLine(r)}.`, '', `![outage per setting per system](${plotFile})`, ''];
  for (const t of tables(r)) {
    out.push(`**${t.title}**`, '', `| ${t.header.join(' | ')} |`, `| ${t.header.map(() => '---').join(' | ')} |`);
    for (const row of t.rows) out.push(`| ${row.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`);
    out.push('');
  }
  return out.join('\n');
}
