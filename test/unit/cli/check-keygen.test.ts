// `twinbeat check` and `twinbeat keygen`, run in-process with captured output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCheckCommand } from '../../../src/cli/commands/check.js';
import { keygenCommand } from '../../../src/cli/commands/keygen.js';
import { parseAuthkeys } from '../../../src/config/authkeys.js';
import type { CliCommand, GlobalOptions } from '../../../src/cli/command.js';
import { stage } from '../config/stage.js';

async function run(cmd: CliCommand, global: GlobalOptions, args: string[] = []) {
  let out = '';
  let err = '';
  const code = await cmd.run(global, args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

test('check on a valid Heartbeat v1 directory: exit 0, values with file:line, plan with paths and classes', async (t) => {
  const s = stage('valid', 'heartbeat-v1');
  t.after(() => s.remove());
  const r = await run(createCheckCommand({ searchPath: s.searchPath, resolve: s.resolve }), { configDir: s.dir, node: s.node, json: false });
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, '');
  assert.match(r.out, /keepalive\s+2s\s+ha\.cf:7\n/);
  assert.match(r.out, /debug\s+0\s+default\n/);
  assert.match(r.out, /medium\s+serial \/dev\/ttyS0 at 19200 baud\s+ha\.cf:13/);
  assert.ok(!r.out.includes('warnings'), 'respawning ipfail gives up no protection');
  assert.match(r.out, /ha\.cf:18: respawn: ipfail is not run: twinbeat's built-in uplink tracking replaces it/);
  assert.match(r.out, /uplink tracking\s+on: score out of 1 \(1 ping target, 0 interfaces\); a node below its peer for 30s \(deadping\) hands its groups over\s+ha\.cf:18\n/);
  assert.match(r.out, /ha\.cf:19: apiauth: accepted, not acted on/);
  assert.match(r.out, /1\. IPaddr::10\.0\.0\.100\/24\/eth0\s+heartbeat\s+\S+\/resource\.d\/IPaddr\n/);
  assert.match(r.out, /2\. apache2\s+lsb\s+\S+\/init\.d\/apache2\n/);
  assert.match(r.out, /configuration valid \(digest [0-9a-f]{16}/);
});

test('check on a broken directory: exit 1 and every error with file:line', async (t) => {
  const s = stage('invalid', 'everything-at-once');
  t.after(() => s.remove());
  const r = await run(createCheckCommand({ searchPath: s.searchPath, resolve: s.resolve }), { configDir: '/etc/ha.d', node: 'x', json: false }, ['-c', s.dir, '--node', s.node]);
  assert.equal(r.code, 1);
  const expected = readFileSync(join(s.dir, 'expected.txt'), 'utf8').trimEnd().split('\n');
  assert.deepEqual(s.relative(r.err).trimEnd().split('\n'), expected);
  assert.match(r.out, /configuration invalid: 4 errors/);
});

test('check --json is one parseable object in both cases', async (t) => {
  const good = stage('valid', 'twinbeat-full');
  const bad = stage('invalid', 'timing');
  t.after(() => (good.remove(), bad.remove()));
  const ok = await run(createCheckCommand({ searchPath: good.searchPath, resolve: good.resolve }), { configDir: good.dir, node: 'alpha', json: true });
  assert.equal(ok.code, 0);
  const body = JSON.parse(ok.out);
  assert.equal(body.valid, true);
  assert.deepEqual(body.plan.map((p: { node: string }) => p.node), ['alpha', 'beta']);
  assert.ok(body.settings.some((x: { name: string; origin: unknown }) => x.name === 'udpport' && JSON.stringify(x.origin).includes('"line":15')));
  const no = await run(createCheckCommand({ searchPath: bad.searchPath, resolve: bad.resolve }), { configDir: bad.dir, node: 'alpha', json: false }, ['--json']);
  assert.equal(no.code, 1);
  const errors = JSON.parse(no.out).errors as { line: number; text: string }[];
  assert.deepEqual(errors.map((e) => e.line), [3, 4, 5]);
});

test('check: unknown option is a usage error (exit 2)', async () => {
  const r = await run(createCheckCommand(), { configDir: '/nonexistent', node: 'a', json: false }, ['--frob']);
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown option --frob/);
});

test('keygen writes a valid sha256 authkeys with mode 0600, refuses to overwrite without --force', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tb-keygen-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const global = { configDir: dir, node: 'alpha', json: false };
  const first = await run(keygenCommand, global);
  assert.equal(first.code, 0, first.err);
  const file = join(dir, 'authkeys');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const text = readFileSync(file, 'utf8');
  const parsed = parseAuthkeys(text, file);
  assert.deepEqual(parsed.errors, []);
  assert.equal(parsed.auth?.signIndex, 1);
  assert.equal(parsed.auth?.keys[0]?.method, 'sha256');
  assert.match(parsed.auth?.keys[0]?.key ?? '', /^[0-9a-f]{64}$/);

  const again = await run(keygenCommand, global);
  assert.equal(again.code, 1);
  assert.match(again.err, /already exists/);
  assert.equal(readFileSync(file, 'utf8'), text, 'untouched without --force');

  writeFileSync(file, 'old');
  const forced = await run(keygenCommand, global, ['--force']);
  assert.equal(forced.code, 0);
  const replaced = readFileSync(file, 'utf8');
  assert.notEqual(replaced, text, 'a new random key');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(dir), ['authkeys'], 'no temporary file left behind');
});

test('keygen into a missing directory fails cleanly (exit 1)', async () => {
  const r = await run(keygenCommand, { configDir: '/nonexistent/tb-keygen', node: 'a', json: false });
  assert.equal(r.code, 1);
  assert.match(r.err, /cannot write/);
});
