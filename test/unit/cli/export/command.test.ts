// `twinbeat export pacemaker` as an operator runs it: arguments, stdout or --out, warnings on
// stderr, exit codes, and what it refuses (unknown target or format, an invalid configuration,
// overwriting files). Runs the command in-process on temporary config directories.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExportCommand } from '../../../../src/cli/commands/export.js';
import { createCommands } from '../../../../src/cli/commands/index.js';
import { ExitCode } from '../../../../src/cli/command.js';
import { writeConfigDir } from './support.js';

function captureIo() {
  const io = { stdout: '', stderr: '', out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) };
  return io;
}

function configDir(t: { after(fn: () => void): void }, haresources = 'alpha 10.0.0.10/24/eth0\n'): string {
  const dir = mkdtempSync(join(tmpdir(), 'tb-export-cmd-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeConfigDir(dir, { haCf: 'node alpha beta\nucast eth0 10.0.0.1\nucast eth0 10.0.0.2\nserial /dev/ttyS0\n', haresources });
  return dir;
}

const global = (dir: string, node = 'alpha') => ({ configDir: dir, node, json: false });
/** The command as on host alpha (eth0 10.0.0.1), finding scripts in the config dir's resource.d. */
const command = (dir: string) => createExportCommand({ searchPath: [join(dir, 'resource.d')], hostNode: () => 'alpha', interfaces: () => ({ eth0: ['10.0.0.1'] }) });

test('export is a registered command', () => {
  const names = createCommands({} as never).map((c) => c.name);
  assert.ok(names.includes('export'));
});

test('stdout: corosync.conf then the CIB, warnings on stderr, this host\'s addresses used', async (t) => {
  const dir = configDir(t);
  const io = captureIo();
  assert.equal(await command(dir).run(global(dir), ['pacemaker'], io), ExitCode.ok, io.stderr);
  assert.match(io.stdout, /^#### corosync\.conf ####\n# corosync\.conf for the twinbeat pair alpha\/beta/);
  assert.match(io.stdout, /\n#### cib\.xml ####\n<\?xml version="1\.0"/);
  assert.match(io.stdout, /name: alpha\n\s+nodeid: 1\n\s+ring0_addr: 10\.0\.0\.1\n/);
  assert.match(io.stdout, /name: beta\n\s+nodeid: 2\n\s+ring0_addr: 10\.0\.0\.2\n/);
  assert.match(io.stderr, /twinbeat export: WARNING: fencing is a placeholder/);
  assert.match(io.stderr, /WARNING: not carried over: serial \/dev\/ttyS0/);
});

test('--format pcs --out DIR writes corosync.conf and an executable pcs script, and never overwrites', async (t) => {
  const dir = configDir(t);
  const out = join(dir, 'out');
  const cmd = createExportCommand({ searchPath: [join(dir, 'resource.d')], hostNode: () => 'alpha', interfaces: () => ({}) });
  const io = captureIo();
  assert.equal(await cmd.run(global(dir), ['pacemaker', '--format', 'pcs', '--out', out, '--cluster-name', 'web-pair'], io), ExitCode.ok, io.stderr);
  assert.match(readFileSync(join(out, 'corosync.conf'), 'utf8'), /cluster_name: web-pair\n/);
  assert.match(readFileSync(join(out, 'pcs-setup.sh'), 'utf8'), /^#!\/bin\/sh\n/);
  assert.equal(statSync(join(out, 'pcs-setup.sh')).mode & 0o777, 0o755);
  assert.ok(!existsSync(join(out, 'cib.xml')));
  writeFileSync(join(out, 'corosync.conf'), 'edited by hand\n');
  const again = captureIo();
  assert.equal(await cmd.run(global(dir), ['pacemaker', '--format', 'pcs', '--out', out], again), ExitCode.failed);
  assert.match(again.stderr, /EEXIST/);
  assert.equal(readFileSync(join(out, 'corosync.conf'), 'utf8'), 'edited by hand\n', 'the operator\'s file is kept');
});

test('another node than this host: interfaces are not consulted, and the output says so', async (t) => {
  const dir = configDir(t);
  const cmd = createExportCommand({ searchPath: [join(dir, 'resource.d')], hostNode: () => 'workstation', interfaces: () => { throw new Error('must not be called'); } });
  const io = captureIo();
  assert.equal(await cmd.run(global(dir), ['pacemaker'], io), ExitCode.ok, io.stderr);
  assert.match(io.stderr, /alpha is not this host, so its interface addresses were not looked up/);
  assert.match(io.stdout, /ring0_addr: FILL_IN_alpha_eth0_address/);
});

test('usage errors: no target, another target, an unknown format, an unknown option', async (t) => {
  const dir = configDir(t);
  for (const [args, message] of [
    [[], /what to export\? \(pacemaker\)/],
    [['heartbeat'], /cannot export to 'heartbeat'/],
    [['pacemaker', '--format', 'crm'], /--format must be cib or pcs, not 'crm'/],
    [['pacemaker', '--force'], /unknown option --force/],
  ] as [string[], RegExp][]) {
    const io = captureIo();
    assert.equal(await command(dir).run(global(dir), args, io), ExitCode.usage, args.join(' '));
    assert.match(io.stderr, message);
    assert.equal(io.stdout, '');
  }
});

test('an invalid configuration exports nothing and says why, as check would', async (t) => {
  const dir = configDir(t, 'gamma 10.0.0.10\n');
  const io = captureIo();
  assert.equal(await command(dir).run(global(dir), ['pacemaker'], io), ExitCode.failed);
  assert.match(io.stderr, /haresources:1: gamma/);
  assert.match(io.stderr, /nothing exported/);
  assert.equal(io.stdout, '');
});

test('a name the cluster stack cannot take is refused with exit 1', async (t) => {
  const dir = configDir(t);
  const io = captureIo();
  assert.equal(await command(dir).run(global(dir), ['pacemaker', '--cluster-name', 'has space'], io), ExitCode.failed);
  assert.match(io.stderr, /cluster name "has space": expected 1-32 letters/);
  assert.equal(io.stdout, '');
});
