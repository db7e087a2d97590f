// The composition root run in-process against a silent peer: memory links, a JSON codec, the
// real core, runner, Dummy resource, state file, pidfile, control socket and logger.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDaemon, type Wiring, type DaemonHandle } from '../../../src/daemon/main.js';
import { controlRequest } from '../../../src/daemon/control.js';
import { loadState } from '../../../src/daemon/state-file.js';
import type { StatusReport } from '../../../src/daemon/status-report.js';
import type { Link, LinkEvent, LinkStats } from '../../../src/transport/link.js';
import type { Message } from '../../../src/protocol/message.js';

class SilentLink implements Link {
  readonly kind = 'memory' as const;
  sent = 0;
  opened = false;
  constructor(readonly name: string) {}
  async open() {
    this.opened = true;
  }
  async close() {
    this.opened = false;
  }
  send() {
    this.sent++;
  }
  onEvent(_listener: (e: LinkEvent) => void) {}
  stats(): LinkStats {
    return { framesSent: this.sent, framesReceived: 0, bytesSent: 0, bytesReceived: 0, drops: {}, lastHeardAt: null, interArrival: { mean: 0, max: 0, p99: 0, count: 0 } };
  }
}

function memoryWiring(links: SilentLink[]): Wiring {
  return {
    createLinks: () => links,
    createCodec: () => ({
      encode: (m: Message) => JSON.stringify(m),
      decode: (frame: string) => ({ ok: true, message: JSON.parse(frame) as Message }),
      setConfig() {},
    }),
  };
}

function pairConfig(t: { after: (fn: () => void) => void }) {
  const dir = mkdtempSync(join(tmpdir(), 'tb6-daemon-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const paths = { socket: join(dir, 'control.sock'), pid: join(dir, 'twinbeat.pid'), state: join(dir, 'state.ini'), log: join(dir, 'ha-log'), run: join(dir, 'run') };
  writeFileSync(
    join(dir, 'ha.cf'),
    [
      'node alpha beta', 'keepalive 100ms', 'warntime 400ms', 'deadtime 1', 'initdead 1', 'ucast lo 127.0.0.1', 'auto_failback off',
      `logfile ${paths.log}`, `tb_control_socket ${paths.socket}`, `tb_pid_file ${paths.pid}`, `tb_state_file ${paths.state}`, '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'haresources'), 'alpha Dummy::tb6web\n');
  writeFileSync(join(dir, 'authkeys'), 'auth 1\n1 sha256 5f2a0c7e5f2a0c7e\n');
  chmodSync(join(dir, 'authkeys'), 0o600);
  // Dummy keeps its state file in TB_RUN_DIR; the runner passes our environment on.
  process.env['TB_RUN_DIR'] = paths.run;
  return { dir, ...paths };
}

async function until<T>(what: string, fn: () => Promise<T | null>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const quietIo = () => {
  const io = { err: '', out: (_: string) => {}, errFn: (t: string) => void (io.err += t) };
  return { io: { out: io.out, err: io.errFn }, captured: () => io.err };
};

test('silent peer: takes over after initdead, reports status, stops gracefully releasing the resource', { timeout: 60_000 }, async (t) => {
  const cfg = pairConfig(t);
  const links = [new SilentLink('memory:a')];
  const { io, captured } = quietIo();
  let onReady!: (h: DaemonHandle) => void;
  const readyPromise = new Promise<DaemonHandle>((resolve) => (onReady = resolve));
  const exit = runDaemon({ configDir: cfg.dir, node: 'alpha', foreground: false, installSignalHandlers: false, onReady }, io, memoryWiring(links));
  await Promise.race([readyPromise, exit.then((code) => Promise.reject(new Error(`daemon exited ${code}: ${captured()}`)))]);

  assert.equal(Number(readFileSync(cfg.pid, 'utf8')), process.pid);
  assert.equal(links[0]!.opened, true);
  assert.equal((await loadState(cfg.state)).generation, 1);

  const report = await until('the resource group to run here', async () => {
    const answer = await controlRequest(cfg.socket, { cmd: 'status' }, 5000);
    const r = (answer.ok ? answer.data : null) as StatusReport | null;
    return r !== null && r.groups[0]?.phase === 'running' ? r : null;
  });
  assert.equal(report.self.name, 'alpha');
  assert.equal(report.self.generation, 1);
  assert.equal(report.peer.name, 'beta');
  assert.equal(report.daemon.pid, process.pid);
  assert.deepEqual(report.groups[0]!.holders, ['alpha']);
  assert.equal(report.links[0]!.name, 'memory:a');
  assert.ok(report.links[0]!.framesSent > 0, 'heartbeats were sent');
  assert.equal(existsSync(join(cfg.run, 'Dummy-tb6web.state')), true, 'Dummy started');

  const stopAnswer = await controlRequest(cfg.socket, { cmd: 'stop' }, 5000);
  assert.equal(stopAnswer.ok, true);
  assert.equal(await exit, 0);
  assert.equal(existsSync(join(cfg.run, 'Dummy-tb6web.state')), false, 'Dummy stopped on the way out');
  assert.equal(existsSync(cfg.pid), false, 'pidfile removed');
  assert.equal(existsSync(cfg.socket), false, 'control socket removed');
  assert.equal(links[0]!.opened, false, 'links closed');
  const log = readFileSync(cfg.log, 'utf8');
  assert.match(log, /INFO event=daemon-start component=daemon .*generation=1/);
  assert.match(log, /event=daemon-stopped/);
});

test('a second daemon on the same pidfile is refused; an invalid config never starts', { timeout: 60_000 }, async (t) => {
  const cfg = pairConfig(t);
  writeFileSync(cfg.pid, `${process.ppid}\n`); // a live process holds it
  let { io, captured } = quietIo();
  assert.equal(await runDaemon({ configDir: cfg.dir, node: 'alpha', foreground: false, installSignalHandlers: false }, io, memoryWiring([])), 1);
  assert.match(captured(), /already running as pid \d+/);
  rmSync(cfg.pid);
  writeFileSync(join(cfg.dir, 'ha.cf'), 'node alpha beta\nkeepalive 1\ndeadtime 1\nucast lo 127.0.0.1\n');
  ({ io, captured } = quietIo());
  assert.equal(await runDaemon({ configDir: cfg.dir, node: 'alpha', foreground: false, installSignalHandlers: false }, io, memoryWiring([])), 1);
  assert.match(captured(), /ha\.cf:\d+: .*deadtime/);
  assert.match(captured(), /is invalid .*not starting/);
  assert.equal(existsSync(cfg.pid), false);
});
