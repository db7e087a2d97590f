// The daemon's logger (src/daemon/logger.ts, rate-limit.ts): line format, rate limiting of
// repeats, log and debug files, stdout, and syslog over a unix datagram socket (socat, when
// installed). Touches only temp directories and processes it creates and removes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, formatLine } from '../../../src/daemon/logger.js';
import { RateLimiter } from '../../../src/daemon/rate-limit.js';
import { datagramReceiver } from '../../support/datagram-receiver.js';

function capture(): { stream: PassThrough; lines: () => string[] } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, lines: () => text.split('\n').filter((l) => l !== '') };
}

test('lines are LEVEL event=NAME key=value ... msg="..." and quote awkward values', () => {
  assert.equal(
    formatLine('warn', 'link-dead', 'serial link is dead', { component: 'core', link: 'serial:/dev/ttyS0', reason: 'no frames for 10s', n: 3 }),
    'WARN event=link-dead component=core link=serial:/dev/ttyS0 reason="no frames for 10s" n=3 msg="serial link is dead"',
  );
});

test('rate limiter passes the first line, counts repeats, summarises when the window ends', () => {
  const limiter = new RateLimiter(1000);
  assert.deepEqual(limiter.admit(0, 'warn', 'e', 'm'), { emit: true, summary: null });
  for (let i = 1; i <= 500; i++) assert.equal(limiter.admit(i, 'warn', 'e', 'm').emit, false);
  assert.equal(limiter.admit(10, 'warn', 'e', 'other').emit, true, 'a different message is not suppressed');
  const after = limiter.admit(1500, 'warn', 'e', 'm');
  assert.equal(after.emit, true);
  assert.equal(after.summary?.count, 500);
  assert.deepEqual(limiter.flush(5000), [], 'nothing suppressed since');
});

test('rate limiter flush reports windows nobody repeats into again', () => {
  const limiter = new RateLimiter(1000);
  limiter.admit(0, 'info', 'e', 'm');
  limiter.admit(1, 'info', 'e', 'm');
  limiter.admit(2, 'info', 'e', 'm');
  assert.deepEqual(limiter.flush(500), [], 'window still open');
  assert.deepEqual(limiter.flush(1000).map((s) => s.count), [2]);
});

test('a logger never writes thousands of identical lines', async () => {
  const out = capture();
  let now = 0;
  const log = createLogger({ stdout: out.stream, now: () => now, rateLimitWindowMs: 10_000 });
  const link = log.child('udp');
  for (let i = 0; i < 5000; i++) link.warn('frame-dropped', 'bad signature from 10.0.0.2', { reason: 'auth' });
  now = 20_000;
  link.warn('frame-dropped', 'bad signature from 10.0.0.2', { reason: 'auth' });
  await log.close();
  const lines = out.lines();
  assert.equal(lines.length, 3, lines.join('\n'));
  assert.match(lines[0]!, /^WARN event=frame-dropped component=udp reason=auth msg="bad signature/);
  assert.match(lines[1]!, /^WARN event=frame-dropped component=udp suppressed=4999 msg="suppressed 4999 identical messages in 10s: bad signature/);
  assert.match(lines[2]!, /^WARN event=frame-dropped/);
});

test('debug lines reach the debugfile only; info reaches logfile and debugfile; no stdout when files are set', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tb6-log-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = capture();
  const log = createLogger({ logfile: join(dir, 'ha-log'), debugfile: join(dir, 'ha-debug'), stdout: out.stream });
  log.debug('tick-late', 'tick 40ms late');
  log.child('core').info('role-change', 'init -> active', { from: 'init', to: 'active' });
  await log.close();
  const logfile = readFileSync(join(dir, 'ha-log'), 'utf8');
  const debugfile = readFileSync(join(dir, 'ha-debug'), 'utf8');
  assert.doesNotMatch(logfile, /tick-late/);
  assert.match(logfile, /^\d{4}-\d\d-\d\dT[\d:.]+Z INFO event=role-change component=core from=init to=active msg="init -> active"\n$/);
  assert.match(debugfile, /DEBUG event=tick-late/);
  assert.match(debugfile, /INFO event=role-change/);
  assert.deepEqual(out.lines(), []);
});

test('foreground logs to stdout as well; missing syslog socket falls back to stdout with one notice', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tb6-log-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = capture();
  const log = createLogger({ logfacility: 'daemon', syslogSocket: join(dir, 'no-such-socket'), stdout: out.stream });
  log.info('daemon-start', 'starting');
  await log.close();
  const lines = out.lines();
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /^WARN event=log-syslog-unavailable msg="syslog unavailable \(no syslog socket at .*no-such-socket\)/);
  assert.match(lines[1]!, /^INFO event=daemon-start/);
});

test('logfacility: RFC 3164 datagrams with <facility*8+severity> reach the syslog socket', { skip: !hasSocat() ? 'socat not installed' : false }, async (t) => {
  // socat stands in for the syslog daemon.
  const { socket, received: receivedSoFar } = await datagramReceiver(t);
  const deadline = Date.now() + 10_000;
  const out = capture();
  const log = createLogger({ logfacility: 'local0', syslogSocket: socket, stdout: out.stream });
  log.warn('link-dead', 'serial link dead');
  log.info('role-change', 'now active');
  log.debug('tick', 'not sent: debug is off');
  await log.close();
  const datagrams = () => receivedSoFar().split(/(?=<\d+>)/).filter((d) => d !== '');
  while (datagrams().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 200)); // a third (the debug line) would arrive now
  const lines = datagrams();
  assert.equal(lines.length, 2, receivedSoFar());
  // local0 = 16: warning 16*8+4 = 132, info 16*8+6 = 134.
  assert.match(lines[0]!, /^<132>\w{3} [ \d]\d \d\d:\d\d:\d\d twinbeat\[\d+\]: WARN event=link-dead msg="serial link dead"$/);
  assert.match(lines[1]!, /^<134>.* twinbeat\[\d+\]: INFO event=role-change msg="now active"$/);
  assert.deepEqual(out.lines(), [], 'nothing on stdout when syslog works');
});

function hasSocat(): boolean {
  return spawnSync('socat', ['-V']).status === 0;
}
