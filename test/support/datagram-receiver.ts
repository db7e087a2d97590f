// Test helper (not a test): socat listening on a unix datagram socket in a fresh temp directory,
// standing in for syslog's /dev/log or systemd's NOTIFY_SOCKET. It prints the datagrams it
// receives back to back; `received()` is everything so far. Killed and removed after the test.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function datagramReceiver(t: { after(fn: () => void): void }): Promise<{ socket: string; received: () => string }> {
  const dir = mkdtempSync(join(tmpdir(), 'tb-dgram-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const socket = join(dir, 'socket');
  const receiver = spawn('socat', ['-u', `UNIX-RECV:${socket}`, 'STDOUT'], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => receiver.kill());
  let received = '';
  receiver.stdout.on('data', (chunk: Buffer) => (received += chunk.toString()));
  const deadline = Date.now() + 10_000;
  while (!existsSync(socket)) {
    if (Date.now() > deadline) throw new Error(`socat did not create ${socket}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { socket, received: () => received };
}
