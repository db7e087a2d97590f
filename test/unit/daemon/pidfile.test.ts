import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { acquirePidfile, AlreadyRunningError, readPid } from '../../../src/daemon/pidfile.js';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tb6-pid-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A pid that certainly belongs to no process: one that just exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

test('acquire writes our pid and release removes the file', (t) => {
  const path = join(tempDir(t), 'run', 'twinbeat.pid');
  const pidfile = acquirePidfile(path);
  assert.equal(readPid(path), process.pid);
  pidfile.release();
  assert.equal(existsSync(path), false);
  pidfile.release(); // idempotent
});

test('a second daemon is refused while the first lives', (t) => {
  const path = join(tempDir(t), 'twinbeat.pid');
  // Our parent (the test runner) is alive and is not us.
  writeFileSync(path, `${process.ppid}\n`);
  assert.throws(
    () => acquirePidfile(path),
    (err: Error) => err instanceof AlreadyRunningError && err.pid === process.ppid && err.message.includes(path),
  );
  assert.equal(readPid(path), process.ppid, 'the live owner keeps its pidfile');
});

test('a stale pidfile of a dead process is taken over and reported', (t) => {
  const path = join(tempDir(t), 'twinbeat.pid');
  const dead = deadPid();
  writeFileSync(path, `${dead}\n`);
  const reported: (number | null)[] = [];
  const pidfile = acquirePidfile(path, (pid) => reported.push(pid));
  assert.deepEqual(reported, [dead]);
  assert.equal(readFileSync(path, 'utf8'), `${process.pid}\n`);
  pidfile.release();
});

test('a garbage pidfile is taken over', (t) => {
  const path = join(tempDir(t), 'twinbeat.pid');
  writeFileSync(path, 'not a pid');
  const reported: (number | null)[] = [];
  acquirePidfile(path, (pid) => reported.push(pid)).release();
  assert.deepEqual(reported, [null]);
});

test('release leaves a successor\'s pidfile alone', (t) => {
  const path = join(tempDir(t), 'twinbeat.pid');
  const pidfile = acquirePidfile(path);
  writeFileSync(path, `${process.ppid}\n`);
  pidfile.release();
  assert.equal(readPid(path), process.ppid);
});
