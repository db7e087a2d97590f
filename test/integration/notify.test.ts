// Transition notifications through the real ScriptRunner (issue 15 item 2): real shell scripts
// in a private root-owned directory get keepalived's arguments and the TWINBEAT_* environment; a
// sleeping script is killed (its whole process group) at tb_notify_timeout and counted; a failing
// one is logged and counted while the generic notify script still runs; a flood of transitions
// through the core's notify lane (HookQueue) with real scripts arrives in order per group,
// bounded, and ends on each group's newest state. Needs root (the runner's safety check wants
// root-owned scripts). Timing-sensitive: run under the shared flock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorldActions } from '../../src/daemon/actions.js';
import { createLogger } from '../../src/daemon/logger.js';
import { DaemonMetrics, observedActions } from '../../src/daemon/metrics-registry.js';
import { ScriptRunner } from '../../src/resources/runner.js';
import { HookQueue } from '../../src/core/hooks.js';
import type { Config } from '../../src/config/types.js';
import type { Effect, HookKind } from '../../src/core/types.js';
import type { StatusReport } from '../../src/daemon/status-report.js';
import { rootSkipReason } from '../../scripts/lab/netns.js';

function setup(t: { after: (fn: () => void) => void }, scripts: Record<string, string>, notifyTimeoutMs = 10_000) {
  const dir = mkdtempSync(join(tmpdir(), 'h15n-notify-'));
  chmodSync(dir, 0o700);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const hooks: Record<string, string> = {};
  for (const [kind, body] of Object.entries(scripts)) {
    const path = join(dir, kind);
    writeFileSync(path, `#!/bin/sh\nOUT=${dir}/out\n${body}\n`);
    chmodSync(path, 0o755);
    hooks[kind] = path;
  }
  const config = { groups: [], ext: { hooks, stopTimeoutMs: 60_000, notifyTimeoutMs } } as unknown as Config;
  const logged = new PassThrough();
  let text = '';
  logged.on('data', (b: Buffer) => (text += b.toString()));
  const metrics = new DaemonMetrics({ report: () => ({}) as StatusReport, coreEvents: () => ({}) });
  const actions = observedActions(
    createWorldActions({ config: () => config, runner: new ScriptRunner({ killGraceMs: 300 }), stateFile: join(dir, 'state'), log: createLogger({ stdout: logged }) }),
    metrics,
  );
  const out = () => (existsSync(join(dir, 'out')) ? readFileSync(join(dir, 'out'), 'utf8').trim().split('\n') : []);
  const runs = async (hook: string, outcome: string) => {
    const metric = (await metrics.registry.getSingleMetric('twinbeat_hook_runs_total')!.get()).values;
    return metric.find((v) => v.labels['hook'] === hook && v.labels['outcome'] === outcome)?.value ?? 0;
  };
  return { dir, actions, out, log: () => text, runs };
}

/** Dead: no such process, or a zombie waiting for whoever inherited it to reap it. */
function gone(pid: number): boolean {
  const status = `/proc/${pid}/status`;
  return !existsSync(status) || /^State:\s+Z/m.test(readFileSync(status, 'utf8'));
}

const groupEnv = (state: string, name = 'IPaddr::10.0.0.100', type = 'group') => ({
  TWINBEAT_NODE: 'alpha', TWINBEAT_PEER: 'bravo', TWINBEAT_HOOK: state.toLowerCase(), TWINBEAT_TYPE: type, TWINBEAT_NAME: name,
  TWINBEAT_STATE: state, TWINBEAT_PREVIOUS_STATE: 'BACKUP', TWINBEAT_PRIORITY: '255', TWINBEAT_REASON: 'bravo is dead', ...(type === 'group' ? { TWINBEAT_GROUP: name } : {}),
});

test('the state script, then the generic notify script, get keepalived arguments and the TWINBEAT_ environment', { skip: rootSkipReason }, async (t) => {
  const record = 'echo "$(basename $0)|$*|$TWINBEAT_TYPE|$TWINBEAT_NAME|$TWINBEAT_GROUP|$TWINBEAT_STATE|$TWINBEAT_PREVIOUS_STATE|$TWINBEAT_PRIORITY|$TWINBEAT_REASON|$TWINBEAT_NODE|$TWINBEAT_PEER" >> $OUT';
  const s = setup(t, { master: record, notify: record });
  const result = await s.actions.runHook('master', groupEnv('MASTER'));
  assert.equal(result.outcome, 'ok');
  await s.actions.runHook('backup', groupEnv('BACKUP', 'alpha', 'node'));
  assert.deepEqual(s.out(), [
    'master|INSTANCE IPaddr::10.0.0.100 MASTER 255|group|IPaddr::10.0.0.100|IPaddr::10.0.0.100|MASTER|BACKUP|255|bravo is dead|alpha|bravo',
    'notify|INSTANCE IPaddr::10.0.0.100 MASTER 255|group|IPaddr::10.0.0.100|IPaddr::10.0.0.100|MASTER|BACKUP|255|bravo is dead|alpha|bravo',
    'notify|GROUP alpha BACKUP 255|node|alpha||BACKUP|BACKUP|255|bravo is dead|alpha|bravo',
  ], 'no backup script: only the generic one ran for the node backup');
  assert.equal(await s.runs('master', 'ok'), 1);
  assert.equal(await s.runs('backup', 'ok'), 1);
  const skipped = await s.actions.runHook('fault', groupEnv('FAULT'));
  assert.equal(skipped.outcome, 'ok');
  assert.equal(s.out().filter((l) => l.includes('FAULT')).length, 1, 'fault: only the generic script');
});

test('a sleeping notify script is killed with its children at tb_notify_timeout, logged and counted', { skip: rootSkipReason }, async (t) => {
  const s = setup(t, { master: 'sleep 60 & echo $! > $OUT.child\necho $$ > $OUT.pid\nsleep 60' }, 400);
  const at = Date.now();
  const result = await s.actions.runHook('master', groupEnv('MASTER'));
  const took = Date.now() - at;
  assert.equal(result.outcome, 'timed-out');
  assert.ok(took >= 400 && took < 3000, `killed after ${took} ms`);
  for (const f of ['out.pid', 'out.child']) {
    const pid = Number(readFileSync(join(s.dir, f), 'utf8'));
    assert.ok(gone(pid), `${f} ${pid} is gone`);
  }
  assert.match(s.log(), /WARN event=notify-timeout .*killed after 400 ms/);
  assert.equal(await s.runs('master', 'timed-out'), 1);
});

test('a failing state script is reported with its stderr; the generic script still runs', { skip: rootSkipReason }, async (t) => {
  const s = setup(t, { fault: 'echo "cannot page on-call" >&2\nexit 3', notify: 'echo "notify $*" >> $OUT' });
  const result = await s.actions.runHook('fault', groupEnv('FAULT'));
  assert.equal(result.outcome, 'failed');
  assert.match(result.reason, /exit 3/);
  assert.deepEqual(s.out(), ['notify INSTANCE IPaddr::10.0.0.100 FAULT 255']);
  assert.match(s.log(), /WARN event=notify-failed .*fault script .*exit 3/);
  assert.equal(await s.runs('fault', 'failed'), 1);
});

test('a flood of transitions through the notify lane and real scripts: in order per group, bounded, newest state last', { skip: rootSkipReason }, async (t) => {
  // Each run takes a little while, so the flood piles up behind it.
  const record = 'echo "$2 $3" >> $OUT\nsleep 0.05';
  const s = setup(t, { master: record, backup: record, fault: record });
  const queue = new HookQueue();
  let op = 0;
  const nextOp = () => ++op;
  const pending = new Set<Promise<void>>();
  const carry = (effects: Effect[]) => {
    for (const e of effects) {
      if (e.type !== 'run-hook') continue;
      const p: Promise<void> = s.actions.runHook(e.hook, e.env).then(() => {
        pending.delete(p);
        carry(queue.finish(e.opId, nextOp).effects);
      });
      pending.add(p);
    }
  };
  const groups = ['g0', 'g1', 'g2', 'g3'];
  const states: HookKind[] = ['master', 'backup', 'fault'];
  const enqueued: Record<string, string[]> = Object.fromEntries(groups.map((g) => [g, []]));
  let coalesced = 0;
  for (let i = 0; i < 400; i++) {
    const g = groups[i % groups.length]!;
    const state = states[(i * 7 + (i >> 2)) % 3]!;
    if (enqueued[g]!.at(-1) === state.toUpperCase()) continue; // the core reports changes only
    enqueued[g]!.push(state.toUpperCase());
    const r = queue.enqueue({ hook: state, env: groupEnv(state.toUpperCase(), g), key: `group:${g}` }, nextOp);
    coalesced += r.coalesced.length;
    assert.equal(r.dropped, null);
    assert.ok(queue.pending().queued.length <= groups.length, 'never more than one waiting per group');
    carry(r.effects);
  }
  while (pending.size > 0) await Promise.all([...pending]);
  assert.ok(queue.notifyIdle());
  const delivered: Record<string, string[]> = Object.fromEntries(groups.map((g) => [g, []]));
  for (const line of s.out()) {
    const [g, state] = line.split(' ');
    delivered[g!]!.push(state!);
  }
  const total = Object.values(delivered).reduce((n, d) => n + d.length, 0);
  assert.ok(total < 40, `${total} runs for ${Object.values(enqueued).reduce((n, e) => n + e.length, 0)} transitions (${coalesced} coalesced)`);
  for (const g of groups) {
    const seen = delivered[g]!;
    assert.equal(seen.at(-1), enqueued[g]!.at(-1), `${g} ends on its newest state`);
    // In order: what was delivered is a subsequence of what happened.
    let at = 0;
    for (const state of seen) {
      while (at < enqueued[g]!.length && enqueued[g]![at] !== state) at++;
      assert.ok(at < enqueued[g]!.length, `${g}: ${seen.join(',')} is not in the order of ${enqueued[g]!.join(',')}`);
      at++;
    }
    for (let i = 1; i < seen.length; i++) assert.notEqual(seen[i], seen[i - 1], `${g} never told the same state twice in a row`);
  }
});
