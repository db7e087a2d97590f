// The open-files budget (issue 12, hole 5): the soft limit raised with prlimit on our own pid,
// and connection limits that leave the takeover reserve free.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connectionBudget, readNofileLimit, DAEMON_BASELINE, TAKEOVER_RESERVE } from '../../../src/daemon/descriptors.js';
import { CONTROL_LIMITS } from '../../../src/daemon/control.js';
import { METRICS_LIMITS } from '../../../src/daemon/metrics.js';

test('readNofileLimit reads this process and a missing pid is null', () => {
  const own = readNofileLimit();
  assert.ok(own !== null && own.soft > 0 && own.hard >= own.soft);
  assert.equal(readNofileLimit(2 ** 30), null);
});

test('connection budget: defaults with room; never eats the takeover reserve; at least one control connection', () => {
  assert.deepEqual(connectionBudget(1024), { metrics: METRICS_LIMITS.maxConnections, control: CONTROL_LIMITS.maxConnections });
  for (const soft of [600, 400, 340, 330, DAEMON_BASELINE + TAKEOVER_RESERVE + 2]) {
    const b = connectionBudget(soft);
    assert.ok(DAEMON_BASELINE + TAKEOVER_RESERVE + b.metrics + b.control <= soft, `${soft}: ${JSON.stringify(b)}`);
    assert.ok(b.control >= 1 && b.metrics >= 1);
  }
  assert.deepEqual(connectionBudget(64), { metrics: 1, control: 1 });
  assert.deepEqual(connectionBudget(Infinity), { metrics: METRICS_LIMITS.maxConnections, control: CONTROL_LIMITS.maxConnections });
});

test('raiseNofileLimit: a process whose soft limit was lowered raises it on its own pid with prlimit', () => {
  const module = fileURLToPath(new URL('../../../src/daemon/descriptors.js', import.meta.url));
  // Node raises soft to hard at its own start, so the child lowers it first, as a wrapper might.
  const script = `
    import { execFileSync } from 'node:child_process';
    import { raiseNofileLimit, readNofileLimit } from ${JSON.stringify(module)};
    execFileSync('prlimit', ['--pid', String(process.pid), '--nofile=100:2048']);
    const lowered = readNofileLimit();
    const result = await raiseNofileLimit();
    console.log(JSON.stringify({ lowered, ...result }));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { lowered: unknown; before: unknown; after: unknown; error: string | null };
  assert.deepEqual(out.lowered, { soft: 100, hard: 2048 });
  assert.deepEqual(out.after, { soft: 2048, hard: 2048 });
  assert.equal(out.error, null);
});

test('raiseNofileLimit at soft == hard changes nothing and reports no error', () => {
  const r = spawnSync('prlimit', ['--nofile=1024:1024', '--', process.execPath, '--input-type=module', '-e',
    `import { raiseNofileLimit } from ${JSON.stringify(fileURLToPath(new URL('../../../src/daemon/descriptors.js', import.meta.url)))}; console.log(JSON.stringify(await raiseNofileLimit()));`,
  ], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { before: { soft: 1024, hard: 1024 }, after: { soft: 1024, hard: 1024 }, error: null });
});
