// `twinbeat check` and the deadtime advisor's saved figures (src/daemon/inter-arrival-file.ts):
// printed with their age when present, the configured deadtime judged against them; a missing
// file says nothing, a hostile one is reported and ignored, never trusted and never fatal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createCheckCommand, type Measured } from '../../../src/cli/commands/check.js';
import type { CliCommand, GlobalOptions } from '../../../src/cli/command.js';
import { figuresFrom, figuresPath, loadFigures, parseFigures, saveFigures, startFiguresSaver, type SavedFigures } from '../../../src/daemon/inter-arrival-file.js';
import { stage } from '../config/stage.js';

async function run(cmd: CliCommand, global: GlobalOptions, args: string[] = []) {
  let out = '';
  let err = '';
  const code = await cmd.run(global, args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const NOW = 1_800_000_000_000;

function figures(over: Partial<SavedFigures> = {}): SavedFigures {
  const ia = (p50: number, p999: number, max: number, count: number) => ({ mean: p50, p50, p99: p50, p999, max, count });
  return {
    version: 1, savedAt: NOW - 180_000, node: 'alpha', keepaliveMs: 500, deadtimeMs: 5000,
    links: [
      { name: 'serial:/dev/ttyS1', kind: 'serial', interArrival: ia(500, 2600, 3000, 4096), supportedDeadtimeMs: 5200 },
      { name: 'udp:ucast:eth1:192.168.50.2', kind: 'udp', interArrival: ia(500, 510, 520, 4096), supportedDeadtimeMs: 1020 },
      { name: 'udp:mcast:eth2:239.0.0.42', kind: 'udp', interArrival: ia(500, 500, 500, 3), supportedDeadtimeMs: null },
    ],
    ...over,
  };
}

/** twinbeat-full (deadtime 5 s) with its state file moved into the staged directory. */
function staged() {
  const s = stage('valid', 'twinbeat-full');
  const stateFile = join(s.dir, 'state', 'state.ini');
  const haCf = join(s.dir, 'ha.cf');
  writeFileSync(haCf, readFileSync(haCf, 'utf8').replace(/^tb_state_file .*$/m, `tb_state_file ${stateFile}`));
  return { s, path: figuresPath(stateFile) };
}

test('saved figures are printed with their age, and a deadtime below what was measured is said', async (t) => {
  const { s, path } = staged();
  t.after(() => s.remove());
  assert.equal(path, join(s.dir, 'state', 'state.inter-arrival.json'), 'next to the state file');
  await saveFigures(path, figures());
  const check = createCheckCommand({ searchPath: s.searchPath, now: () => NOW });
  const r = await run(check, { configDir: s.dir, node: 'alpha', json: false });
  assert.equal(r.code, 0, r.err + r.out);
  assert.match(r.out, /^measured inter-arrival \(saved by the daemon 3m ago in .*state\.inter-arrival\.json, at keepalive 500ms \/ deadtime 5s\):$/m);
  assert.match(r.out, /^ {2}serial:\/dev\/ttyS1 +p50 500ms +p99 500ms +p99\.9 2600ms +max 3000ms +\(4096\) +supports deadtime 5200ms$/m);
  assert.match(r.out, /^ {2}udp:mcast:eth2:239\.0\.0\.42 .*too few frames to advise \(3 of 64\)$/m);
  assert.match(r.out, /^ {2}configured deadtime 5s is BELOW the 5\.2s measured on serial:\/dev\/ttyS1/m);

  const j = await run(check, { configDir: s.dir, node: 'alpha', json: true });
  const measured = (JSON.parse(j.out) as { measured: Measured }).measured;
  assert.ok(!('problem' in measured));
  assert.equal(measured.ageMs, 180_000);
  assert.deepEqual(measured.needed, { deadtimeMs: 5200, link: 'serial:/dev/ttyS1' });
  assert.equal(measured.deadtimeBelowMeasured, true);

  await saveFigures(path, figures({ links: figures().links.slice(1) }));
  const fine = await run(check, { configDir: s.dir, node: 'alpha', json: false });
  assert.match(fine.out, /configured deadtime 5s is at or above what every link measured \(largest: 1\.02s on udp:ucast:eth1:192\.168\.50\.2\)/);
  await saveFigures(path, figures({ links: [figures().links[2]!] }));
  assert.match((await run(check, { configDir: s.dir, node: 'alpha', json: false })).out, /too few frames measured to judge the deadtime/);
});

test('no saved figures: check says nothing about them; JSON has measured null', async (t) => {
  const { s } = staged();
  t.after(() => s.remove());
  const check = createCheckCommand({ searchPath: s.searchPath, now: () => NOW });
  assert.doesNotMatch((await run(check, { configDir: s.dir, node: 'alpha', json: false })).out, /measured inter-arrival/);
  assert.equal((JSON.parse((await run(check, { configDir: s.dir, node: 'alpha', json: true })).out) as { measured: unknown }).measured, null);
});

test('a hostile figures file is reported and ignored; check stays valid', async (t) => {
  const { s, path } = staged();
  t.after(() => s.remove());
  mkdirSync(join(s.dir, 'state'), { recursive: true });
  const check = createCheckCommand({ searchPath: s.searchPath, now: () => NOW });
  const cases: [string, RegExp][] = [
    ['{not json', /ignored \(not JSON\)/],
    ['[]', /ignored \(version: expected 1\)/],
    [JSON.stringify({ ...figures(), savedAt: 'yesterday' }), /savedAt: expected a number of ms/],
    [JSON.stringify({ ...figures(), links: [{ ...figures().links[0], interArrival: { p50: -1 } }] }), /links\[0\]\.interArrival\.mean: expected a number/],
    [JSON.stringify({ ...figures(), links: [{ ...figures().links[0], name: 'evil\u001b[2Jname' }] }), /links\[0\]\.name: expected a link name/],
    [JSON.stringify({ ...figures(), links: [{ ...figures().links[0], supportedDeadtimeMs: -5 }] }), /supportedDeadtimeMs: expected ms or null/],
    [JSON.stringify({ ...figures(), links: Array(65).fill(figures().links[0]) }), /links: expected a list of at most 64/],
    [' '.repeat(70 * 1024), /larger than 64 KiB/],
  ];
  for (const [text, problem] of cases) {
    writeFileSync(path, text);
    const r = await run(check, { configDir: s.dir, node: 'alpha', json: false });
    assert.equal(r.code, 0, text.slice(0, 40));
    assert.match(r.out, problem, text.slice(0, 40));
    assert.doesNotMatch(r.out, /\u001b/);
  }
  // A directory where the file should be.
  mkdirSync(path + '.d');
  assert.deepEqual(await loadFigures(path + '.d'), { ok: false, problem: 'not a regular file' });
});

test('figures round-trip through the file; the saver writes at stop', async (t) => {
  const { s, path } = staged();
  t.after(() => s.remove());
  const saved = figures();
  assert.deepEqual(parseFigures(JSON.stringify(saved)), { ok: true, figures: saved });
  let collected = 0;
  const errors: Error[] = [];
  const saver = startFiguresSaver({ path, everyMs: 3_600_000, collect: () => (collected++, saved), onError: (e) => errors.push(e) });
  assert.equal(existsSync(path), false, 'nothing before the first period or stop');
  await saver.stop();
  assert.equal(collected, 1);
  assert.equal(errors.length, 0);
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), saved);
  // A save that fails (the directory is a file) is reported, not thrown.
  const blocked = join(s.dir, 'blocked');
  writeFileSync(blocked, '');
  const failing = startFiguresSaver({ path: join(blocked, 'x.json'), everyMs: 3_600_000, collect: () => saved, onError: (e) => errors.push(e) });
  await failing.stop();
  assert.equal(errors.length, 1);
});

test('figuresFrom takes the report\'s links and the timings in force', () => {
  const ia = { mean: 20, p50: 20, p99: 20, p999: 20, max: 20, count: 100 };
  const report = { self: { name: 'alpha' }, links: [{ name: 'udp:x', kind: 'udp', interArrival: ia, supportedDeadtimeMs: 40, state: 'up', framesSent: 1 }] } as unknown as Parameters<typeof figuresFrom>[0];
  assert.deepEqual(figuresFrom(report, { keepaliveMs: 20, deadtimeMs: 80 }, 5), {
    version: 1, savedAt: 5, node: 'alpha', keepaliveMs: 20, deadtimeMs: 80, links: [{ name: 'udp:x', kind: 'udp', interArrival: ia, supportedDeadtimeMs: 40 }],
  });
});
