// The prefixed resource classes end to end with real scripts through the real runner: an OCF
// agent in a fake OCF_ROOT (a temp directory) loaded from haresources and run with its
// parameters as OCF_RESKEY_* (hostile values stay values), the daemon's HA_* environment with
// ha.cf env lines, a stand-in systemctl first on PATH that records its calls (the real systemd
// is never touched: every test checks the path it is about to run), and resource-test on an OCF
// agent (meta-data, validate-all) and on a script that leaves its stdout held.
// Touches only its temporary directories and the processes it starts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import type { Config, ResourceSpec } from '../../src/config/types.js';
import { scriptChecks } from '../../src/resources/locate.js';
import { ScriptRunner } from '../../src/resources/runner.js';
import { scriptEnv } from '../../src/daemon/actions.js';
import { createResourceTestCommand } from '../../src/cli/commands/resource-test.js';
import { fakeResolver } from '../unit/config/stage.js';
import { killQuietly, waitGone } from '../support/scripts.js';

const root = process.getuid?.() === 0;
const skip = root ? false : 'needs root (config files and scripts must be root-owned)';

let work: string;
let ocfRoot: string;
let binDir: string;
let calls: string;
let marker: string;
const savedPath = process.env['PATH'];

/** An OCF agent that writes its argv and OCF/HA environment to $OCF_RESKEY_log, keeps state in a file, and answers the OCF codes. */
const agent = `#!/bin/sh
log="\${OCF_RESKEY_log:-/dev/null}"
state="\${OCF_RESKEY_state:-/nonexistent}"
{ echo "argv: $*"; env | grep -E '^(OCF_|HA_)' | sort; echo ---; } >> "$log"
case "$1" in
  meta-data) cat <<'XML'
<?xml version="1.0"?>
<resource-agent name="Probe" version="1.0">
  <version>1.1</version>
  <parameters>
    <parameter name="state" required="1"><content type="string"/></parameter>
    <parameter name="log"><content type="string"/></parameter>
    <parameter name="evil"><content type="string"/></parameter>
    <parameter name="must"><content type="string"/></parameter>
  </parameters>
  <actions><action name="start" timeout="20s"/></actions>
</resource-agent>
XML
    exit 0 ;;
  validate-all) [ -n "$OCF_RESKEY_state" ] || { echo "ocf-exit-reason:state is required" >&2; exit 6; }; exit 0 ;;
  start) echo up > "$state"; exit 0 ;;
  stop) rm -f "$state"; exit 0 ;;
  monitor) [ -f "$state" ] && exit 0; exit 7 ;;
  *) exit 3 ;;
esac
`;

/** Stands in for systemctl: records each call, keeps unit state in files, answers like systemctl. */
const fakeSystemctl = (callLog: string, stateDir: string) => `#!/bin/sh
echo "$*" >> ${callLog}
env | grep -E '^HA_CURHOST=' >> ${callLog}
for last; do :; done
unit="$last"
case "$*" in
  *" start -- "*) [ "$unit" = missing.service ] && { echo "Failed to start $unit: Unit $unit not found." >&2; exit 5; }
                  touch "${stateDir}/$unit"; exit 0 ;;
  *" stop -- "*) [ "$unit" = missing.service ] && { echo "Failed to stop $unit: Unit $unit not loaded." >&2; exit 5; }
                 rm -f "${stateDir}/$unit"; exit 0 ;;
  "is-active -- "*) if [ -f "${stateDir}/$unit" ]; then echo active; exit 0; fi; echo inactive; exit 3 ;;
esac
exit 1
`;

function write(path: string, text: string, mode = 0o755): void {
  writeFileSync(path, text, { mode });
  chmodSync(path, mode);
}

before(() => {
  if (!root) return;
  work = mkdtempSync(join(tmpdir(), 'h15c-classes-'));
  chmodSync(work, 0o755);
  ocfRoot = join(work, 'ocf');
  mkdirSync(join(ocfRoot, 'resource.d', 'acme'), { recursive: true, mode: 0o755 });
  write(join(ocfRoot, 'resource.d', 'acme', 'Probe'), agent);
  binDir = join(work, 'bin');
  mkdirSync(binDir, { mode: 0o755 });
  calls = join(work, 'systemctl.calls');
  mkdirSync(join(work, 'units'), { mode: 0o755 });
  write(join(binDir, 'systemctl'), fakeSystemctl(calls, join(work, 'units')));
  // The stand-in first: loadConfig and resource-test find systemctl on PATH.
  process.env['PATH'] = `${binDir}:${savedPath}`;
  marker = join(work, 'injected');
});

after(() => {
  process.env['PATH'] = savedPath;
  if (work) rmSync(work, { recursive: true, force: true });
});

async function loadPair(haresources: string, haCfExtra = ''): Promise<Config> {
  const dir = mkdtempSync(join(work, 'config-'));
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'ha.cf'), `node alpha\nnode beta\nbcast lo\nauto_failback on\nlogfacility local3\n${haCfExtra}`);
  writeFileSync(join(dir, 'haresources'), haresources);
  writeFileSync(join(dir, 'authkeys'), 'auth 1\n1 sha1 secret\n', { mode: 0o600 });
  const r = await loadConfig(dir, 'alpha', { scripts: scriptChecks(dir, [join(dir, 'resource.d')], ocfRoot), resolve: fakeResolver('') });
  assert.ok(r.ok, JSON.stringify(r.ok ? '' : r.errors));
  return r.config;
}

/** The stand-in, never the real systemctl. */
function assertFake(spec: ResourceSpec): void {
  assert.equal(spec.path, join(binDir, 'systemctl'), 'about to run something other than the stand-in systemctl');
}

let runner: ScriptRunner;
before(() => {
  runner = new ScriptRunner({ killGraceMs: 500, stdioGraceMs: 300, ocfRoot });
});
const timeout = { timeoutMs: 30_000 };

test('ocf:acme:Probe from haresources: OCF_RESKEY_* parameters, provider and type, HA_* and env lines, exit 7 read as stopped', { skip }, async () => {
  const log = join(work, 'probe.log');
  const state = join(work, 'probe.state');
  const hostile = `$(touch${'${IFS}'}${marker})\`touch${'${IFS}'}${marker}\`;touch${'${IFS}'}${marker}`;
  const config = await loadPair(`alpha ocf:acme:Probe::state=${state}::log=${log}::evil=${hostile}\n`, 'env SITE=north RSCTMP=' + join(work, 'rsctmp') + '\n');
  const spec = config.groups[0]!.resources[0]!;
  assert.equal(spec.class, 'ocf');
  const env = scriptEnv(config);
  const first = await runner.run(spec, 'monitor', { ...timeout, env });
  assert.equal(first.outcome, 'not-running', first.reason);
  assert.equal((await runner.run(spec, 'start', { ...timeout, env })).outcome, 'ok');
  assert.equal((await runner.run(spec, 'status', { ...timeout, env })).outcome, 'ok');
  assert.equal((await runner.run(spec, 'stop', { ...timeout, env })).outcome, 'ok');
  assert.equal((await runner.run(spec, 'monitor', { ...timeout, env })).outcome, 'not-running');
  const text = readFileSync(log, 'utf8');
  assert.match(text, /^argv: monitor$/m);
  assert.match(text, /^argv: start$/m);
  assert.match(text, new RegExp(`^OCF_ROOT=${ocfRoot}$`, 'm'));
  assert.match(text, /^OCF_RESOURCE_TYPE=Probe$/m);
  assert.match(text, /^OCF_RESOURCE_PROVIDER=acme$/m);
  assert.match(text, /^OCF_RESKEY_CRM_meta_timeout=30000$/m);
  assert.ok(text.includes(`OCF_RESKEY_evil=${hostile}\n`), 'the hostile value reached the agent as it was written');
  assert.equal(existsSync(marker), false, 'no shell ever ran the value');
  assert.match(text, /^HA_CURHOST=alpha$/m);
  assert.match(text, /^HA_SITE=north$/m);
  assert.match(text, new RegExp(`^HA_RSCTMP=${join(work, 'rsctmp')}$`, 'm'));
  assert.match(text, /^HA_LOGFACILITY=local3$/m);
});

test('systemd:UNIT through the stand-in systemctl: start, is-active, stop, with the unit after --', { skip }, async () => {
  const config = await loadPair('alpha systemd:h15c-web systemd:missing\n');
  const [web, missing] = config.groups[0]!.resources as [ResourceSpec, ResourceSpec];
  assertFake(web);
  assertFake(missing);
  assert.equal(web.class, 'systemd');
  const env = scriptEnv(config);
  writeFileSync(calls, '');
  assert.equal((await runner.run(web, 'status', { ...timeout, env })).outcome, 'not-running');
  assert.equal((await runner.run(web, 'start', { ...timeout, env })).outcome, 'ok');
  assert.equal((await runner.run(web, 'monitor', { ...timeout, env })).outcome, 'ok');
  assert.equal((await runner.run(web, 'stop', { ...timeout, env })).outcome, 'ok');
  assert.equal((await runner.run(web, 'status', { ...timeout, env })).outcome, 'not-running');
  const start = await runner.run(missing, 'start', { ...timeout, env });
  assert.equal(start.outcome, 'not-installed');
  assert.match(start.reason, /Unit missing\.service not found/);
  assert.equal((await runner.run(missing, 'stop', { ...timeout, env })).outcome, 'ok', 'nothing of an unloaded unit can run');
  const recorded = readFileSync(calls, 'utf8').split('\n').filter((l) => !l.startsWith('HA_'));
  assert.deepEqual(recorded.filter((l) => l !== ''), [
    'is-active -- h15c-web.service',
    '--no-ask-password start -- h15c-web.service',
    'is-active -- h15c-web.service',
    '--no-ask-password stop -- h15c-web.service',
    'is-active -- h15c-web.service',
    '--no-ask-password start -- missing.service',
    '--no-ask-password stop -- missing.service',
  ]);
});

async function resourceTest(args: string[], json = true) {
  const command = createResourceTestCommand({ searchPath: [join(work, 'scripts')], ocfRoot });
  let out = '';
  let err = '';
  const code = await command.run({ configDir: join(work, 'no-config'), node: 'alpha', json }, args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

test('resource-test on an OCF agent: meta-data, validate-all, monitor; warns about a required parameter left out', { skip }, async () => {
  const state = join(work, 'rt.state');
  const r = await resourceTest([`ocf:acme:Probe::state=${state}::bogus=1`]);
  assert.equal(r.code, 0, r.out + r.err);
  const report = JSON.parse(r.out);
  assert.equal(report.class, 'ocf');
  assert.deepEqual(report.steps.map((s: { word: string }) => s.word), ['meta-data', 'validate-all', 'monitor', 'start', 'monitor', 'start', 'stop', 'monitor', 'stop']);
  assert.deepEqual(report.warnings, ['1. meta-data: the agent declares no parameter bogus']);
  const missingState = await resourceTest(['ocf::Nope'], true);
  assert.equal(missingState.code, 1);
  assert.match(missingState.err, /Cannot locate OCF agent ocf:heartbeat:Nope: no executable .*\/resource\.d\/heartbeat\/Nope/);
  const noParameter = await resourceTest(['ocf:acme:Probe'], false);
  assert.equal(noParameter.code, 1, 'validate-all fails without state');
  assert.match(noParameter.out, /^WARN {2}1\. meta-data: required parameter state is not given$/m);
  assert.match(noParameter.out, /^FAIL {2}2\. validate-all: parameters valid .*expected ok\/running, got not configured: state is required$/m);
});

test('resource-test on systemd:UNIT drives the stand-in systemctl', { skip }, async () => {
  writeFileSync(calls, '');
  const r = await resourceTest(['systemd:h15c-api'], false);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, new RegExp(`^resource-test systemd:h15c-api: ${join(binDir, 'systemctl')} \\(systemd class`, 'm'));
  assert.match(r.out, /^PASS {2}1\. is-active before start: stopped/m);
  assert.match(readFileSync(calls, 'utf8'), /^HA_CURHOST=alpha$/m);
});

test('resource-test warns when a script exits while a child still holds its stdout, and names the pid', { skip }, async () => {
  const scripts = join(work, 'scripts');
  mkdirSync(scripts, { recursive: true, mode: 0o755 });
  const pidFile = join(work, 'held.pid');
  // A heartbeat-class script whose start backgrounds a "daemon" without redirecting its output.
  write(join(scripts, 'leaky'), `#!/bin/sh
state=${join(work, 'leaky.state')}
case "$1" in
  start) [ -f $state ] && exit 0; sleep 600 & echo $! > ${pidFile}; touch $state; echo started ;;
  stop) [ -f ${pidFile} ] && kill $(cat ${pidFile}) 2>/dev/null; rm -f $state ;;
  status) [ -f $state ] && echo running || echo stopped ;;
esac
exit 0
`);
  try {
    const r = await resourceTest(['leaky'], false);
    assert.equal(r.code, 0, r.out + r.err);
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    assert.match(r.out, new RegExp(`^WARN {2}2\\. start: the script exited but a process it started still holds its stdout and stderr \\(pid [0-9, ]*\\b${pid}\\b[0-9, ]* still in its process group\\)`, 'm'));
    assert.match(r.out, /^PASS: 7 of 7 steps passed \(1 warning\)$/m);
    assert.ok(await waitGone([pid]), 'stop ended the leftover');
  } finally {
    if (existsSync(pidFile)) killQuietly(Number(readFileSync(pidFile, 'utf8').trim()));
  }
});
