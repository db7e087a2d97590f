// `realtime on`: the daemon's threads run SCHED_FIFO, and what it starts later (resource
// scripts, hooks) runs at normal priority. Checked on real processes with the kernel's answer
// (/proc/PID/stat field 41, the scheduling policy: 0 = SCHED_OTHER, 1 = SCHED_FIFO).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { rootSkipReason } from '../../scripts/lab/netns.js';
import { sleep, stopPid, waitFor } from '../../scripts/lab/process.js';
import { enterRealtime } from '../../src/daemon/realtime.js';
import { createLogger } from '../../src/daemon/logger.js';

const SCHED_OTHER = 0;
const SCHED_FIFO = 1;

function policy(pid: number | string): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name "(…)", which may contain spaces: policy is field 41.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[41 - 3]);
}

function quietLog() {
  const out = new PassThrough();
  const lines: string[] = [];
  out.on('data', (d: Buffer) => lines.push(d.toString()));
  return { log: createLogger({ stdout: out }), lines };
}

test('a PID that cannot be raised gives a warning that says how to fix it, never a crash', async () => {
  const { log, lines } = quietLog();
  const result = await enterRealtime(50, log, 2 ** 22 + 12345);
  assert.equal(result.ok, false);
  assert.match(result.detail, /normal priority.*realtime off/);
  await sleep(50);
  assert.match(lines.join(''), /realtime-failed/);
});

test('realtime: every existing thread SCHED_FIFO; a process forked afterwards runs SCHED_OTHER', { skip: rootSkipReason }, async (t) => {
  // A shell that waits, then forks a child: like the daemon starting a resource script.
  const shell = spawn('sh', ['-c', 'read _; sleep 30'], { stdio: ['pipe', 'ignore', 'ignore'] });
  t.after(() => stopPid(shell.pid!));
  const { log } = quietLog();
  const result = await enterRealtime(10, log, shell.pid!);
  assert.equal(result.ok, true, result.detail);
  for (const tid of readdirSync(`/proc/${shell.pid}/task`)) assert.equal(policy(tid), SCHED_FIFO, `thread ${tid}`);
  shell.stdin.write('go\n');
  let child = 0;
  await waitFor('the forked sleep', () => {
    const kids = readFileSync(`/proc/${shell.pid}/task/${shell.pid}/children`, 'utf8').trim();
    child = Number(kids.split(' ')[0] ?? 0);
    return child > 0;
  });
  assert.equal(policy(child), SCHED_OTHER, 'the child was reset to normal priority on fork');
  assert.equal(policy(shell.pid!), SCHED_FIFO, 'the parent keeps its priority');
});
