// Unit tests for takeover-breakdown.ts's readers (pure text in, milestones out): the scripts'
// xtrace, the daemon's logfile, `ip -ts monitor neigh`. Hostile lines are skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bashEnvText, parseNeighChange, parseScriptTrace, watchAppend } from '../../../scripts/bench/takeover-breakdown.js';

const trace = [
  '1000.010000 200 begin IPaddr 10.0.0.1/24/eth0 probe',
  '+ 1000.011000 200 arping -D -c 1',
  '1000.030000 200 end',
  '1000.045000 300 begin IPaddr 10.0.0.1/24/eth0 start',
  '++ 1000.050000 300 ip -o -4 addr show to 10.0.0.1/32 dev eth0',
  '++ 1000.052000 300 ip addr add 10.0.0.1/24 brd + dev eth0 label eth0:tb',
  '+ 1000.053000 300 setsid bash -c ...',
  '1000.054000 300 end',
  '1000.058000 301 begin tb-ipaddr-arp 5 0.200 eth0 10.0.0.1',
  '+ 1000.058500 301 arping -q -U -c 1 -I eth0 -s 10.0.0.1 10.0.0.1',
  '1000.059000 301 ip addr add spoofed: not traced, not a begin or end',
  'garbage line',
].join('\n');

const r = (x: number | undefined) => (x === undefined ? NaN : Math.round(x * 1e3) / 1e3);

test('parseScriptTrace: the start after the decision, its ip addr add, the first ARP, the probe before it', () => {
  const m = parseScriptTrace(trace, 1000.04 * 1000);
  assert.equal(r(m.probeSpawn), 1000010);
  assert.equal(r(m.probeExit), 1000030);
  assert.equal(r(m.spawn), 1000045);
  assert.equal(r(m.ipAdd), 1000052, 'the presence check is not the add; a nested add (in $(...)) is');
  assert.equal(r(m.scriptExit), 1000054);
  assert.equal(r(m.arping), 1000058.5, "the burst's arping, not the probe's arping -D");
  assert.equal(parseScriptTrace(trace, 1000.05 * 1000).spawn, undefined, 'no start after the decision');
  assert.deepEqual(parseScriptTrace('', 0), {});
  assert.deepEqual(parseScriptTrace('x\n\u0000\nnotatime 1 begin IPaddr x start', 0), {});
});

test('parseScriptTrace: an armed start is the probe up to its verdict and the start from its go line', () => {
  const armed = [
    '1000.001000 190 begin IPaddr 10.0.0.1/24/eth0 gated-start',
    '+ 1000.002000 190 echo \'tb-gate: free\'',
    '1000.004000 190 end',
    '1000.010000 200 begin IPaddr 10.0.0.1/24/eth0 gated-start',
    '+ 1000.011000 200 arping -D -c 1',
    "+ 1000.030000 200 echo 'tb-gate: free'",
    "+ 1000.041000 200 echo 'tb-gate: go'",
    '++ 1000.043000 200 ip addr add 10.0.0.1/24 brd + dev eth0 label eth0:tb',
    '+ 1000.044000 200 arping -q -U -c 1 -I eth0 -s 10.0.0.1 10.0.0.1',
    '1000.046000 200 end',
  ].join('\n');
  const m = parseScriptTrace(armed, 1000.04 * 1000);
  assert.deepEqual([m.probeSpawn, m.probeExit, m.spawn, m.ipAdd, m.arping, m.scriptExit].map(r), [1000010, 1000030, 1000041, 1000043, 1000044, 1000046], 'the cancelled armed start before it does not count');
  assert.equal(parseScriptTrace(armed, 1000.042 * 1000).spawn, undefined, 'a go before the decision is not the takeover');
});

test('watchAppend: only text appended after the watch began counts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'h13o-watch-'));
  try {
    const path = join(dir, 'out');
    writeFileSync(path, 'WARN event=peer-dead earlier\n');
    let t = 0;
    const w = watchAppend(path, 'event=peer-dead', () => ++t);
    appendFileSync(path, 'INFO event=other\n');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(w.seenAt(), undefined, 'the line from before the watch and another event are not it');
    appendFileSync(path, 'WARN event=peer-dead now\n');
    await new Promise((r) => setTimeout(r, 100));
    w.stop();
    assert.ok(w.seenAt() !== undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('parseNeighChange: the first change of the address after the cut, malformed lines skipped', () => {
  const neigh = ['[2026-01-01T00:00:01.000250] 10.0.0.10 dev eth0 lladdr 02:00:00:00:00:01 STALE', '[2026-01-01T00:00:01.000500] 10.0.0.1 dev eth0 lladdr 02:00:00:00:00:02 STALE', '[bad] 10.0.0.1 lladdr'].join('\n');
  const at = parseNeighChange(neigh, '10.0.0.1', 0)!;
  assert.equal(Math.round((at - new Date('2026-01-01T00:00:01').getTime()) * 1000), 500, 'µs kept, local time');
  assert.equal(parseNeighChange(neigh, '10.0.0.1', at + 1), undefined);
});

test('bashEnvText traces IPaddr (by its name) with EPOCHREALTIME, and leaves other scripts alone', () => {
  const dir = mkdtempSync(join(tmpdir(), 'h13o-bashenv-'));
  try {
    const out = join(dir, 'trace');
    writeFileSync(join(dir, 'env'), bashEnvText(out));
    writeFileSync(out, '');
    for (const name of ['IPaddr', 'other']) {
      writeFileSync(join(dir, name), 'true one\n');
      execFileSync('bash', [join(dir, name), 'a', 'start'], { env: { ...process.env, BASH_ENV: join(dir, 'env') } });
    }
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.match(lines[0]!, /^\d+\.\d+ \d+ begin IPaddr a start$/);
    assert.match(lines[1]!, /^\+ \d+\.\d+ \d+ true one$/);
    assert.match(lines.at(-1)!, /^\d+\.\d+ \d+ end$/);
    assert.ok(!lines.some((l) => l.includes('other')), 'another script is not traced');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
