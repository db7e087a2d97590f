// `twinbeat resource-test`, in process, against the real Dummy template and a broken script.
// Runs scripts copied into temp directories it creates and removes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createResourceTestCommand } from '../../../src/cli/commands/resource-test.js';
import type { GlobalOptions } from '../../../src/cli/command.js';
import { copyScripts, type ScriptDir } from '../../support/scripts.js';

let scripts: ScriptDir;
let runDir: string;
before(() => {
  scripts = copyScripts();
  runDir = mkdtempSync(join(tmpdir(), 'tb4-run-'));
});
after(() => {
  scripts.remove();
  rmSync(runDir, { recursive: true, force: true });
});

const global: GlobalOptions = { configDir: '/etc/ha.d', node: 'alpha', json: false };

async function run(args: string[], opts: Partial<GlobalOptions> = {}) {
  const command = createResourceTestCommand({ searchPath: [scripts.dir], env: { TB_RUN_DIR: runDir } });
  let out = '';
  let err = '';
  const code = await command.run({ ...global, ...opts }, args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

test('Dummy, the template, passes every step and leaves nothing running', async () => {
  const r = await run(['Dummy', 'web']);
  assert.equal(r.code, 0, r.out + r.err);
  assert.equal((r.out.match(/^PASS {2}\d\. /gm) ?? []).length, 7);
  assert.match(r.out, /^PASS: 7 of 7 steps passed$/m);
  assert.match(r.out, /^PASS {2}4\. start again \(idempotent\) +\d+ ms$/m);
  assert.equal(existsSync(join(runDir, 'Dummy-web.state')), false);
});

test('haresources spelling NAME::ARG and --json work too', async () => {
  const r = await run(['Dummy::db', '--timeout', '10s'], { json: true });
  assert.equal(r.code, 0, r.out + r.err);
  const report = JSON.parse(r.out);
  assert.equal(report.resource, 'Dummy::db');
  assert.equal(report.ok, true);
  assert.deepEqual(report.steps.map((s: { action: string }) => s.action), ['status', 'start', 'status', 'start', 'stop', 'status', 'stop']);
});

test('the same Dummy passes as an OCF agent (monitor, exit 7) and as an LSB script (status, exit 3)', async () => {
  const ocf = await run(['--class', 'ocf', 'Dummy::asOcf'], { json: true });
  assert.equal(ocf.code, 0, ocf.out + ocf.err);
  assert.equal(JSON.parse(ocf.out).class, 'ocf');
  const lsb = await run(['--class', 'lsb', 'Dummy'], { json: true });
  assert.equal(lsb.code, 0, lsb.out + lsb.err);
  assert.equal(existsSync(join(runDir, 'Dummy-default.state')), false);
});

test('NAME may be a path; the resource is named after the file', async () => {
  const r = await run([scripts.path('Dummy'), 'byPath'], { json: true });
  assert.equal(r.code, 0, r.out + r.err);
  assert.equal(JSON.parse(r.out).resource, 'Dummy::byPath');
});

test('a script whose start is not idempotent fails the test, with the script\'s reason', async () => {
  const r = await run(['broken-idempotence', 'x']);
  assert.equal(r.code, 1);
  assert.match(r.out, /^FAIL {2}4\. start again \(idempotent\) +\d+ ms {2}expected ok\/running, got failed: already running$/m);
  assert.match(r.out, /^PASS {2}5\. stop/m, 'later steps still run, so the resource is stopped again');
  assert.match(r.out, /^FAIL: 6 of 7 steps passed$/m);
});

test('an already running resource is not touched: the test stops after the first status', async () => {
  writeFileSync(join(runDir, 'Dummy-live.state'), 'up\n');
  const r = await run(['Dummy', 'live']);
  assert.equal(r.code, 1);
  assert.match(r.out, /^FAIL {2}1\. status before start: stopped .*got ok\/running/m);
  assert.match(r.out, /stopping here: the resource is already running/);
  assert.doesNotMatch(r.out, /2\. start/);
  assert.ok(existsSync(join(runDir, 'Dummy-live.state')), 'still running');
});

test('usage errors exit 2; an unknown script exits 1 saying where it looked', async () => {
  assert.equal((await run([])).code, 2);
  assert.equal((await run(['--timeout', 'soon', 'Dummy'])).code, 2);
  assert.equal((await run(['--bogus'])).code, 2);
  const missing = await run(['NoSuchScript']);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /Cannot locate resource script NoSuchScript \(searched /);
  const help = await run(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /^usage: twinbeat resource-test/);
});

test('an address script keeps an IPv6 literal whole: IPv6addr::fd00::1/64/DEV reaches the script as one argument', async () => {
  // No such device: start refuses it (exit 6) before touching anything; a split argument would
  // have been a usage error (exit 2) at the first step instead.
  const r = await run(['IPv6addr::fd00::1/64/tbnodev0'], { json: true });
  const report = JSON.parse(r.out);
  assert.equal(report.resource, 'IPv6addr::fd00::1/64/tbnodev0');
  const start = report.steps.find((s: { action: string }) => s.action === 'start');
  assert.match(JSON.stringify(start), /device 'tbnodev0' does not exist/);
  assert.equal(report.steps[0].action, 'status');
  assert.match(JSON.stringify(report.steps[0]), /stopped|not-running/);
});
