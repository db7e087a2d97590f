// scripts/twinbeat.logrotate as install.sh renders it, run by the real logrotate against a real
// `twinbeat start -f` (silent-peer wiring): the rotated files keep the old lines, the daemon
// writes its next lines (logfile and debugfile) into new files at the same paths because
// postrotate's `twinbeat reload` reopened them (also when it refuses a half-edited ha.cf), a
// second rotation compresses the first, and a stopped daemon is no error. Temp files only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../support/paths.js';
import { missingSkipReason } from '../../../scripts/lab/requirements.js';
import { silentPairConfig } from '../daemon/memory-wiring.js';
import { silentCli, startForeground, waitUntil } from '../daemon/silent-daemon.js';

const shipped = readFileSync(join(repoRoot, 'scripts/twinbeat.logrotate'), 'utf8');
/** The paths the shipped file rotates: the sample ha.cf's and Heartbeat's usual ones. */
const SHIPPED_PATHS = '/var/log/twinbeat.log /var/log/twinbeat-debug.log /var/log/ha-log /var/log/ha-debug';

test('the shipped logrotate file names the sample ha.cf\'s and Heartbeat\'s log files and reloads in postrotate', () => {
  const ha = readFileSync(join(repoRoot, 'ha.cf'), 'utf8');
  assert.ok(shipped.includes(`${SHIPPED_PATHS} {`), 'the path line the rotation test replaces');
  const samples = [...ha.matchAll(/^#?(logfile|debugfile)[ \t]+(\/\S+)/gm)];
  assert.equal(samples.length, 2, 'the sample ha.cf shows a logfile and a debugfile');
  for (const m of samples) assert.ok(SHIPPED_PATHS.split(' ').includes(m[2]!), `${m[1]} ${m[2]} of the sample ha.cf is rotated`);
  assert.match(shipped, /postrotate\n\t\t@BINDIR@\/twinbeat -c @CONFDIR@ reload >\/dev\/null 2>&1 \|\| true\n\tendscript/);
});

test('logrotate rotates the logs of a running daemon; its next lines go to new files', { skip: missingSkipReason(['logrotate']), timeout: 120_000 }, async (t) => {
  const cfg = silentPairConfig(t);
  const debug = join(cfg.dir, 'ha-debug');
  appendFileSync(join(cfg.dir, 'ha.cf'), `debugfile ${debug}\n`);
  // install.sh's @BINDIR@/twinbeat: here the CLI with the silent-peer wiring, as node alpha.
  const bin = join(cfg.dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'twinbeat'), `#!/bin/sh\nexec '${process.execPath}' '${silentCli}' --node alpha "$@"\n`);
  chmodSync(join(bin, 'twinbeat'), 0o755);
  const conf = join(cfg.dir, 'logrotate.conf');
  writeFileSync(conf, shipped.replaceAll('@BINDIR@', bin).replaceAll('@CONFDIR@', cfg.dir).replace(SHIPPED_PATHS, `${cfg.log} ${debug}`), { mode: 0o644 });
  // -f: rotate now, whatever `weekly` says; -s: our own state file, never /var/lib/logrotate's.
  const logrotate = () => spawnSync('logrotate', ['-f', '-s', join(cfg.dir, 'logrotate.state'), conf], { encoding: 'utf8', timeout: 60_000 });

  const { process: daemon, output, exited } = startForeground(t, cfg.dir);
  const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : '');
  await waitUntil('daemon-ready in the log', () => /event=daemon-ready/.test(read(cfg.log)), output);

  const first = logrotate();
  assert.equal(first.status, 0, first.stderr);
  // delaycompress: the newest rotated file stays plain text.
  for (const [path, old] of [[cfg.log, /event=daemon-ready/], [debug, /event=daemon-ready/]] as const) {
    assert.match(read(`${path}.1`), old, `${path}.1 keeps the lines written before`);
    // postrotate's reload waited for the daemon, which reopened first: its answer is in the new file.
    assert.match(read(path), /event=reload-applied/, `${path}: the next lines`);
    assert.doesNotMatch(read(path), /event=daemon-start/);
  }
  assert.doesNotMatch(read(`${cfg.log}.1`), /event=reload-applied/, 'nothing written to the renamed file after the reopen');

  // An ha.cf half-edited when the weekly rotation comes: the reload is refused, the files are reopened all the same.
  const haCf = readFileSync(join(cfg.dir, 'ha.cf'), 'utf8');
  writeFileSync(join(cfg.dir, 'ha.cf'), `${haCf}keepalive 5\n`);
  const second = logrotate();
  assert.equal(second.status, 0, second.stderr);
  writeFileSync(join(cfg.dir, 'ha.cf'), haCf);
  assert.ok(existsSync(`${cfg.log}.2.gz`), 'compress: the older file is gzipped');
  assert.match(read(`${cfg.log}.1`), /event=reload-applied/);
  assert.match(read(cfg.log), /event=reload-rejected/, 'a refused reload still reopened the log');
  assert.doesNotMatch(read(`${cfg.log}.1`), /event=reload-rejected/);

  daemon.kill('SIGTERM');
  assert.equal(await exited, 0, output());
  assert.match(read(cfg.log), /event=daemon-stopped/);
  // A stopped daemon: postrotate's reload fails, `|| true` keeps logrotate from reporting an error.
  const stopped = logrotate();
  assert.equal(stopped.status, 0, stopped.stderr);
  assert.match(read(`${cfg.log}.1`), /event=daemon-stopped/);
});
