// The requirements table (scripts/lab/requirements.ts): what each entry point needs, the exact
// command it gives when it cannot install, and that every external command the code runs is in
// the table. Machines are simulated (root or not, commands present or not); nothing is installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  REQUIREMENTS,
  ensureRequirements,
  installCommand,
  labSkipReason,
  missingFor,
  missingSkipReason,
  packagesOf,
  type Probe,
} from '../../../scripts/lab/requirements.js';
import { repoRoot } from '../../support/paths.js';

/** A machine with only `present` installed. */
function machine(root: boolean, present: string[]): Probe {
  return { root, has: (command) => present.includes(command) };
}
const bare = (root: boolean): Probe => machine(root, []);
const commands = (rows: { command: string }[]): string[] => rows.map((r) => r.command);

test('the demo needs the lab and what the daemon runs, not the tests\' or the bench\'s tools', () => {
  const needed = commands(missingFor('demo', bare(true)));
  for (const c of ['ip', 'bridge', 'socat', 'arping', 'ping']) assert.ok(needed.includes(c), c);
  for (const c of ['crm_verify', 'sysctl', 'nft', 'stress-ng']) assert.ok(!needed.includes(c), c);
});

test('the tests need the lab, the daemon\'s tools and their own; the bench its reference systems', () => {
  const tests = commands(missingFor('tests', bare(true)));
  for (const c of ['ip', 'socat', 'arping', 'ping', 'sysctl', 'crm_verify']) assert.ok(tests.includes(c), c);
  assert.ok(!tests.includes('nft'));
  const bench = commands(missingFor('bench', bare(true)));
  for (const c of ['ip', 'socat', 'nft', 'stress-ng', '/usr/libexec/heartbeat/heartbeat', '/usr/sbin/keepalived']) assert.ok(bench.includes(c), c);
  assert.ok(!bench.includes('crm_verify'));
});

test('without root only what a test without root runs is required (socat); everything present: nothing', () => {
  assert.deepEqual(commands(missingFor('tests', bare(false))), ['socat']);
  assert.deepEqual(missingFor('bench', machine(true, REQUIREMENTS.map((r) => r.command))), []);
});

test('one package per name in the install command, in table order', () => {
  const rows = missingFor('demo', bare(true));
  const packages = packagesOf(rows);
  assert.equal(packages.filter((p) => p === 'iproute2').length, 1);
  assert.equal(installCommand(packages).startsWith('apt-get update && apt-get install -y --no-install-recommends iproute2 socat '), true);
});

test('cannot install (not root, or no apt-get): the exact command, nothing said, nothing run', () => {
  const said: string[] = [];
  const notRoot = ensureRequirements('tests', (l) => said.push(l), machine(false, ['apt-get']));
  assert.equal(notRoot.ok, false);
  assert.match(notRoot.ok ? '' : notRoot.message, /^needs socat \(the lab's null-modem serial cable\); run as root: apt-get update && apt-get install -y --no-install-recommends socat$/);
  const noApt = ensureRequirements('demo', (l) => said.push(l), machine(true, ['ip', 'bridge', 'socat', 'arping', 'timeout', 'setsid', 'awk', 'chrt', 'prlimit', 'logger']));
  assert.equal(noApt.ok, false);
  assert.match(noApt.ok ? '' : noApt.message, /^needs ping \(.*\); install them \(Debian: apt-get update && apt-get install -y --no-install-recommends iputils-ping\)$/);
  assert.deepEqual(said, []);
});

test('nothing missing: ok, nothing installed, nothing said', () => {
  const said: string[] = [];
  const outcome = ensureRequirements('demo', (l) => said.push(l), machine(true, REQUIREMENTS.map((r) => r.command)));
  assert.deepEqual(outcome, { ok: true, installed: [] });
  assert.deepEqual(said, []);
});

test("the lab's skip reason names the missing lab command and how to install it", { skip: process.platform !== 'linux' }, () => {
  assert.equal(labSkipReason(machine(false, [])), 'needs root (network namespaces)');
  assert.equal(labSkipReason(machine(true, ['ip', 'bridge'])), 'needs socat installed: apt-get update && apt-get install -y --no-install-recommends socat');
  assert.equal(labSkipReason(machine(true, ['ip', 'bridge', 'socat'])), false);
  assert.equal(missingSkipReason(['arping', 'timeout'], machine(true, ['timeout'])), 'needs arping installed: apt-get update && apt-get install -y --no-install-recommends iputils-arping');
  assert.throws(() => missingSkipReason(['tcpdump']), /tcpdump is not in REQUIREMENTS/);
});

test('every table row is a plain package and command name (they end up in a shell command line)', () => {
  for (const r of REQUIREMENTS) {
    assert.match(r.package, /^[a-z0-9][a-z0-9.+-]*$/, r.package);
    assert.match(r.command, /^[\w/.-]+$/, r.command);
  }
});

/** Every .ts file under dir. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

test('every external command the code, the tests and the shipped resource scripts run is in the table', () => {
  // What Node.js code (src, scripts, test) starts: the first argv element of a spawn/exec/run call, e.g. run(['ip', …]),
  // or a command looked up on PATH to be run later (findOnPath('systemctl') for systemd: resources).
  // A command given by absolute path ('/usr/bin/setpriv') counts by its name.
  const call = /\b(?:spawn|spawnChild|spawnSync|execFile|execFileSync|run|exec|wrap|spawnLogged|findOnPath)\(\s*\[?\s*'(?:\/(?:[\w.-]+\/)*)?([a-z][\w.-]*)'/g;
  const found = new Set<string>();
  for (const file of ['src', 'scripts', 'test'].flatMap((dir) => sources(join(repoRoot, dir)))) {
    for (const [, command] of readFileSync(file, 'utf8').matchAll(call)) found.add(command!);
  }
  // What the shipped resource scripts run besides the shell's own builtins.
  const ipaddr = readFileSync(join(repoRoot, 'resources.d/IPaddr'), 'utf8');
  for (const command of ['ip', 'arping', 'timeout', 'setsid', 'ndisc6', 'awk']) if (new RegExp(`\\b${command} `).test(ipaddr)) found.add(command);
  // send_ua is found by path, not by name: the path IPaddr tries first is the table's.
  const sendUa = REQUIREMENTS.find((r) => r.command.endsWith('/send_ua'))!;
  assert.ok(ipaddr.includes(` ${sendUa.command} `), `IPaddr looks for ${sendUa.command}`);
  found.add('send_ua');
  // Part of every system (the shell and coreutils' basics), the installer itself, and the
  // repository's own resource scripts (tests run them by name).
  const ownScripts = [...readdirSync(join(repoRoot, 'resources.d')), ...readdirSync(join(repoRoot, 'test/fixtures/scripts')), ...readdirSync(join(repoRoot, 'scripts/heartbeat'))];
  const everywhere = new Set(['sh', 'bash', 'cat', 'rm', 'env', 'sleep', 'true', 'apt-get', ...ownScripts]);
  const listed = new Set(REQUIREMENTS.map((r) => r.command.split('/').pop()));
  const missing = [...found].filter((c) => !everywhere.has(c) && !listed.has(c));
  assert.deepEqual(missing, [], 'add these to REQUIREMENTS in scripts/lab/requirements.ts');
  assert.ok(['ip', 'socat', 'chrt', 'sysctl', 'ndisc6', 'systemctl', 'setpriv', 'awk'].every((c) => found.has(c)), `the scan finds commands: ${[...found].join(' ')}`);
});

test('the command: a purpose it does not know is a usage error; list prints the table', () => {
  const script = join(repoRoot, 'dist/scripts/lab/requirements.js');
  const bad = spawnSync(process.execPath, [script, 'demo; rm -rf /'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^usage: requirements demo\|tests\|bench\|list/);
  const list = spawnSync(process.execPath, [script, 'list'], { encoding: 'utf8' });
  assert.equal(list.status, 0);
  assert.equal(list.stdout.trim().split('\n').length, REQUIREMENTS.length);
});
