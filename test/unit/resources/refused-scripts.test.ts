// Issue 12, hole 6, through the whole daemon (memory links, silent peer, real runner): a resource
// script others can write is refused by start and reload with FILE:LINE; a script refused only
// at run time does not leave a stop failure behind; and a stop script that hangs cannot keep
// `stop` or SIGTERM from finishing within the configured stop timeouts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDaemon, type DaemonHandle } from '../../../src/daemon/main.js';
import { controlRequest } from '../../../src/daemon/control.js';
import type { StatusReport } from '../../../src/daemon/status-report.js';
import { silentPairConfig, silentWiring } from '../daemon/memory-wiring.js';
import { until } from '../../support/until.js';

/** A heartbeat-class script in DIR/resource.d: start marks it up; stop does `stopBody`. */
function resourceScript(dir: string, name: string, stopBody: string, mode = 0o755): string {
  const resourceDir = join(dir, 'resource.d');
  mkdirSync(resourceDir, { recursive: true });
  chmodSync(resourceDir, 0o755);
  const path = join(resourceDir, name);
  const up = `"$TB_RUN_DIR/${name}.up"`;
  writeFileSync(
    path,
    [
      '#!/bin/sh',
      'mkdir -p "$TB_RUN_DIR"',
      'for action in "$@"; do :; done # heartbeat class: ARGS... ACTION',
      'case "$action" in',
      `  start) touch ${up} ;;`,
      `  stop) ${stopBody} ;;`,
      `  status) if [ -e ${up} ]; then echo running; else echo stopped; fi ;;`,
      'esac',
      'exit 0',
      '',
    ].join('\n'),
  );
  chmodSync(path, mode);
  return path;
}

function daemonIo() {
  let err = '';
  return { io: { out: () => {}, err: (text: string) => void (err += text) }, err: () => err };
}

async function groupPhase(socket: string): Promise<string | null> {
  const answer = await controlRequest(socket, { cmd: 'status' }, 5000).catch(() => null);
  return answer?.ok ? ((answer.data as StatusReport).groups[0]?.phase ?? null) : null;
}

test('start refuses a world-writable resource script in DIR/resource.d with FILE:LINE', { timeout: 30_000 }, async (t) => {
  const cfg = silentPairConfig(t);
  resourceScript(cfg.dir, 'tbWritable', 'rm -f "$TB_RUN_DIR/tbWritable.up"', 0o777);
  writeFileSync(join(cfg.dir, 'haresources'), 'alpha tbWritable::x\n');
  const { io, err } = daemonIo();
  const code = await runDaemon({ configDir: cfg.dir, node: 'alpha', foreground: false, installSignalHandlers: false }, io, silentWiring());
  assert.equal(code, 78, 'a refused configuration: EX_CONFIG, which the systemd unit does not restart on');
  assert.match(err(), new RegExp(`${join(cfg.dir, 'haresources')}:1: tbWritable::x: expected an executable file at .*tbWritable that only root can change, got script .* is writable by group and others \\(mode 0777\\)`));
  assert.equal(existsSync(cfg.pid), false, 'never started');
});

test('reload refuses a script made writable after start, and keeps the running configuration', { timeout: 30_000 }, async (t) => {
  const cfg = silentPairConfig(t);
  const script = resourceScript(cfg.dir, 'tbLater', 'rm -f "$TB_RUN_DIR/tbLater.up"');
  writeFileSync(join(cfg.dir, 'haresources'), 'alpha tbLater::x\n');
  let ready!: (handle: DaemonHandle) => void;
  const handle = new Promise<DaemonHandle>((resolve) => (ready = resolve));
  const { io, err } = daemonIo();
  const exit = runDaemon({ configDir: cfg.dir, node: 'alpha', foreground: false, installSignalHandlers: false, onReady: ready }, io, silentWiring());
  const daemon = await Promise.race([handle, exit.then((code) => Promise.reject(new Error(`exited ${code}: ${err()}`)))]);
  chmodSync(script, 0o775);
  const answer = await daemon.reload();
  assert.equal(answer.ok, false);
  assert.match(answer.ok ? '' : answer.error, /haresources:1: tbLater::x: expected an executable file .* that only root can change, got script .* is writable by group \(mode 0775\)/);
  chmodSync(script, 0o755);
  daemon.stop();
  assert.equal(await exit, 0);
});

test('a script refused only at run time: its start fails, the rollback stop is no stop failure, stop exits 0', { timeout: 30_000 }, async (t) => {
  const cfg = silentPairConfig(t);
  const script = resourceScript(cfg.dir, 'tbFlip', 'rm -f "$TB_RUN_DIR/tbFlip.up"');
  writeFileSync(join(cfg.dir, 'haresources'), 'alpha tbFlip::x\n');
  // Loaded safe; made writable before the takeover (initdead 1 s), so the runner refuses it.
  const { io, err } = daemonIo();
  const exit = runDaemon({ configDir: cfg.dir, node: 'alpha', foreground: false, installSignalHandlers: false, onReady: () => chmodSync(script, 0o777) }, io, silentWiring());
  await until('the refused start to be logged', async () => (existsSync(cfg.log) && /event=group-failed/.test(readFileSync(cfg.log, 'utf8')) ? true : null));
  assert.equal(await groupPhase(cfg.socket), 'stopped');
  const stopped = await controlRequest(cfg.socket, { cmd: 'stop' }, 5000);
  assert.equal(stopped.ok, true);
  assert.equal(await exit, 0, err());
  const log = readFileSync(cfg.log, 'utf8');
  assert.match(log, /event=start-failed .*not-installed: refusing/);
  assert.doesNotMatch(log, /event=stop-failed/);
  chmodSync(script, 0o755);
});

for (const how of ['control socket', 'SIGTERM', 'SIGINT'] as const) {
  test(`a stop script that hangs: ${how} still ends the daemon within the stop timeouts (exit 1, said why)`, { timeout: 60_000 }, async (t) => {
    const cfg = silentPairConfig(t);
    resourceScript(cfg.dir, 'tbHang', 'sleep 600');
    writeFileSync(join(cfg.dir, 'haresources'), 'alpha tbHang::x\n');
    writeFileSync(join(cfg.dir, 'ha.cf'), `${readFileSync(join(cfg.dir, 'ha.cf'), 'utf8')}tb_stop_timeout 1s\ntb_start_timeout 2s\n`);
    const { io, err } = daemonIo();
    const exit = runDaemon({ configDir: cfg.dir, node: 'alpha', foreground: false, installSignalHandlers: how !== 'control socket' }, io, silentWiring());
    await until('the group to run here', async () => ((await groupPhase(cfg.socket)) === 'running' ? true : null));
    const asked = Date.now();
    if (how !== 'control socket') process.kill(process.pid, how);
    else assert.equal((await controlRequest(cfg.socket, { cmd: 'stop' }, 5000)).ok, true);
    assert.equal(await exit, 1, err());
    const tookMs = Date.now() - asked;
    // 1 s stop timeout + the runner's 2 s kill grace; far below the guard's own deadline (17 s here).
    assert.ok(tookMs < 10_000, `stopped after ${tookMs} ms`);
    const log = readFileSync(cfg.log, 'utf8');
    assert.match(log, /event=stop-failed .*timed-out/);
    assert.match(log, /ERROR event=stop-abandoned .*group tbHang::x failed to stop and may still run here/);
    assert.equal(existsSync(cfg.pid), false, 'pidfile released');
    assert.equal(existsSync(cfg.socket), false, 'control socket closed');
  });
}
