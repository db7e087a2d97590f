// `twinbeat check` on a real Heartbeat v1 configuration (test/fixtures/config/valid/
// heartbeat-v1-migration: nice_failback, host names in ucast and ping, stonith_host, watchdog,
// respawn of ipfail): the mapped auto_failback with its origin, the resolved addresses, the
// warnings in their own section and in --json, and --strict failing on them; and Heartbeat's
// nodeinfo naming this node (a real CLI run). Touches only temp copies of the fixture
// (config/stage.ts) and runs the built CLI as a child process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCheckCommand } from '../../../src/cli/commands/check.js';
import type { GlobalOptions } from '../../../src/cli/command.js';
import { fakeResolver, stage, type Staged } from '../config/stage.js';
import { repoRoot } from '../../support/paths.js';

async function check(s: Staged, args: string[] = [], json = false) {
  let out = '';
  let err = '';
  const global: GlobalOptions = { configDir: s.dir, node: 'alpha', json };
  const code = await createCheckCommand({ searchPath: s.searchPath, resolve: s.resolve }).run(global, args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out: s.relative(out), err: s.relative(err) };
}

/** The lines of a section of check's output: from its heading to the next blank line. */
function section(out: string, heading: string): string[] {
  const lines = out.split('\n');
  const at = lines.findIndex((l) => l.startsWith(heading));
  assert.ok(at >= 0, `no section ${heading}`);
  return lines.slice(at + 1, lines.indexOf('', at));
}

test('check on a Heartbeat v1 configuration: mapped auto_failback, resolved names, three warnings, uplink tracking from ipfail, valid', async (t) => {
  const s = stage('valid', 'heartbeat-v1-migration');
  t.after(() => s.remove());
  const r = await check(s);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, '');
  const settings = section(r.out, 'effective configuration:').map((l) => l.trim().split(/\s{2,}/));
  const row = (name: string) => settings.filter((x) => x[0] === name).map((x) => x.slice(1));
  assert.deepEqual(row('medium'), [
    ['ucast eth1 10.1.1.1 (alpha-hb)', 'ha.cf:16'],
    ['ucast eth1 10.1.1.2 (beta-hb)', 'ha.cf:17'],
    ['serial /dev/ttyS0 at 19200 baud', 'ha.cf:14'],
  ]);
  assert.deepEqual(row('auto_failback'), [['on (from nice_failback on: legacy, run as on)', 'ha.cf:18']]);
  assert.deepEqual(row('ping'), [['10.0.0.254 (gw.example.net)', 'ha.cf:22']]);

  const warnings = section(r.out, 'warnings (a protection you configured is not provided):');
  assert.deepEqual(warnings.map((l) => l.trim().split(': ').slice(0, 2).join(': ')), ['ha.cf:19: watchdog', 'ha.cf:20: stonith_host', 'ha.cf:21: stonith_host']);
  assert.match(warnings[0]!, /a hung daemon no longer reboots this node\. Instead: systemd's watchdog: WatchdogSec= in the twinbeat unit/);
  assert.match(warnings[1]!, /nobody powers off a peer that is hung rather than dead.* Instead: a tb_hook fence script/);
  assert.match(row('uplink tracking')[0]![0]!, /^on: score out of 1 \(1 ping target, 0 interfaces\)/);
  assert.equal(row('uplink tracking')[0]![1], 'ha.cf:23');

  const notices = section(r.out, 'notices:');
  assert.deepEqual(notices.map((l) => l.trim().split(': ').slice(0, 2).join(': ')), ['ha.cf:18: nice_failback', 'ha.cf:23: respawn', 'ha.cf:24: apiauth']);
  assert.ok(!notices.some((l) => /stonith|watchdog/.test(l)), 'a warning is not also a notice');
  assert.match(notices[1]!, /ipfail is not run: twinbeat's built-in uplink tracking replaces it/);
  assert.match(r.out, /configuration valid \(digest [0-9a-f]{16}; the peer must show the same\)\n3 warnings \(listed above\)\n$/);
});

test('check --strict: the same configuration exits 1 because of its warnings; without them it exits 0', async (t) => {
  const s = stage('valid', 'heartbeat-v1-migration');
  t.after(() => s.remove());
  const strict = await check(s, ['--strict']);
  assert.equal(strict.code, 1);
  assert.match(strict.out, /3 warnings \(listed above\): --strict fails\n$/);
  const haCf = join(s.dir, 'ha.cf');
  writeFileSync(haCf, readFileSync(haCf, 'utf8').split('\n').filter((l) => !/^(watchdog|stonith_host|respawn)/.test(l)).join('\n'));
  const clean = await check(s, ['--strict']);
  assert.equal(clean.code, 0, clean.out);
  assert.ok(!clean.out.includes('warnings'), clean.out);
});

test('check --json lists warnings apart from notices, each with what is lost and what replaces it', async (t) => {
  const s = stage('valid', 'heartbeat-v1-migration');
  t.after(() => s.remove());
  const r = await check(s, ['--strict'], true);
  assert.equal(r.code, 1);
  const body = JSON.parse(r.out) as {
    valid: boolean; strict: boolean;
    warnings: { line: number; directive: string; lost: string; instead: string; text: string }[];
    notices: { directive: string }[];
    settings: { name: string; value: string; origin: { line: number } | 'default' }[];
  };
  assert.equal(body.valid, true);
  assert.equal(body.strict, true);
  assert.deepEqual(body.warnings.map((w) => [w.line, w.directive]), [[19, 'watchdog'], [20, 'stonith_host'], [21, 'stonith_host']]);
  for (const w of body.warnings) {
    assert.ok(w.lost.length > 20 && w.instead.length > 20, w.directive);
    assert.ok(w.text.endsWith(`${w.lost} Instead: ${w.instead}`));
  }
  assert.deepEqual(body.notices.map((n) => n.directive), ['nice_failback', 'respawn', 'apiauth']);
  const autoFailback = body.settings.find((x) => x.name === 'auto_failback')!;
  assert.equal(autoFailback.value, 'on (from nice_failback on: legacy, run as on)');
  assert.equal(autoFailback.origin !== 'default' && autoFailback.origin.line, 18);
});

test('check: a host name that does not resolve is an error with its FILE:LINE, and nothing else is lost', async (t) => {
  const s = stage('valid', 'heartbeat-v1-migration');
  t.after(() => s.remove());
  writeFileSync(join(s.dir, 'hosts'), '10.1.1.1 alpha-hb\n10.0.0.254 gw.example.net\n');
  const r = await check({ ...s, resolve: fakeResolver(readFileSync(join(s.dir, 'hosts'), 'utf8')) });
  assert.equal(r.code, 1);
  assert.equal(r.err, 'ha.cf:17: ucast: expected a host name with an IPv4 address, got "beta-hb" (not found in /etc/hosts or DNS; write the address, or add the name to /etc/hosts on both nodes)\n');
  assert.ok(section(r.out, 'warnings').length === 3, 'the warnings are still shown with the error');
});

test('check: Heartbeat\'s nodeinfo names this node when --node is not given (the real CLI)', (t) => {
  const s = stage('valid', 'minimal');
  t.after(() => s.remove());
  const cli = join(repoRoot, 'dist/src/cli/main.js');
  const run = (...argv: string[]) => spawnSync(process.execPath, [cli, ...argv], { encoding: 'utf8', timeout: 60_000 });
  writeFileSync(join(s.dir, 'nodeinfo'), 'Beta\n');
  for (const argv of [['-c', s.dir, 'check'], ['check', '-c', s.dir]]) {
    const r = run(...argv);
    assert.match(r.stdout, new RegExp(`^twinbeat check: ${s.dir} as node beta\\n`), r.stderr);
  }
  assert.match(run('-c', s.dir, '--node', 'alpha', 'check').stdout, / as node alpha\n/, '--node wins over nodeinfo');
  writeFileSync(join(s.dir, 'nodeinfo'), 'gamma\n');
  const wrong = run('-c', s.dir, 'check');
  assert.equal(wrong.status, 1);
  assert.match(wrong.stderr, /ha\.cf:1: node: expected this node \(gamma\) to be one of the two nodes.*\(or in nodeinfo\)/);
});
