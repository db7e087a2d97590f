// The Heartbeat shims answer as Heartbeat 3.0.6 does (HEARTBEAT.md §9.1, the hb_standby and
// hb_takeover scripts): cl_status from a fake `twinbeat status --json`, hb_standby/hb_takeover
// against a fake twinbeat that records what it was asked. Temp files only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../support/paths.js';
import { clStatus, heartbeatLinkName } from '../../../src/cli/heartbeat-compat.js';
import type { StatusReport } from '../../../src/daemon/status-report.js';

const link = (name: string, state: string, mediumDown: string | null = null) => ({
  name, kind: 'udp', state, mediumDown, lastHeardAgeMs: 100, interArrival: { mean: 0, max: 0, p99: 0, count: 0 }, framesSent: 1, framesReceived: 1, drops: {},
});
const group = (index: number, owner: string, phase: string) => ({
  index, key: `IPaddr::10.0.0.${index}`, owner, holders: [], peerHeldAtLastContact: false, phase, desired: 'self', pendingHandover: null, why: '', failedHere: false, resources: [],
});

function report(over: { selfRole?: string; peerState?: string; peerRole?: string; groups?: ReturnType<typeof group>[]; links?: ReturnType<typeof link>[] } = {}): StatusReport {
  return {
    version: 1,
    daemon: { pid: 1, version: '0.1.0', uptimeMs: 1, configDir: '/etc/ha.d', stateFile: '/x' },
    self: { name: 'alpha', role: over.selfRole ?? 'active', standby: false, generation: 3 },
    peer: { name: 'beta', role: over.peerRole ?? 'active', standby: false, generation: 2, state: (over.peerState ?? 'alive') as 'alive', lastHeardAgeMs: 10, leftGracefully: false },
    configDigest: { self: 'abc', match: true },
    takeoverGate: 'open',
    lastCommand: null,
    links: over.links ?? [link('udp:ucast:eth0:10.0.0.2', 'up'), link('serial:/dev/ttyS0', 'dead')],
    groups: over.groups ?? [group(1, 'alpha', 'running'), group(2, 'beta', 'stopped')],
    drops: {},
  } as unknown as StatusReport;
}

test('hbstatus, listnodes, nodestatus: Heartbeat\'s words and exit codes', () => {
  assert.deepEqual(clStatus(['hbstatus'], report()), { out: 'Heartbeat is running on this machine.\n', err: '', code: 0 });
  assert.deepEqual(clStatus(['hbstatus'], null), { out: 'Heartbeat is stopped on this machine.\n', err: '', code: 1 });
  // 3.0.6's hbstatus -v prints no "running" line: version, manager, then listnodes -v (tools/cl_status.c hbstatus()).
  assert.match(clStatus(['hbstatus', '-v'], report()).out, /^version:\ttwinbeat 0\.1\.0\nmanaged by:\t"haresources"\n\nalpha\tactive\t\(nodetype: normal\)\n\teth0\tup\n/);
  assert.deepEqual(clStatus(['listnodes'], report()), { out: 'alpha\nbeta\n', err: '', code: 0 });
  assert.equal(clStatus(['listnodes', '-p'], report()).out, '', 'no ping nodes');
  assert.deepEqual(clStatus(['nodestatus', 'beta'], report()), { out: 'active\n', err: '', code: 0 });
  assert.deepEqual(clStatus(['nodestatus', 'BETA'], report({ peerState: 'dead' })), { out: 'dead\n', err: '', code: 1 });
  assert.deepEqual(clStatus(['nodestatus', 'alpha'], report({ selfRole: 'init', peerState: 'unknown' })), { out: 'up\n', err: '', code: 0 });
  assert.equal(clStatus(['nodestatus', 'beta'], report({ selfRole: 'init', peerState: 'unknown' })).out, 'init\n');
  assert.equal(clStatus(['nodestatus', 'beta'], report({ peerState: 'unknown' })).out, 'dead\n', 'past initdead and never heard');
  assert.equal(clStatus(['nodestatus', '-m', 'beta'], report()).out, 'The cluster node beta is active\n');
  assert.equal(clStatus(['nodestatus', 'beta', '-m'], report()).out, 'The cluster node beta is active\n', 'getopt reads options after the operands too');
  // cl_status: node_status() answers NULL for a node it does not know: a parameter error (11).
  assert.deepEqual(clStatus(['nodestatus', 'gamma'], report()), { out: '', err: 'Error. May be due to incorrect node name\n', code: 11 });
  assert.deepEqual(clStatus(['nodestatus', 'beta'], null), { out: '', err: 'Cannot signon with heartbeat\nREASON: twinbeat is not running\n', code: 1 });
  // As the real cl_status answered here with Heartbeat stopped: signon fails before arguments are read.
  for (const argv of [['nodestatus'], ['listhblinks'], ['nodestatus', '-v', 'beta']]) assert.equal(clStatus(argv, null).code, 1, argv.join(' '));
  const refused = { refused: 'twinbeat status: permission denied on /run/twinbeat/control.sock' };
  assert.deepEqual(clStatus(['hbstatus'], refused), { out: 'Heartbeat is apparently running on this machine, but refuses my connection\n', err: '', code: 0 });
  assert.deepEqual(clStatus(['rscstatus'], refused), { out: '', err: `Cannot signon with heartbeat\nREASON: ${refused.refused}\n`, code: 1 });
  // -v adds the reason in parentheses; -m -v speaks in sentences.
  assert.deepEqual(clStatus(['hbstatus', '-v'], null), { out: 'Heartbeat is stopped on this machine.\n(twinbeat is not running)\n', err: '', code: 1 });
  assert.equal(clStatus(['hbstatus', '-v'], refused).out, `Heartbeat is apparently running on this machine, but refuses my connection\n(${refused.refused})\n`);
  assert.match(clStatus(['hbstatus', '-mv'], report()).out, /^Heartbeat version twinbeat 0\.1\.0\nResources controlled by "haresources"\n\nalpha\tactive/);
  assert.equal(clStatus(['hbstatus', '-m'], report()).out, 'Heartbeat is running on this machine.\n');
});

test('cl_status without a sub-command, or with -h alone, prints its help on stdout and exits 0', () => {
  for (const argv of [[], ['-h']]) {
    const a = clStatus(argv, report());
    assert.equal(a.code, 0);
    assert.equal(a.err, '');
    assert.match(a.out, /^Usage: cl_status <sub-command> \[<options>\] \[<parameters>\]\n/);
    assert.match(a.out, /\nhblinkstatus NODE LINK\n$/);
  }
});

test('listnodes -n and -p: -p alone lists no node (twinbeat has no ping nodes), both together list every node', () => {
  assert.equal(clStatus(['listnodes', '-n'], report()).out, 'alpha\nbeta\n');
  assert.equal(clStatus(['listnodes', '-p'], report()).out, '');
  assert.equal(clStatus(['listnodes', '-p', '-n'], report()).out, 'alpha\nbeta\n');
  assert.equal(clStatus(['listnodes', '-pn'], report()).out, 'alpha\nbeta\n');
});

test('rscstatus: none, local, foreign, all, transition', () => {
  const rsc = (groups: ReturnType<typeof group>[], selfRole = 'active') => clStatus(['rscstatus'], report({ groups, selfRole })).out;
  assert.equal(rsc([group(1, 'alpha', 'running'), group(2, 'beta', 'stopped')]), 'local\n');
  assert.equal(rsc([group(1, 'alpha', 'stopped'), group(2, 'beta', 'running')]), 'foreign\n');
  assert.equal(rsc([group(1, 'alpha', 'running'), group(2, 'beta', 'stop-failed')]), 'all\n');
  assert.equal(rsc([group(1, 'alpha', 'stopped')]), 'none\n');
  assert.equal(rsc([group(1, 'alpha', 'starting')]), 'transition\n');
  assert.equal(rsc([], 'transition'), 'transition\n');
  assert.equal(clStatus(['rscstatus', '-m'], report()).out, 'This node is holding local resources.\n');
});

test('listhblinks and hblinkstatus name links as Heartbeat does (interface, serial device)', () => {
  assert.equal(heartbeatLinkName('udp:ucast:eth1:10.0.0.2'), 'eth1');
  assert.equal(heartbeatLinkName('udp:bcast:bond0'), 'bond0');
  assert.equal(heartbeatLinkName('serial:/dev/ttyS0'), '/dev/ttyS0');
  assert.equal(heartbeatLinkName('memory:a'), 'memory:a');
  assert.deepEqual(clStatus(['listhblinks', 'beta'], report()), { out: '\teth0\n\t/dev/ttyS0\n', err: '', code: 0 });
  assert.equal(clStatus(['listhblinks', '-v', 'beta'], report()).out, '\teth0\tup\n\t/dev/ttyS0\tdead\n');
  assert.equal(clStatus(['listhblinks', '-v', 'alpha'], report({ links: [link('serial:/dev/ttyS0', 'dead', 'ENOENT')] })).out, '\t/dev/ttyS0\tdead\n', 'own links: the medium');
  assert.deepEqual(clStatus(['hblinkstatus', 'beta', 'eth0'], report()), { out: 'up\n', err: '', code: 0 });
  assert.deepEqual(clStatus(['hblinkstatus', 'beta', '/dev/ttyS0'], report()), { out: 'dead\n', err: '', code: 1 });
  assert.deepEqual(clStatus(['hblinkstatus', 'beta', 'serial:/dev/ttyS0'], report()), { out: 'dead\n', err: '', code: 1 }, "twinbeat's link name works too");
  assert.equal(clStatus(['hblinkstatus', 'beta', 'eth0', '-m'], report()).out, "The node beta's heartbeat link eth0 is up\n");
  // cl_status: an interface or node the daemon does not know makes the query fail: "unknown error" (13).
  assert.deepEqual(clStatus(['hblinkstatus', 'beta', 'eth9'], report()), { out: '', err: 'Cannot get heartbeat link status\nREASON: no link eth9 to node beta\n', code: 13 });
  assert.equal(clStatus(['hblinkstatus', 'gamma', 'eth0'], report()).code, 13);
  assert.deepEqual(clStatus(['listhblinks', 'gamma'], report()), { out: '', err: 'Cannot start heartbeat link interface walk.\nREASON: unknown node gamma\n', code: 13 });
  // A late link is still up for Heartbeat (it only has up and dead); two links on one interface: up if any is.
  const two = report({ links: [link('udp:bcast:eth0', 'dead'), link('udp:ucast:eth0:10.0.0.2', 'late')] });
  assert.equal(clStatus(['listhblinks', '-v', 'beta'], two).out, '\teth0\tup\n');
});

test('hostile or wrong arguments: parameter errors (exit 11), never a crash', () => {
  for (const argv of [['nosuch'], ['nodestatus'], ['hblinkstatus', 'beta'], ['listnodes', '--evil'], ['-x', 'hbstatus'], ['-m', 'nodestatus', 'beta'], ['nodestatus', '-v', 'beta'], ['rscstatus', '-p'], ['clientstatus', 'beta', 'ipfail'], ['__proto__'], ['constructor', 'x'], ['-h', 'hbstatus']]) {
    const a = clStatus(argv, report());
    assert.equal(a.code, 11, JSON.stringify(argv));
    assert.equal(a.out, '');
    assert.notEqual(a.err, '');
  }
  assert.match(clStatus(['nosuch'], report()).err, /^nosuch: invalid sub-command\.\nUsage: cl_status/);
  // Missing operands: cl_status's own words, which differ by sub-command.
  assert.equal(clStatus(['nodestatus'], report()).err, 'Not enough parameters.\n');
  assert.equal(clStatus(['listhblinks', '-v'], report()).err, 'No enough parameter.\n');
  assert.equal(clStatus(['hblinkstatus', 'beta'], report()).err, 'No enough parameter.\n');
  assert.equal(clStatus(['nodestatus', '-v', 'beta'], report()).err, "cl_status: invalid option -- 'v'\n");
  const long = clStatus(['hblinkstatus', 'x'.repeat(100_000), 'y'.repeat(100_000)], report());
  assert.equal(long.code, 13);
  assert.ok(long.err.length < 300, 'a hostile name is not echoed whole');
  assert.equal(clStatus(['nodestatus', 'x'.repeat(100_000)], report()).code, 11);
});

function fakeTwinbeat(t: { after(fn: () => void): void }, stdout: string, code: number): { dir: string; bin: string; calls: () => string } {
  const dir = mkdtempSync(join(tmpdir(), 'tb-shim-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const bin = join(dir, 'twinbeat');
  writeFileSync(join(dir, 'out'), stdout);
  writeFileSync(bin, `#!/bin/sh\necho "$*" >>'${dir}/calls'\ncat '${dir}/out'\nexit ${code}\n`);
  chmodSync(bin, 0o755);
  return { dir, bin, calls: () => (existsSync(join(dir, 'calls')) ? readFileSync(join(dir, 'calls'), 'utf8') : '') };
}

const clStatusJs = join(repoRoot, 'dist/src/cli/cl-status.js');

test('the cl_status shim runs `twinbeat status --json` and answers from it', (t) => {
  const fake = fakeTwinbeat(t, JSON.stringify(report()), 0);
  const clStatusShim = (...args: string[]) => spawnSync(process.execPath, [clStatusJs, ...args], { encoding: 'utf8', env: { ...process.env, TWINBEAT: fake.bin, TWINBEAT_CONFIG: '/etc/ha.d.test' } });
  const r = clStatusShim('nodestatus', 'beta');
  assert.deepEqual([r.status, r.stdout, r.stderr], [0, 'active\n', '']);
  assert.equal(fake.calls(), '-c /etc/ha.d.test status --json\n');
  assert.deepEqual([clStatusShim('hblinkstatus', 'beta', '/dev/ttyS0').status, clStatusShim('rscstatus').stdout], [1, 'local\n']);
});

test('the cl_status shim: daemon down (exit 3), garbage, and a hung twinbeat', (t) => {
  const down = fakeTwinbeat(t, '', 3);
  const env = (bin: string) => ({ ...process.env, TWINBEAT: bin });
  const stopped = spawnSync(process.execPath, [clStatusJs, 'hbstatus'], { encoding: 'utf8', env: env(down.bin) });
  assert.deepEqual([stopped.status, stopped.stdout], [1, 'Heartbeat is stopped on this machine.\n']);
  const downJson = fakeTwinbeat(t, '{"running":false,"error":"not-running","reason":"twinbeat is not running"}', 3);
  assert.equal(spawnSync(process.execPath, [clStatusJs, 'nodestatus', 'beta'], { encoding: 'utf8', env: env(downJson.bin) }).status, 1);
  const refusing = mkdtempSync(join(tmpdir(), 'tb-shim-'));
  t.after(() => rmSync(refusing, { recursive: true, force: true }));
  // status --json's answer when the control socket is closed to the user (exit 3, JSON on stdout).
  writeFileSync(join(refusing, 'twinbeat'), '#!/bin/sh\necho \'{"running":null,"error":"permission","reason":"permission denied on control socket /run/twinbeat/control.sock"}\'\nexit 3\n');
  chmodSync(join(refusing, 'twinbeat'), 0o755);
  const r = spawnSync(process.execPath, [clStatusJs, 'hbstatus'], { encoding: 'utf8', env: env(join(refusing, 'twinbeat')) });
  assert.deepEqual([r.status, r.stdout], [0, 'Heartbeat is apparently running on this machine, but refuses my connection\n']);
  const garbage = fakeTwinbeat(t, '{"self": 1, "__proto__": {"x": 1}}', 0);
  const g = spawnSync(process.execPath, [clStatusJs, 'rscstatus'], { encoding: 'utf8', env: env(garbage.bin) });
  assert.deepEqual([g.status, g.stdout], [13, '']);
  assert.match(g.stderr, /cannot read twinbeat's status/);
  const hung = mkdtempSync(join(tmpdir(), 'tb-shim-'));
  t.after(() => rmSync(hung, { recursive: true, force: true }));
  writeFileSync(join(hung, 'twinbeat'), '#!/bin/sh\nexec sleep 30\n');
  chmodSync(join(hung, 'twinbeat'), 0o755);
  const started = Date.now();
  const h = spawnSync(process.execPath, [clStatusJs, 'hbstatus'], { encoding: 'utf8', env: env(join(hung, 'twinbeat')), timeout: 20_000 });
  assert.equal(h.status, 12, h.stderr);
  assert.ok(Date.now() - started < 10_000);
});

test('hb_standby and hb_takeover: argument handling as Heartbeat\'s scripts, then twinbeat standby/takeover', (t) => {
  const fake = fakeTwinbeat(t, 'standby accepted\n', 0);
  for (const name of ['hb_standby', 'hb_takeover']) copyFileSync(join(repoRoot, 'scripts/heartbeat', name), join(fake.dir, name));
  for (const name of ['hb_standby', 'hb_takeover']) chmodSync(join(fake.dir, name), 0o755);
  const shim = (name: string, ...args: string[]) => spawnSync(join(fake.dir, name), args, { encoding: 'utf8' });

  const standby = shim('hb_standby');
  assert.deepEqual([standby.status, standby.stdout, standby.stderr], [0, '', ''], 'silent on success, like Heartbeat');
  assert.deepEqual([shim('hb_standby', 'all').status, shim('hb_takeover').status, shim('hb_takeover', 'local').status], [0, 0, 0]);
  assert.equal(fake.calls(), 'standby\nstandby\ntakeover\ntakeover\n', 'the twinbeat next to the shim was used');

  assert.equal(shim('hb_takeover', 'failback').status, 1);
  const wrong = shim('hb_standby', 'bogus; rm -rf /');
  assert.deepEqual([wrong.status, wrong.stdout], [1, `${join(fake.dir, 'hb_standby')}: wrong resources(bogus; rm -rf /).\nusage:\n`]);
  assert.equal(wrong.stderr, `${join(fake.dir, 'hb_standby')} [all|foreign|local|failback]\n`);
  const many = shim('hb_takeover', 'all', 'local');
  assert.deepEqual([many.status, many.stdout], [1, `${join(fake.dir, 'hb_takeover')}: too many arguments\nusage:\n`]);
  assert.equal(fake.calls().split('\n').length - 1, 4, 'refused calls never reach twinbeat');
});

test('hb_standby local|foreign|failback: twinbeat standby --local / --foreign (per-group standby of that set)', (t) => {
  const fake = fakeTwinbeat(t, 'standby accepted\n', 0);
  copyFileSync(join(repoRoot, 'scripts/heartbeat/hb_standby'), join(fake.dir, 'hb_standby'));
  chmodSync(join(fake.dir, 'hb_standby'), 0o755);
  const shim = (...args: string[]) => spawnSync(join(fake.dir, 'hb_standby'), args, { encoding: 'utf8' });
  assert.deepEqual([shim('local').status, shim('foreign').status, shim('failback').status], [0, 0, 0]);
  assert.equal(fake.calls(), 'standby --local\nstandby --foreign\nstandby --foreign\n');
});

test('hb_standby passes twinbeat\'s refusal and "not running" through', (t) => {
  const down = fakeTwinbeat(t, '', 3);
  copyFileSync(join(repoRoot, 'scripts/heartbeat/hb_standby'), join(down.dir, 'hb_standby'));
  chmodSync(join(down.dir, 'hb_standby'), 0o755);
  assert.equal(spawnSync(join(down.dir, 'hb_standby'), [], { encoding: 'utf8' }).status, 3);
});
