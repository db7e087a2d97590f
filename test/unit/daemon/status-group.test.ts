// tb_status_group with the real composition root (runDaemon, silent peer): the daemon opens the
// read-only status socket with the group and 0660 while the control socket stays root only
// (0600), and a real unprivileged user in that group gets `status --check` and `status --json`
// (valid against the schema) through it, while standby, takeover and stop are refused to it.
// Runs as root; drops to nobody (uid/gid 65534) with setpriv. Touches only its temp directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runDaemon, type DaemonHandle } from '../../../src/daemon/main.js';
import { statusSocketPath } from '../../../src/daemon/status-socket.js';
import { nobodySkipReason, SETPRIV, AS_NOBODY } from '../../support/unprivileged.js';
import { cliPath } from '../../support/paths.js';
import { assertStatusJson } from '../../support/json-schemas.js';
import { silentPairConfig, silentWiring, SilentLink } from './memory-wiring.js';

/** The CLI as nobody, asynchronously: the daemon answering it lives in this process. */
function asNobody(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(SETPRIV, [...AS_NOBODY, process.execPath, cliPath, ...args], { timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr })));
}

test('tb_status_group: the daemon\'s status socket serves that group read-only; the control socket stays root only', { skip: nobodySkipReason, timeout: 60_000 }, async (t) => {
  const cfg = silentPairConfig(t);
  appendFileSync(join(cfg.dir, 'ha.cf'), 'tb_status_group nogroup\n');
  // The monitoring user must reach the sockets and read ha.cf (it names them); authkeys stays 0600.
  chmodSync(cfg.dir, 0o755);
  chmodSync(join(cfg.dir, 'ha.cf'), 0o644);
  let onReady!: (h: DaemonHandle) => void;
  const ready = new Promise<DaemonHandle>((resolve) => (onReady = resolve));
  const exit = runDaemon({ configDir: cfg.dir, node: 'alpha', foreground: false, installSignalHandlers: false, onReady }, { err: () => {} }, silentWiring([new SilentLink('memory:a')]));
  const handle = await Promise.race([ready, exit.then((code) => Promise.reject(new Error(`daemon exited ${code}`)))]);
  try {
    const control = statSync(cfg.socket);
    const status = statSync(statusSocketPath(cfg.socket));
    assert.equal(control.mode & 0o777, 0o600, 'control socket root only');
    assert.deepEqual([status.mode & 0o777, status.gid], [0o660, 65534], 'status socket: the group, read and write (to ask)');

    const check = await asNobody(['-c', cfg.dir, 'status', '--check']);
    assert.match(check.stdout, /^TWINBEAT (OK|WARNING) - /, check.stderr);
    assert.ok(check.code === 0 || check.code === 1, `a health code, not "unknown": ${check.code}`);
    const json = await asNobody(['-c', cfg.dir, 'status', '--json']);
    const doc = assertStatusJson(json.stdout, 'status --json as nobody');
    assert.equal(doc['running'], true);
    for (const cmd of ['standby', 'takeover', 'stop']) {
      const refused = await asNobody(['-c', cfg.dir, cmd]);
      assert.notEqual(refused.code, 0, cmd);
      assert.match(refused.stderr, /permission denied on control socket/, `${cmd}: ${refused.stderr}`);
    }
    const alive = await asNobody(['-c', cfg.dir, 'status', '--check']);
    assert.match(alive.stdout, /^TWINBEAT/, 'the daemon still runs: nothing was stopped');
  } finally {
    handle.stop();
    assert.equal(await exit, 0);
  }
});
