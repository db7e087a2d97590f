// `twinbeat status` as a monitor uses it: the health verdict and its exit code (0/1/2/3), the
// Nagios line of --check, JSON also without a daemon, and the read-only status socket
// (tb_status_group): it answers status, refuses every other command, and the CLI falls back to
// it when the control socket is closed to the user.
import { nobodySkipReason } from '../../support/unprivileged.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assessStatus, nagiosLine } from '../../../src/cli/status-health.js';
import { statusCommand } from '../../../src/cli/commands/status.js';
import { runCli } from '../../../src/cli/dispatch.js';
import { startControlServer, controlRequest, CONTROL_COMMANDS, type ControlRequest, type ControlHandler } from '../../../src/daemon/control.js';
import { startStatusSocket, statusSocketPath } from '../../../src/daemon/status-socket.js';
import type { StatusReport, UplinkView } from '../../../src/daemon/status-report.js';
import { cliPath } from '../../support/paths.js';

export function healthyReport(): StatusReport {
  return {
    version: 1,
    daemon: { pid: 42, version: '0.1.0', uptimeMs: 60_000, configDir: '/etc/ha.d', stateFile: '/var/lib/twinbeat/state.ini' },
    self: { name: 'alpha', role: 'active', standby: false, deferringToPeer: null, generation: 7 },
    peer: { name: 'beta', role: 'active', standby: false, generation: 3, state: 'alive', lastHeardAgeMs: 250, leftGracefully: false, stable: true },
    configDigest: { self: 'abcdef0123', match: true },
    takeoverGate: 'closed',
    lastCommand: null,
    links: [{ name: 'udp:ucast:eth1:10.0.0.2', kind: 'udp', state: 'up', mediumDown: null, lastHeardAgeMs: 250, interArrival: { mean: 1000, p50: 1000, p99: 1009, p999: 1010, max: 1010, count: 9 }, framesSent: 10, framesReceived: 9, drops: {}, supportedDeadtimeMs: null }],
    groups: [
      { index: 0, key: 'IPaddr::10.0.0.100', owner: 'alpha', holders: ['alpha'], peerHeldAtLastContact: false, phase: 'running', desired: 'self', pendingHandover: null, why: '', failedHere: false, noEligibleHolder: null, move: null,
        resources: [{ id: 'IPaddr::10.0.0.100', state: 'running', monitorFailures: 0, restarts: 0 }] },
      { index: 1, key: 'Dummy::b', owner: 'beta', holders: ['beta'], peerHeldAtLastContact: false, phase: 'stopped', desired: 'peer', pendingHandover: null, why: '', failedHere: false, noEligibleHolder: null, move: null,
        resources: [{ id: 'Dummy::b', state: 'stopped', monitorFailures: 0, restarts: 0 }] },
    ],
    drops: {},
  };
}

function uplink(over: Partial<UplinkView>): UplinkView {
  return { state: 'ok', self: null, peer: null, why: '', sinceAgeMs: 1000, lastHandover: null, handovers: 0, ...over };
}

const variant = (change: (r: StatusReport) => void): StatusReport => {
  const r = healthyReport();
  change(r);
  return r;
};

test('health: healthy → ok 0; each degradation → warning 1; split brain and a group running nowhere → critical 2', () => {
  assert.deepEqual(assessStatus(healthyReport()), { level: 'ok', code: 0, problems: [] });
  const warnings: [string, (r: StatusReport) => void, RegExp][] = [
    ['link dead', (r) => void (r.links[0]!.state = 'dead'), /link udp:ucast:eth1:10\.0\.0\.2 is dead/],
    ['medium down', (r) => void (r.links[0]!.mediumDown = 'ENODEV'), /medium down: ENODEV/],
    ['config drift', (r) => void (r.configDigest.match = false), /configuration differs from beta's/],
    ['group failed here', (r) => void (r.groups[1]!.failedHere = true), /Dummy::b failed on alpha/],
    ['stop failed', (r) => void (r.groups[0]!.phase = 'stop-failed'), /failed to stop on alpha/],
    ['peer dead, we hold everything', (r) => { r.peer.state = 'dead'; r.links[0]!.state = 'dead'; r.groups[1]!.holders = ['alpha']; }, /peer beta is dead: no failover possible/],
    ['starting up', (r) => { r.self.role = 'init'; r.groups.forEach((g) => (g.holders = [])); }, /alpha is starting up/],
    ['cut cable: the peer may still hold it', (r) => { r.peer.state = 'dead'; r.groups[1]!.holders = []; r.groups[1]!.peerHeldAtLastContact = true; }, /beta held it when last heard/],
    ['standby here', (r) => { r.self.standby = true; r.self.role = 'standby'; r.groups[0]!.holders = ['beta']; }, /^alpha is in standby: it takes no group over$/],
    ['peer in standby', (r) => { r.peer.standby = true; r.peer.role = 'standby'; r.groups[1]!.holders = ['alpha']; }, /^peer beta is in standby: no failover possible$/],
    ['peer failed a stop', (r) => void (r.peer.role = 'failed'), /^peer beta failed to stop a group: operator action needed there$/],
    ['uplink: a ping node lost here, nothing moves (equal scores)', (r) => void (r.uplink = uplink({ state: 'ok', self: { score: 1, total: 2, failing: ['ping 10.0.0.1'] }, peer: 1 })),
      /^uplink of alpha 1\/2 \(failing: ping 10\.0\.0\.1\)$/],
    ['uplink: handing the groups over', (r) => void (r.uplink = uplink({ state: 'handing-over', self: { score: 0, total: 1, failing: ['interface eth1'] }, peer: 1, why: "our uplink score 0, the peer's 1" })),
      /^uplink of alpha 0\/1 \(failing: interface eth1\): our uplink score 0, the peer's 1$/],
    ['uplink: the peer announces less than ours', (r) => void (r.uplink = uplink({ state: 'ok', self: { score: 2, total: 2, failing: [] }, peer: 1 })), /^uplink of beta worse than alpha's \(1 < 2\)$/],
  ];
  for (const [name, change, why] of warnings) {
    const health = assessStatus(variant(change));
    assert.equal(health.level, 'warning', name);
    assert.equal(health.code, 1, name);
    assert.ok(health.problems.some((p) => why.test(p.text)), `${name}: ${JSON.stringify(health.problems)}`);
  }
  const split = assessStatus(variant((r) => void (r.groups[0]!.holders = ['alpha', 'beta'])));
  assert.equal(split.code, 2);
  assert.equal(split.problems[0]!.text, 'split brain: IPaddr::10.0.0.100 runs on alpha and beta', 'critical first');
  const nowhere = assessStatus(variant((r) => { r.groups[1]!.holders = []; r.links[0]!.state = 'late'; }));
  assert.equal(nowhere.code, 2);
  assert.deepEqual(nowhere.problems.map((p) => p.level), ['critical', 'warning']);
  assert.equal(nowhere.problems[0]!.text, 'Dummy::b runs nowhere');
  // Nobody may hold it (the core's no-eligible-holder): critical, with the core's reason.
  const orphan = assessStatus(variant((r) => { r.self.standby = true; r.self.role = 'standby'; r.peer.state = 'dead'; r.links[0]!.state = 'dead';
    r.groups.forEach((g) => { g.holders = []; g.noEligibleHolder = 'not eligible here (standby) and beta is dead'; }); }));
  assert.equal(orphan.code, 2);
  assert.equal(orphan.problems[0]!.text, 'IPaddr::10.0.0.100 runs nowhere: not eligible here (standby) and beta is dead');
  // Uplink tracking on with full scores on both nodes, or off: nothing to say.
  for (const u of [uplink({ state: 'ok', self: { score: 2, total: 2, failing: [] }, peer: 2 }), uplink({ state: 'off', self: null, peer: null }), uplink({ state: 'recovering', self: { score: 2, total: 2, failing: [] }, peer: 2 })])
    assert.deepEqual(assessStatus(variant((r) => void (r.uplink = u))), { level: 'ok', code: 0, problems: [] }, u.state);
  // A per-group move (the group on the node it was moved to) is not a problem.
  assert.equal(assessStatus(variant((r) => { r.groups[1]!.move = { node: 'beta', how: 'move', at: '2026-01-01T00:00:00.000Z' }; })).level, 'ok');
  // Not critical: during start-up, during a graceful stop, during a handover.
  for (const [name, change] of [
    ['init', (r: StatusReport) => { r.self.role = 'init'; r.groups[1]!.holders = []; }],
    ['leaving', (r: StatusReport) => { r.self.role = 'leaving'; r.groups[1]!.holders = []; }],
    ['handover', (r: StatusReport) => { r.groups[1]!.holders = []; r.groups[1]!.pendingHandover = 'granting'; }],
  ] as const) assert.notEqual(assessStatus(variant(change)).level, 'critical', name);
});

test('--check: one Nagios line per level with perfdata; a | or newline in a reason cannot break it', () => {
  assert.equal(nagiosLine(healthyReport(), assessStatus(healthyReport())),
    'TWINBEAT OK - alpha active, peer beta alive, 1/1 links up, 1/2 groups held here | links_up=1;;;0;1 groups_held=1;;;0;2');
  const odd = variant((r) => { r.groups[0]!.holders = ['alpha', 'beta']; r.links[0]!.mediumDown = 'bad|thing\nsecond line'; });
  const line = nagiosLine(odd, assessStatus(odd));
  assert.match(line, /^TWINBEAT CRITICAL - split brain: IPaddr::10\.0\.0\.100 runs on alpha and beta; link .* medium down: bad\/thing second line \| links_up=/);
  assert.equal(line.split('\n').length, 1);
  assert.equal(line.split('|').length, 2);
});

function configDir(t: { after: (fn: () => void) => void }) {
  const dir = mkdtempSync(join(tmpdir(), 'tb-status-health-'));
  chmodSync(dir, 0o755);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const socket = join(dir, 'control.sock');
  writeFileSync(join(dir, 'ha.cf'), `node alpha beta\ntb_control_socket ${socket}\n`);
  return { dir, socket, statusSocket: statusSocketPath(socket) };
}

async function status(dir: string, ...args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(['-c', dir, 'status', ...args], { out: (s) => void (out += s), err: (s) => void (err += s) }, [statusCommand]);
  return { code, out, err };
}

test('CLI: exit code and outputs per health level, from a daemon answering on the control socket', async (t) => {
  const { dir, socket } = configDir(t);
  let report = healthyReport();
  const server = await startControlServer({ path: socket, group: null, handler: async () => ({ ok: true, data: report }) });
  t.after(() => server.close());
  const ok = await status(dir);
  assert.equal(ok.code, 0);
  assert.match(ok.out, /\nhealth OK\n$/);
  assert.equal((await status(dir, '--check')).out, `${nagiosLine(report, assessStatus(report))}\n`);
  const json = JSON.parse((await status(dir, '--json')).out) as { running: boolean; health: { level: string }; version: number };
  assert.deepEqual([json.running, json.health.level, json.version], [true, 'ok', 1]);
  report = variant((r) => void (r.configDigest.match = false));
  assert.equal((await status(dir, '--check')).code, 1);
  report = variant((r) => void (r.groups[0]!.holders = ['alpha', 'beta']));
  const critical = await status(dir);
  assert.equal(critical.code, 2);
  assert.match(critical.out, /health CRITICAL: CRITICAL split brain/);
  assert.match((await status(dir, '--check')).out, /^TWINBEAT CRITICAL - split brain/);
});

test('CLI: not running → 3; --json prints {running:false}, --check prints UNKNOWN; usage errors in JSON too', async (t) => {
  const { dir, socket } = configDir(t);
  const human = await status(dir);
  assert.deepEqual(human, { code: 3, out: '', err: `twinbeat status: twinbeat is not running (no control socket at ${socket})\n` });
  const json = await status(dir, '--json');
  assert.equal(json.code, 3);
  assert.deepEqual(JSON.parse(json.out), { running: false, error: 'not-running', reason: `twinbeat is not running (no control socket at ${socket})` });
  assert.deepEqual(await status(dir, '--check'), { code: 3, out: `TWINBEAT UNKNOWN - twinbeat is not running (no control socket at ${socket})\n`, err: '' });
  const usage = await status(dir, '--json', '--verbose');
  assert.equal(usage.code, 3, 'a usage error is UNKNOWN, not CRITICAL');
  assert.equal((JSON.parse(usage.out.split('\n')[0]!) as { error: string }).error, 'usage');
  assert.equal((await status(dir, '--json', '--check')).code, 3);
});

test('status socket: answers status, refuses every other command before the handler sees it; 0600 without a group, 0660 with one', async (t) => {
  const { socket, statusSocket } = configDir(t);
  const seen: ControlRequest[] = [];
  const server = await startStatusSocket({ controlSocket: socket, group: null, handler: async (req) => (seen.push(req), { ok: true, data: healthyReport() }), maxConnections: 4, onError: () => {} });
  assert.equal(statSync(statusSocket).mode & 0o777, 0o600);
  for (const cmd of CONTROL_COMMANDS.filter((c) => c !== 'status')) {
    const answer = await controlRequest(statusSocket, { cmd }, 2000);
    assert.equal(answer.ok, false, cmd);
    assert.match((answer as { error: string }).error, new RegExp(`^${cmd} is not allowed on this socket \\(read-only: status\\)`));
  }
  assert.deepEqual(seen, [], 'the handler never saw a write command');
  assert.equal((await controlRequest(statusSocket, { cmd: 'status' }, 2000)).ok, true);
  await server.close();
  assert.equal(existsSync(statusSocket), false, 'removed on close');
  const grouped = await startStatusSocket({ controlSocket: socket, group: '65534', handler: async () => ({ ok: true }), maxConnections: 4, onError: () => {} });
  t.after(() => grouped.close());
  const st = statSync(statusSocket);
  assert.deepEqual([st.mode & 0o777, st.gid], [0o660, 65534]);
  assert.equal(statusSocketPath('/run/x/status.sock'), '/run/x/status-ro.sock', 'never the control socket itself');
});


test('hostile, as a real unprivileged user in the status group: status works through status.sock, standby and stop are refused', { skip: nobodySkipReason, timeout: 60_000 }, async (t) => {
  const { dir, socket, statusSocket } = configDir(t);
  const commands: string[] = [];
  const handler: ControlHandler = async (req) => (commands.push(req.cmd), req.cmd === 'status' ? { ok: true, data: healthyReport() } : { ok: true, message: 'done' });
  const control = await startControlServer({ path: socket, group: null, handler });
  const ro = await startStatusSocket({ controlSocket: socket, group: '65534', handler, maxConnections: 4, onError: () => {} });
  t.after(async () => { await control.close(); await ro.close(); });
  // Asynchronously: the servers answering live in this process.
  const nobody = (argv: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) =>
      execFile('/usr/bin/setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ...argv], { timeout: 30_000 }, (err, stdout, stderr) =>
        resolve({ status: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr })));
  const asNobody = (...args: string[]) => nobody([cliPath, '-c', dir, ...args]);
  const check = await asNobody('status', '--check');
  assert.equal(check.status, 0, check.stderr);
  assert.match(check.stdout, /^TWINBEAT OK - /);
  for (const cmd of ['standby', 'stop']) {
    const refused = await asNobody(cmd);
    assert.notEqual(refused.status, 0, cmd);
    assert.match(refused.stderr, /permission denied on control socket/, cmd);
  }
  // Speaking the protocol to status.sock directly, as that user: refused by the daemon.
  const raw = await nobody(['-e',
    `const s=require('net').createConnection(${JSON.stringify(statusSocket)});s.on('connect',()=>s.write('{"cmd":"stop"}\\n'));s.on('data',(d)=>{process.stdout.write(d);s.destroy()})`]);
  assert.match(raw.stdout, /"ok":false,"error":"stop is not allowed on this socket/, raw.stderr);
  assert.deepEqual(commands.filter((c) => c !== 'status'), [], 'no write command reached the handler');
});
