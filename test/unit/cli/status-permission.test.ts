// Issue 12, hole 9c: `twinbeat status` by a user who cannot read ha.cf must say so, with the
// path, instead of guessing the default socket and reporting "not running". Run for real as
// nobody (setpriv), not simulated.
import { nobodySkipReason } from '../../support/unprivileged.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/dispatch.js';
import { statusCommand } from '../../../src/cli/commands/status.js';
import { cliPath } from '../../support/paths.js';
import { assertStatusJson } from '../../support/json-schemas.js';

function configDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tb-status-perm-'));
  chmodSync(dir, 0o755);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}


test('status as nobody with a root-only ha.cf: permission denied with the path, not "not running"', { skip: nobodySkipReason }, (t) => {
  const dir = configDir(t);
  writeFileSync(join(dir, 'ha.cf'), `node alpha beta\ntb_control_socket ${join(dir, 'control.sock')}\n`);
  chmodSync(join(dir, 'ha.cf'), 0o600);
  const run = spawnSync('/usr/bin/setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, cliPath, '-c', dir, 'status'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(run.status, 3, run.stderr);
  assert.equal(run.stderr, `twinbeat status: permission denied reading ${join(dir, 'ha.cf')} (it names the control socket and pid file): run as root\n`);
  assert.doesNotMatch(run.stderr, /not running/);
});

async function cli(argv: string[]) {
  let err = '';
  const code = await runCli(argv, { out: () => {}, err: (text) => void (err += text) }, [statusCommand]);
  return { code, err };
}

test('status: an ha.cf that cannot be read for another reason says that; a missing one still means defaults', async (t) => {
  const dir = configDir(t);
  mkdirSync(join(dir, 'ha.cf'));
  assert.deepEqual(await cli(['-c', dir, 'status']), { code: 3, err: `twinbeat status: cannot read ${join(dir, 'ha.cf')}: EISDIR\n` });
  rmSync(join(dir, 'ha.cf'), { recursive: true });
  const missing = await cli(['-c', dir, 'status']);
  assert.equal(missing.code, 3);
  assert.match(missing.err, /not running \(no control socket at \/run\/twinbeat\/control\.sock\)/);
});

test('status --json and --check when ha.cf cannot be read: still one JSON document (schema-valid, error config) or one UNKNOWN line, exit 3', async (t) => {
  const dir = configDir(t);
  mkdirSync(join(dir, 'ha.cf'));
  let out = '';
  const json = await runCli(['-c', dir, 'status', '--json'], { out: (s) => void (out += s), err: () => {} }, [statusCommand]);
  assert.equal(json, 3);
  const doc = assertStatusJson(out, 'unreadable ha.cf');
  assert.deepEqual([doc['running'], doc['error']], [null, 'config']);
  out = '';
  assert.equal(await runCli(['-c', dir, 'status', '--check'], { out: (s) => void (out += s), err: () => {} }, [statusCommand]), 3);
  assert.equal(out, `TWINBEAT UNKNOWN - cannot read ${join(dir, 'ha.cf')}: EISDIR\n`);
});
