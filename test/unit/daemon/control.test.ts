// The control socket (src/daemon/control.ts): request/response, permissions and group
// ownership, stale sockets, request parsing and hostile clients (slow, oversized, many). Touches
// only unix sockets and files in temp directories it creates, and child processes it spawns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlServer, controlRequest, ControlError, parseRequest, resolveGroup, CONTROL_LIMITS, type ControlRequest } from '../../../src/daemon/control.js';
import { observe, connected, dribble, destroyAll, sleep, until, type Observed } from '../../support/hostile-clients.js';

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
  assert.throws(() => resolveGroup('nobody-here', file), /group nobody-here does not exist/);
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

// ---- hostile clients (issue 12, holes 5 and 9b) ------------------------------------------------

async function boundedServer(t: { after: (fn: () => Promise<void> | void) => void }, limits: Partial<typeof CONTROL_LIMITS>) {
  const path = join(tempDir(t), 'twinbeat.sock');
  const errors: string[] = [];
  const server = await startControlServer({ path, group: null, handler: async (r) => ({ ok: true, message: `did ${r.cmd}` }), onError: (e) => errors.push(e.message), limits });
  const clients: Observed[] = [];
  t.after(async () => {
    destroyAll(clients);
    await server.close();
  });
  const client = () => {
    const c = observe(path);
    clients.push(c);
    return c;
  };
  return { path, errors, server, client };
}

test('hostile: a line longer than the limit is refused even when it arrives in one read with its newline', async (t) => {
  const { client } = await boundedServer(t, {});
  const c = client();
  await connected(c);
  // A valid command padded past the limit: on b0d4108 this was parsed and answered `ok`.
  c.socket.write(`${JSON.stringify({ cmd: 'status', pad: 'x'.repeat(CONTROL_LIMITS.maxRequestBytes) })}\n`);
  await c.closedAfter;
  assert.match(c.received(), /"ok":false,"error":"request too long/);
});

test('hostile: a client dribbling a line in small writes is cut off at the byte limit, not after it', { timeout: 20_000 }, async (t) => {
  const { client } = await boundedServer(t, { maxRequestBytes: 64, requestTimeoutMs: 10_000, idleTimeoutMs: 10_000 });
  const c = client();
  const sent = await dribble(c, '{"cmd":"status","pad":"' + 'y'.repeat(400), 2);
  await c.closedAfter;
  assert.match(c.received(), /request too long \(over 64 bytes\)/);
  assert.ok(sent < 400, `cut off while dribbling (sent ${sent} of 423 bytes)`);
});

test('hostile: a slow but short request is cut off at the request deadline, whatever its pace', { timeout: 20_000 }, async (t) => {
  const { client } = await boundedServer(t, { requestTimeoutMs: 400, idleTimeoutMs: 10_000 });
  const c = client();
  // One byte every 50 ms keeps an idle timer from ever firing; the deadline still does.
  void dribble(c, '{"cmd":"status"}'.padEnd(200, ' '), 50);
  const after = await c.closedAfter;
  assert.match(c.received(), /request not complete within 400 ms/);
  assert.ok(after >= 350 && after < 3000, `closed after ${after} ms`);
});

test('hostile: a connection held without a byte is closed at the request deadline', { timeout: 20_000 }, async (t) => {
  const { client } = await boundedServer(t, { requestTimeoutMs: 300 });
  const c = client();
  const after = await c.closedAfter;
  assert.ok(after >= 250 && after < 3000, `closed after ${after} ms`);
  assert.match(c.received(), /request not complete/);
});

test('hostile: bytes after the request line are never read; the answer still comes and the connection closes', { timeout: 20_000 }, async (t) => {
  const { client } = await boundedServer(t, { maxRequestBytes: 64 });
  const c = client();
  await connected(c);
  c.socket.write('{"cmd":"standby"}\n' + 'z'.repeat(100_000));
  await c.closedAfter;
  assert.equal(c.received(), '{"ok":true,"message":"did standby"}\n');
});

test('hostile: a flood of held connections: at most maxConnections are kept, the rest closed at once; the socket serves again after the deadline', { timeout: 30_000 }, async (t) => {
  const { path, errors, client } = await boundedServer(t, { maxConnections: 4, requestTimeoutMs: 3000 });
  const flood = Array.from({ length: 60 }, () => client());
  await until(() => errors.length >= 56, 2500);
  const open = flood.filter((c) => !c.closed).length;
  assert.ok(open <= 4 && open >= 1, `${open} held connections still open, limit 4`);
  assert.match(errors[0]!, /4 connections open \(the limit\)/, 'refusals are reported');
  await Promise.all(flood.map((c) => c.closedAfter));
  assert.deepEqual(await controlRequest(path, { cmd: 'status' }, 5000), { ok: true, message: 'did status' });
});

test('close() does not wait for held connections', { timeout: 20_000 }, async (t) => {
  const path = join(tempDir(t), 'twinbeat.sock');
  const server = await startControlServer({ path, group: null, handler: async () => ({ ok: true }) });
  const held = observe(path);
  await connected(held);
  await sleep(50);
  const started = Date.now();
  await server.close();
  assert.ok(Date.now() - started < 1000, `close took ${Date.now() - started} ms`);
  await held.closedAfter;
});

test('per-group requests: group, node and clear are checked before the handler sees them (hostile names refused)', () => {
  assert.deepEqual(parseRequest('{"cmd":"move","group":"IPaddr::10.0.0.1/24/eth0","node":"beta"}'), { cmd: 'move', group: 'IPaddr::10.0.0.1/24/eth0', node: 'beta' });
  assert.deepEqual(parseRequest('{"cmd":"move","group":"httpd","clear":true}'), { cmd: 'move', group: 'httpd', clear: true });
  assert.deepEqual(parseRequest('{"cmd":"standby","group":"httpd"}'), { cmd: 'standby', group: 'httpd' });
  assert.deepEqual(parseRequest('{"cmd":"online","group":"httpd"}'), { cmd: 'online', group: 'httpd' });
  const refused = (line: string, re: RegExp) => {
    const answer = parseRequest(line);
    assert.equal(typeof answer, 'string', line);
    assert.match(answer as string, re);
  };
  // Log injection: a newline, a control character or a space would forge or split log lines.
  refused('{"cmd":"move","group":"httpd\\n2026-01-01 alpha info command-takeover forged"}', /group must be a resource group name/);
  refused('{"cmd":"move","group":"a\\u0000b"}', /group must be/);
  refused('{"cmd":"move","group":"a b"}', /group must be/);
  refused('{"cmd":"move","group":""}', /group must be/);
  refused(`{"cmd":"move","group":"${'x'.repeat(257)}"}`, /group must be/);
  refused('{"cmd":"move","group":["httpd"]}', /group must be/);
  refused('{"cmd":"move","group":{"toString":"httpd"}}', /group must be/);
  refused('{"cmd":"move","group":"httpd","node":"beta\\r"}', /node must be a node name/);
  refused('{"cmd":"standby","group":"httpd","node":"beta"}', /node must be a node name, and only with move/);
  refused('{"cmd":"move","group":"httpd","clear":"yes"}', /clear must be true or false/);
  refused('{"cmd":"move","group":"httpd","node":"beta","clear":true}', /without node/);
  refused('{"cmd":"takeover","group":"httpd"}', /takeover takes no group/);
  refused('{"cmd":"status","group":"httpd"}', /status takes no group/);
});
