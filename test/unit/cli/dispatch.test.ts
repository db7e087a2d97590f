// The CLI dispatcher (src/cli/dispatch.ts): global options, --help/--version, usage errors and
// exit codes, and control commands against a fake daemon on a control socket. Touches only temp
// directories it creates (config files, the socket) and removes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { nodeFor, runCli, splitArgv } from '../../../src/cli/dispatch.js';
import { ExitCode, type CliCommand, type GlobalOptions } from '../../../src/cli/command.js';
import { standbyCommand, onlineCommand } from '../../../src/cli/commands/control.js';
import { statusCommand } from '../../../src/cli/commands/status.js';
import { stopCommand } from '../../../src/cli/commands/stop.js';
import { startControlServer } from '../../../src/daemon/control.js';

function captureIo() {
  const io = { stdout: '', stderr: '', out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) };
  return io;
}

function recorder(): CliCommand & { calls: { global: GlobalOptions; args: string[] }[] } {
  const calls: { global: GlobalOptions; args: string[] }[] = [];
  return {
    calls,
    name: 'probe',
    summary: 'records its arguments',
    help: 'usage: twinbeat probe [X]\n\nRecords.',
    async run(global, args) {
      calls.push({ global, args });
      return 7;
    },
  };
}

test('global options before and after the command; defaults: /etc/ha.d and uname -n lower-cased', async () => {
  const probe = recorder();
  const io = captureIo();
  assert.equal(await runCli(['probe', 'a'], io, [probe]), 7, 'the command\'s exit code is returned');
  assert.deepEqual(probe.calls[0], { global: { configDir: '/etc/ha.d', node: hostname().toLowerCase(), json: false, nodeFromDefault: true }, args: ['a'] });
  await runCli(['-c', '/tmp/x', 'probe', '--node', 'Alpha', '--json', 'b', '--', '-c', 'kept'], io, [probe]);
  assert.deepEqual(probe.calls[1], { global: { configDir: '/tmp/x', node: 'alpha', json: true }, args: ['b', '--', '-c', 'kept'] });
  await runCli(['--config=/d', 'probe', '--unknown'], io, [probe]);
  assert.deepEqual(probe.calls[2]!.args, ['--unknown'], 'command options are the command\'s business');
});

test('--help, COMMAND --help and --version print and exit 0', async () => {
  const probe = recorder();
  let io = captureIo();
  assert.equal(await runCli(['--help'], io, [probe]), ExitCode.ok);
  assert.match(io.stdout, /usage: twinbeat \[-c DIR\]/);
  assert.match(io.stdout, /probe {2}records its arguments/);
  assert.match(io.stdout, /3 daemon not running/);
  io = captureIo();
  assert.equal(await runCli(['probe', '-h'], io, [probe]), ExitCode.ok);
  assert.equal(io.stdout, 'usage: twinbeat probe [X]\n\nRecords.\n');
  assert.equal(probe.calls.length, 0);
  io = captureIo();
  assert.equal(await runCli(['--version'], io, [probe]), ExitCode.ok);
  assert.match(io.stdout, /^twinbeat \d+\.\d+\.\d+\n$/);
});

test('usage errors exit 2 with a hint', async () => {
  const probe = recorder();
  let io = captureIo();
  assert.equal(await runCli(['prob'], io, [probe]), ExitCode.usage);
  assert.match(io.stderr, /^twinbeat: unknown command 'prob' \(did you mean probe\?\)\nusage: twinbeat/);
  assert.match(io.stderr, /Run 'twinbeat --help' for details/);
  io = captureIo();
  assert.equal(await runCli([], io, [probe]), ExitCode.usage);
  assert.match(io.stderr, /no command given/);
  io = captureIo();
  assert.equal(await runCli(['--frobnicate', 'probe'], io, [probe]), ExitCode.usage);
  assert.match(io.stderr, /unknown option --frobnicate/);
  io = captureIo();
  assert.equal(await runCli(['-c'], io, [probe]), ExitCode.usage);
  assert.match(io.stderr, /option -c needs a value/);
  io = captureIo();
  // status's exit code is a health verdict: its usage errors are UNKNOWN (3), never CRITICAL (2).
  assert.equal(await runCli(['status', '--verbose'], io, [statusCommand]), 3);
  assert.match(io.stderr, /^twinbeat status: unknown option --verbose\nusage: twinbeat status/);
  io = captureIo();
  assert.equal(await runCli(['status', '--check', '--verbose'], io, [statusCommand]), 3);
  assert.equal(io.stdout, 'TWINBEAT UNKNOWN - twinbeat status: unknown option --verbose\n', 'a plugin line Nagios can read');
  io = captureIo();
  assert.equal(await runCli(['status', '--check', '--json'], io, [statusCommand]), 3);
  assert.match(io.stdout, /"error":"usage"/);
  assert.equal(splitArgv(['--node=Beta', 'x']).global.node, 'beta');
});

function configDir(t: { after: (fn: () => void) => void }): { dir: string; socket: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tb6-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const socket = join(dir, 'control.sock');
  writeFileSync(join(dir, 'ha.cf'), `tb_control_socket ${socket}\ntb_pid_file ${join(dir, 'twinbeat.pid')}\n`);
  return { dir, socket };
}

test('control commands exit 3 with a clear message when the daemon is not running', async (t) => {
  const { dir, socket } = configDir(t);
  for (const command of [statusCommand, standbyCommand, onlineCommand, stopCommand]) {
    const io = captureIo();
    assert.equal(await runCli(['-c', dir, command.name], io, [command]), ExitCode.notRunning, command.name);
    assert.equal(io.stderr, `twinbeat ${command.name}: twinbeat is not running (no control socket at ${socket})\n`);
  }
});

for (const [command, refusal] of [[standbyCommand, 'peer is dead: nobody to hand over to'], [onlineCommand, 'a graceful stop is in progress']] as const) {
  test(`${command.name}: sends its request; accepted → 0 and the message; refused → 1 and the reason`, async (t) => {
    const { dir, socket } = configDir(t);
    const seen: string[] = [];
    let accept = true;
    const server = await startControlServer({
      path: socket,
      group: null,
      handler: async (req) => {
        seen.push(req.group === undefined ? req.cmd : `${req.cmd} ${req.group}`);
        return accept ? { ok: true, message: `${req.cmd} accepted` } : { ok: false, error: refusal };
      },
    });
    t.after(() => server.close());
    let io = captureIo();
    assert.equal(await runCli(['-c', dir, command.name], io, [command]), ExitCode.ok);
    assert.equal(io.stdout, `${command.name} accepted\n`);
    accept = false;
    io = captureIo();
    assert.equal(await runCli(['-c', dir, command.name], io, [command]), ExitCode.failed);
    assert.equal(io.stderr, `twinbeat ${command.name}: refused: ${refusal}\n`);
    io = captureIo();
    assert.equal(await runCli(['-c', dir, command.name, 'IPaddr::10.0.0.1', 'now'], io, [command]), ExitCode.usage, 'a hostile extra argument is a usage error');
    io = captureIo();
    assert.equal(await runCli(['-c', dir, command.name, 'IPaddr::10.0.0.1'], io, [command]), ExitCode.failed, 'one GROUP is sent (per-group standby/online)');
    assert.deepEqual(seen, [command.name, command.name, `${command.name} IPaddr::10.0.0.1`]);
  });
}

test('no --node: the first line of DIR/nodeinfo names this node, as in Heartbeat; else uname -n', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tb-a14o-nodeinfo-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const node = (...argv: string[]) => splitArgv(['-c', dir, ...argv, 'x']).global.node;
  const uname = hostname().toLowerCase();
  assert.equal(node(), uname, 'no nodeinfo');
  writeFileSync(join(dir, 'nodeinfo'), 'Alpha-HB\nsecond line ignored\n');
  assert.equal(node(), 'alpha-hb');
  assert.equal(splitArgv(['x', '-c', dir]).global.node, 'alpha-hb', '-c after the command reads the same directory');
  assert.equal(node('--node', 'Beta'), 'beta', '--node wins');
  assert.equal(splitArgv(['-c', dir, 'x']).global.nodeFromDefault, true);
  assert.equal(splitArgv(['-c', dir, '--node', 'beta', 'x']).global.nodeFromDefault, undefined);
  // Heartbeat takes the first line only when it is complete and not empty.
  // A first line longer than Heartbeat's 256-byte buffer has no newline in it either.
  for (const text of ['alpha', '', '\nalpha\n', '\x00'.repeat(300), 'x'.repeat(100_000) + '\n']) {
    writeFileSync(join(dir, 'nodeinfo'), text);
    assert.equal(node(), uname, JSON.stringify(text.slice(0, 20)));
  }
  writeFileSync(join(dir, 'nodeinfo'), '  gamma \r\n');
  assert.equal(node(), 'gamma', 'surrounding blanks and a CR trimmed');
});

test('a command\'s own -c DIR reads DIR/nodeinfo unless --node was given globally', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tb-a14o-nodeinfo-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'nodeinfo'), 'beta\n');
  const plain = splitArgv(['x']).global;
  assert.equal(nodeFor(plain, dir, undefined), 'beta');
  assert.equal(nodeFor(plain, dir, 'Gamma'), 'gamma');
  assert.equal(nodeFor(splitArgv(['--node', 'alpha', 'x']).global, dir, undefined), 'alpha');
  assert.equal(nodeFor(splitArgv(['-c', '/nonexistent', 'x']).global, '/nonexistent', undefined), hostname().toLowerCase());
});
