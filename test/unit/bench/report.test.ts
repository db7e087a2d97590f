// The benchmark report (scripts/bench/report.ts, plot.ts, headline.ts, keepalived.ts): text and
// markdown tables, the plot, the headline and keepalived's detection time from hand-made
// results. Pure: builds strings, touches no file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Lab } from '../../../scripts/lab/lab.js';
import { toMarkdown, toText } from '../../../scripts/bench/report.js';
import { outagePlot } from '../../../scripts/bench/plot.js';
import { keepalivedConf, keepalivedDetectionMs, keepalivedStart } from '../../../scripts/bench/keepalived.js';
import { headline } from '../../../scripts/bench/headline.js';
import type { BenchResults } from '../../../scripts/bench/results.js';

function sample(): BenchResults {
  const settings = [{ label: '100 ms / 500 ms', keepaliveMs: 100, deadtimeMs: 500 }];
  const node = { cpuSecondsPerMinute: 0.2, cpuPercentOfCore: 0.33, rssMb: 50, processes: 1, lanPacketsPerSecond: 10, lanBytesPerPacket: 95 };
  return {
    date: '2026-11-23T15:00:00.000Z',
    mode: 'full',
    machine: { cpus: 2, cpuModel: 'Test CPU', kernel: '6.1.0' },
    versions: { heartbeat: '3.0.6 (node: x)', keepalived: 'Keepalived v2.2.7', node: 'v20' },
    durationSeconds: 1500,
    repetitions: 3,
    soakSeconds: 600,
    stressWorkers: 4,
    lossPercent: 5,
    idleSeconds: 60,
    settings,
    outage: [
      { system: 'twinbeat', setting: settings[0]!.label, cable: 'unthrottled', outagesMs: [700, 800, 900], spread: { n: 3, min: 700, median: 800, max: 900 }, failures: [] },
      { system: 'heartbeat', setting: settings[0]!.label, cable: '19200 baud', outagesMs: [], spread: null, failures: ['repetition 1: bravo did not take over'] },
      { system: 'keepalived', setting: settings[0]!.label, cable: 'none', outagesMs: [300], spread: { n: 1, min: 300, median: 300, max: 300 }, failures: [] },
    ],
    soak: [{ system: 'keepalived', setting: settings[0]!.label, cable: 'none', falseTakeovers: 2, atSeconds: [1.5, 9], primaryDied: false, lossDropped: 30 }],
    idle: [
      { system: 'twinbeat', setting: settings[0]!.label, line: '19200 baud', loadAverage: 1.5, nodes: { alpha: node, bravo: node }, serialBytesPerSecond: 530, serialUtilisationPercent: 27.6, serialDroppedBytes: 0, serialBytesPerHeartbeat: 53 },
      { system: 'heartbeat', setting: settings[0]!.label, line: '19200 baud', loadAverage: 1.5, nodes: { alpha: { ...node, cpuPercentOfCore: 0.66 }, bravo: { ...node, cpuPercentOfCore: 0.66 } }, serialBytesPerSecond: 1900, serialUtilisationPercent: 99, serialDroppedBytes: 10, serialBytesPerHeartbeat: 190 },
    ],
    frames: [],
    targets: [{ what: 'median outage', target: '≤ 50 ms', measured: '800 ms', pass: false }],
  };
}

test('the text table shows min / median / max per system and marks failures and misses', () => {
  const text = toText(sample());
  assert.match(text, /100 ms \/ 500 ms\s+unthrottled\s+700 ms \/ 800 ms \/ 900 ms/);
  assert.match(text, /no failover \(1 failed\)/);
  assert.match(text, /\(no serial medium\)/);
  assert.match(text, /2 \(at 1\.5, 9 s\)/);
  assert.match(text, /MISS/);
  assert.match(text, /2 × Test CPU, Linux 6\.1\.0/);
});

test('takeover overhead is the median outage minus the configured detection time; keepalived detects in 3 × advert + skew', () => {
  const text = toText(sample());
  assert.match(text, /100 ms \/ 500 ms\s+unthrottled\s+\+300 ms \(detection 500 ms\)/, 'twinbeat: 800 − 500');
  assert.match(text, /−61 ms \(detection 361 ms\)/, 'keepalived: 300 − (300 + 156/256 × 100)');
  assert.equal(keepalivedDetectionMs({ label: '', keepaliveMs: 1000, deadtimeMs: 5000 }), 3000 + (156 / 256) * 1000);
});

test("the headline takes each system's most aggressive setting without false takeovers, with the ratio to the best peer", () => {
  const r = sample();
  const fast = { label: '20 ms / 80 ms', keepaliveMs: 20, deadtimeMs: 80 };
  r.settings.push(fast);
  r.outage.push({ system: 'twinbeat', setting: fast.label, cable: '19200 baud', outagesMs: [150], spread: { n: 1, min: 150, median: 150, max: 150 }, failures: [] });
  r.outage.push({ system: 'keepalived', setting: fast.label, cable: 'none', outagesMs: [75], spread: { n: 1, min: 75, median: 75, max: 75 }, failures: [] });
  r.soak = [
    { system: 'twinbeat', setting: fast.label, cable: '19200 baud', falseTakeovers: 0, atSeconds: [], primaryDied: false, lossDropped: 0 },
    { system: 'twinbeat', setting: r.settings[0]!.label, cable: '19200 baud', falseTakeovers: 0, atSeconds: [], primaryDied: false, lossDropped: 0 },
    { system: 'keepalived', setting: fast.label, cable: 'none', falseTakeovers: 3, atSeconds: [1], primaryDied: false, lossDropped: 0 },
    { system: 'keepalived', setting: r.settings[0]!.label, cable: 'none', falseTakeovers: 0, atSeconds: [], primaryDied: false, lossDropped: 0 },
  ];
  const rows = headline(r, ['twinbeat', 'heartbeat', 'keepalived']);
  assert.deepEqual(rows.map((h) => [h.system, h.setting, h.medianMs]), [
    ['twinbeat', fast.label, 150],
    ['heartbeat', null, null],
    ['keepalived', r.settings[0]!.label, 300],
  ], 'keepalived falls back to 100/500 (false takeovers at 20/80); Heartbeat was not soaked');
  assert.equal(rows[0]!.ratioToBestPeer, 0.5);
  assert.equal(rows[2]!.ratioToBestPeer, 2);
  assert.match(toText(r), /twinbeat\s+20 ms \/ 80 ms\s+19200 baud\s+150 ms\s+0\.50 ×/);
  assert.match(toText(r), /heartbeat\s+not soaked in this run/, 'no soak entry: not "every setting had false takeovers"');
  assert.match(toText({ ...r, soak: [], soakSeconds: 0 }), /heartbeat\s+not soaked in this run \(--soak-seconds 0\)/, 'a skipped soak is not reported as failed');
});

test('idle cost is shown per serial line with the ratio to Heartbeat on the same line and the load average', () => {
  const text = toText(sample());
  assert.match(text, /twinbeat\s+19200 baud\s+0\.20 \/ 0\.20\s+0\.33 \/ 0\.33\s+0\.50 ×/);
  assert.match(text, /190 B\s+99 % \(10 B overrun\)\s+1\.5/);
});

test('markdown links the plot and escapes nothing it should not', () => {
  const md = toMarkdown(sample(), 'latest.svg');
  assert.match(md, /!\[outage per setting per system\]\(latest\.svg\)/);
  assert.match(md, /^\| keepalive \/ deadtime \| serial link \| twinbeat \| heartbeat \| keepalived \|$/m);
});

test('the plot is one SVG with a bar per measured system and setting', () => {
  const svg = outagePlot(sample());
  assert.ok(svg.startsWith('<svg') && svg.trimEnd().endsWith('</svg>'));
  assert.equal((svg.match(/<rect x=[^>]*><title>/g) ?? []).length, 2);
  assert.match(svg, /twinbeat 100 ms \/ 500 ms unthrottled: median 800 ms/);
});

test('keepalived: VRRPv3 for sub-second adverts, unicast to the peer, alpha preferred', () => {
  const fast = keepalivedConf('alpha', { label: '', keepaliveMs: 100, deadtimeMs: 500 });
  assert.match(fast, /vrrp_version 3/);
  assert.match(fast, /advert_int 0\.1/);
  assert.match(fast, /unicast_peer \{\s+10\.77\.0\.2\s+\}/);
  assert.match(fast, /priority 150/);
  const slow = keepalivedConf('bravo', { label: '', keepaliveMs: 1000, deadtimeMs: 5000 });
  assert.match(slow, /vrrp_version 2/);
  assert.match(slow, /state BACKUP/);
  assert.match(slow, /priority 100/);
});

test('keepalived: a restart after a power cut starts without the dead daemon\'s PID files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tb-ka-'));
  try {
    const nodeDir = join(dir, 'keepalived-alpha');
    mkdirSync(nodeDir);
    // What a SIGKILLed keepalived leaves: its PID files, one naming a process that still exists
    // (here this test itself, as the zombie VRRP child does for kill(pid, 0)), one garbage.
    writeFileSync(join(nodeDir, 'keepalived.pid'), '999999999\n');
    writeFileSync(join(nodeDir, 'vrrp.pid'), `${process.pid}\n`);
    writeFileSync(join(nodeDir, 'checkers.pid'), 'not a pid');
    let argv: string[] = [];
    const lab = { dir, nodeNs: () => ({ spawnLogged: (a: string[]) => ((argv = a), {} as ChildProcess) }) } as unknown as Lab;
    keepalivedStart(lab, 'alpha');
    for (const file of ['keepalived.pid', 'vrrp.pid', 'checkers.pid']) {
      assert.equal(existsSync(join(nodeDir, file)), false, `${file} removed before the start`);
    }
    assert.deepEqual(argv.slice(argv.indexOf('--pid')), ['--pid', join(nodeDir, 'keepalived.pid'), '--vrrp_pid', join(nodeDir, 'vrrp.pid'), '--checkers_pid', join(nodeDir, 'checkers.pid')]);
    assert.ok(argv.includes('--dont-fork') && argv.includes(join(nodeDir, 'keepalived.conf')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
