// A real `twinbeat start -f` (silent-peer wiring) as systemd runs it: NOTIFY_SOCKET and
// WATCHDOG_USEC set, a fake systemd-notify first on PATH. Checks READY once the daemon is up,
// watchdog pings at the asked rate and not per heartbeat, STOPPING on SIGTERM, that the log
// file logrotate moved away is reopened on SIGHUP and on `twinbeat reload`, and that stdout
// under JOURNAL_STREAM carries `<N>` priorities. Temp files only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, fstatSync, openSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { silentPairConfig } from './memory-wiring.js';
import { fakeSystemdNotify } from './fake-notify.js';
import { silentCli, startForeground, waitUntil } from './silent-daemon.js';


test('under systemd: READY, watchdog pings, STOPPING; logs reopened on SIGHUP and reload', { timeout: 120_000 }, async (t) => {
  const cfg = silentPairConfig(t);
  const notify = fakeSystemdNotify(t);
  const env = { ...process.env, PATH: `${notify.dir}:${process.env.PATH}`, NOTIFY_SOCKET: '/run/fake/notify', WATCHDOG_USEC: '1000000' };
  const { process: daemon, output, exited } = startForeground(t, cfg.dir, env);
  const calls = () => notify.calls().join('\n');
  const log = () => (existsSync(cfg.log) ? readFileSync(cfg.log, 'utf8') : '');

  await waitUntil('READY=1', () => /READY=1/.test(calls()), output);
  assert.match(notify.calls()[0]!, /^\/run\/fake\/notify\|READY=1 STATUS=alpha: generation 1, 1 link\(s\) open WATCHDOG=1$/);
  // READY only after the daemon is ready. The log line reaches the file asynchronously, maybe
  // after systemd-notify ran: compare when each happened, not what the file holds at this moment.
  await waitUntil('daemon-ready in the log', () => /event=daemon-ready/.test(log()), output);
  const readyLoggedAt = Date.parse(/^(\S+) INFO event=daemon-ready /m.exec(log())?.[1] ?? '');
  assert.ok(notify.times()[0]! >= readyLoggedAt, `READY sent at ${notify.times()[0]}, before the daemon logged ready at ${readyLoggedAt}`);

  // keepalive is 100 ms: per-heartbeat pings would come every 0.1 s; WatchdogSec=1 asks for one
  // per 0.5 s. Timed from a ping to the fourth after it (2 s), not counted in a fixed window: on a
  // loaded machine a ping's systemd-notify can take a while to start, which moves one ping but
  // not the rate (the next is due 0.5 s after the previous was asked for, not after it ran).
  const pings = () => notify.calls().filter((c) => c.endsWith('|WATCHDOG=1')).length;
  const first = pings() + 1;
  await waitUntil('a watchdog ping', () => pings() >= first, output);
  const firstSeen = performance.now();
  await waitUntil('four more watchdog pings', () => pings() >= first + 4, output);
  const fourIntervals = performance.now() - firstSeen;
  assert.ok(fourIntervals >= 1000, `four watchdog intervals in ${fourIntervals.toFixed(0)} ms: not per heartbeat (that is ~400 ms), 500 ms each`);
  assert.ok(fourIntervals < 3500, `four watchdog intervals in ${fourIntervals.toFixed(0)} ms: 500 ms each, not 1 s (WatchdogSec)`);

  // logrotate: rename, then SIGHUP (postrotate's kill -HUP) — the next lines are in a new file.
  renameSync(cfg.log, `${cfg.log}.1`);
  daemon.kill('SIGHUP');
  await waitUntil('reload-applied in the new log file', () => /event=reload-applied/.test(log()), output);
  assert.match(readFileSync(`${cfg.log}.1`, 'utf8'), /event=daemon-start/);
  assert.doesNotMatch(log(), /event=daemon-start/);

  // ... and `twinbeat reload` (postrotate's other form), which waits for the daemon's answer.
  renameSync(cfg.log, `${cfg.log}.2`);
  const reload = spawnSync(process.execPath, [silentCli, '-c', cfg.dir, '--node', 'alpha', 'reload'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(reload.status, 0, reload.stderr);
  assert.match(reload.stdout, /configuration reloaded/);
  await waitUntil('the reload logged in the newest file', () => /event=reload-applied/.test(log()), output);
  assert.match(readFileSync(`${cfg.log}.2`, 'utf8'), /event=reload-applied/);

  daemon.kill('SIGTERM');
  assert.equal(await exited, 0, output());
  assert.match(calls(), /\|STOPPING=1 STATUS=SIGTERM: releasing resources/);
  assert.match(log(), /event=daemon-stopped/);
  assert.doesNotMatch(output(), /systemd-notify-failed/);
});

test('under the journal (JOURNAL_STREAM names stdout): every line of a real daemon carries its priority, numbers are rounded', { timeout: 120_000 }, async (t) => {
  const cfg = silentPairConfig(t);
  const journal = join(cfg.dir, 'journal');
  const fd = openSync(journal, 'w');
  const st = fstatSync(fd);
  const daemon = spawn(process.execPath, [silentCli, '-c', cfg.dir, '--node', 'alpha', 'start', '-f'], {
    stdio: ['ignore', fd, fd],
    env: { ...process.env, JOURNAL_STREAM: `${st.dev}:${st.ino}` },
  });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => daemon.once('exit', (code) => resolve(code)));
  t.after(() => {
    if (daemon.exitCode === null) daemon.kill('SIGKILL');
  });
  const text = () => readFileSync(journal, 'utf8');
  // The peer never answers: after initdead it is declared dead, a warning.
  await waitUntil('the peer declared dead', () => /event=peer-dead/.test(text()), text);
  daemon.kill('SIGTERM');
  assert.equal(await exited, 0, text());
  const lines = text().split('\n').filter((l) => l !== '');
  assert.ok(lines.length >= 5, text());
  for (const line of lines) assert.match(line, /^<[3467]>(ERROR|WARN|INFO|DEBUG) event=/, line);
  assert.match(text(), /^<4>WARN event=peer-dead /m, 'journalctl -p warning finds it');
  assert.match(text(), /^<6>INFO event=daemon-ready /m);
  assert.doesNotMatch(text(), /\d\.\d{4,}/, 'no unrounded numbers');
  // The logfile keeps its own shape: a timestamp, no priority prefix.
  assert.match(readFileSync(cfg.log, 'utf8'), /^\d{4}-\d\d-\d\dT[\d:.]+Z WARN event=peer-dead /m);
});
