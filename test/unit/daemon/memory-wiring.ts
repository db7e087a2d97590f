// Test helper (not a test): a Wiring whose links reach no peer (a silent peer) and whose codec is
// plain JSON, so the composition root can run without the network or the real protocol.
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Wiring } from '../../../src/daemon/main.js';
import type { Link, LinkEvent, LinkStats } from '../../../src/transport/link.js';
import type { Message } from '../../../src/protocol/message.js';

export class SilentLink implements Link {
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
  frameAccepted() {}
  stats(): LinkStats {
    return { framesSent: this.sent, framesReceived: 0, bytesSent: 0, bytesReceived: 0, drops: {}, lastHeardAt: null, interArrival: { mean: 0, p50: 0, p99: 0, p999: 0, max: 0, count: 0 } };
  }
}

export function silentWiring(links: SilentLink[] = [new SilentLink('memory:a')]): Wiring {
  return {
    createLinks: () => links,
    createCodec: () => ({
      encode: (m: Message) => JSON.stringify(m),
      decode: (frame: string) => ({ ok: true, message: JSON.parse(frame) as Message, keyIndex: 1 }),
      setConfig() {},
    }),
  };
}

/**
 * A config directory for node alpha of the pair alpha/beta with fast timings (initdead 1 s), one
 * Dummy group owned by alpha, and every runtime file inside the directory. Sets TB_RUN_DIR in
 * this process's environment (Dummy keeps its state file there; children inherit it).
 */
export function silentPairConfig(t: { after: (fn: () => void) => void }) {
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
  process.env['TB_RUN_DIR'] = paths.run;
  return { dir, ...paths };
}
