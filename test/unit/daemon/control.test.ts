import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlServer, controlRequest, ControlError, parseRequest, resolveGroup, type ControlRequest } from '../../../src/daemon/control.js';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tb6-ctl-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('request/response round trip; socket is 0600 and removed on close', async (t) => {
  const path = join(tempDir(t), 'run', 'twinbeat.sock');
  const seen: ControlRequest[] = [];
  const server = await startControlServer({
    path,
    group: null,
    handler: async (request) => {
      seen.push(request);
      return { ok: true, data: { role: 'active' } };
    },
  });
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.deepEqual(await controlRequest(path, { cmd: 'status' }, 5000), { ok: true, data: { role: 'active' } });
  assert.deepEqual(await controlRequest(path, { cmd: 'standby' }, 5000), { ok: true, data: { role: 'active' } });
  assert.deepEqual(seen, [{ cmd: 'status' }, { cmd: 'standby' }]);
  await server.close();
  assert.equal(existsSync(path), false);
});

test('unknown commands get an error answer, not a crash', async (t) => {
  const path = join(tempDir(t), 'twinbeat.sock');
  const server = await startControlServer({ path, group: null, handler: async () => ({ ok: true }) });
  t.after(() => server.close());
  const response = await controlRequest(path, { cmd: 'explode' } as unknown as ControlRequest, 5000);
  assert.equal(response.ok, false);
  assert.match(!response.ok ? response.error : '', /unknown command "explode"/);
  assert.deepEqual(parseRequest('not json'), 'request is not JSON');
  assert.deepEqual(parseRequest('{"cmd":"online"}'), { cmd: 'online' });
});

test('with a control group the socket is 0660 and owned by that group', { skip: process.getuid?.() !== 0 ? 'needs root to chown' : false }, async (t) => {
  const path = join(tempDir(t), 'twinbeat.sock');
  const server = await startControlServer({ path, group: '0', handler: async () => ({ ok: true }) });
  t.after(() => server.close());
  const st = statSync(path);
  assert.equal(st.mode & 0o777, 0o660);
  assert.equal(st.gid, 0);
});

test('resolveGroup reads /etc/group-style files and refuses unknown groups', (t) => {
  const file = join(tempDir(t), 'group');
  writeFileSync(file, 'root:x:0:\nhaclient:x:493:alice,bob\n');
  assert.equal(resolveGroup('haclient', file), 493);
  assert.equal(resolveGroup('27', file), 27);
  assert.throws(() => resolveGroup('nobody-here', file), /control group nobody-here does not exist/);
});

test('no daemon: a clear not-running error naming the socket', async (t) => {
  const path = join(tempDir(t), 'twinbeat.sock');
  await assert.rejects(
    controlRequest(path, { cmd: 'status' }, 2000),
    (err: Error) => err instanceof ControlError && err.kind === 'not-running' && err.message === `twinbeat is not running (no control socket at ${path})`,
  );
});

test('a stale socket file (its daemon was killed) is replaced at start', async (t) => {
  const path = join(tempDir(t), 'twinbeat.sock');
  // A process listening on the path, killed with SIGKILL: the socket file stays behind.
  const child = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve) => child.stdout.once('data', resolve));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  assert.equal(existsSync(path), true);
  await assert.rejects(controlRequest(path, { cmd: 'status' }, 2000), (err: Error) => err instanceof ControlError && err.kind === 'not-running');
  const server = await startControlServer({ path, group: null, handler: async () => ({ ok: true, message: 'fresh' }) });
  t.after(() => server.close());
  assert.deepEqual(await controlRequest(path, { cmd: 'status' }, 5000), { ok: true, message: 'fresh' });
});

test('a live daemon on the socket is not stolen from', async (t) => {
  const path = join(tempDir(t), 'twinbeat.sock');
  const first = await startControlServer({ path, group: null, handler: async () => ({ ok: true, message: 'first' }) });
  t.after(() => first.close());
  await assert.rejects(startControlServer({ path, group: null, handler: async () => ({ ok: true }) }), /another twinbeat is answering/);
  assert.deepEqual(await controlRequest(path, { cmd: 'status' }, 5000), { ok: true, message: 'first' });
});

test('a daemon that never answers times out with a clear error', async (t) => {
  const path = join(tempDir(t), 'twinbeat.sock');
  const accepted: Socket[] = [];
  const silent = createServer((socket) => accepted.push(socket));
  await new Promise<void>((resolve) => silent.listen(path, resolve));
  try {
    await assert.rejects(controlRequest(path, { cmd: 'status' }, 300), (err: Error) => err instanceof ControlError && err.kind === 'timeout');
  } finally {
    for (const socket of accepted) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});
