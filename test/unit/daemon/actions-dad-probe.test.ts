// WorldActions.probeAddresses and the start env (issue 13): every address of the group is probed
// with the script's `probe` action; only our own address scripts are asked, and only a clean exit
// 0 from every one is "free" (a refused, failed or foreign script is no evidence). A start that
// carries a probe gets TB_DAD_CHECKED=1; no other action and no start without one does. Fake
// runner; no files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createWorldActions } from '../../../src/daemon/actions.js';
import { createLogger } from '../../../src/daemon/logger.js';
import type { Config, ResourceSpec } from '../../../src/config/types.js';
import type { ScriptRunner } from '../../../src/resources/runner.js';
import type { ScriptResult } from '../../../src/resources/result.js';

const res = (script: string, arg: string, cls: ResourceSpec['class'] = 'heartbeat'): ResourceSpec =>
  ({ id: `${script}::${arg}`, script, args: [arg], path: `/x/${script}`, class: cls }) as ResourceSpec;

const groups = [
  [res('IPaddr', '10.0.0.1'), res('Dummy', 'web'), res('IPv6addr', 'fd00::1/64/eth0')],
  [res('IPaddr2', '10.0.0.2')],
  [res('Dummy', 'only')],
  [res('IPaddr', '10.0.0.3', 'ocf')],
];
const config = {
  groups: groups.map((resources) => ({ owner: 'alpha', key: resources[0]!.id, resources })),
  ext: { monitors: {}, hooks: {}, startTimeoutMs: 1000, stopTimeoutMs: 1000, statusTimeoutMs: 1000, arpCount: 1, arpIntervalMs: 1, dadTimeoutMs: 12 },
} as unknown as Config;

const result = (exitCode: number | null): ScriptResult => ({ outcome: exitCode === 0 ? 'ok' : 'failed', exitCode, signal: null, durationMs: 1, reason: exitCode === 0 ? '' : 'in use', stdout: '', stderr: '' });

function actions(exitFor: (id: string) => number | null) {
  const probed: string[] = [];
  const runs: { id: string; action: string; env: Record<string, string> | undefined; nice: number | undefined }[] = [];
  const runner = {
    probe: async (spec: ResourceSpec, opts: { env?: Record<string, string>; nice?: number }) => {
      probed.push(`${spec.id} TB_DAD_MS=${opts.env?.['TB_DAD_MS']} nice=${opts.nice}`);
      return result(exitFor(spec.id));
    },
    run: async (spec: ResourceSpec, action: string, opts: { env?: Record<string, string>; nice?: number }) => {
      runs.push({ id: spec.id, action, env: opts.env, nice: opts.nice });
      return result(0);
    },
  } as unknown as ScriptRunner;
  const log = createLogger({ stdout: new PassThrough() });
  return { world: createWorldActions({ config: () => config, runner, stateFile: '/nonexistent/state', log }), probed, runs };
}

test('every address of the group is probed with its DAD wait; free only when each says no reply', async () => {
  const a = actions(() => 0);
  assert.deepEqual(await a.world.probeAddresses(0), { free: true });
  assert.deepEqual(a.probed, ['IPaddr::10.0.0.1 TB_DAD_MS=12 nice=-10', 'IPv6addr::fd00::1/64/eth0 TB_DAD_MS=12 nice=-10'], 'Dummy is not an address: not probed');
  const b = actions((id) => (id.startsWith('IPv6addr') ? 1 : 0));
  assert.deepEqual(await b.world.probeAddresses(0), { free: false }, 'one address answered');
});

test('no evidence is not "free": killed, refused or foreign scripts; a group that is not configured', async () => {
  assert.deepEqual(await actions(() => null).world.probeAddresses(0), { free: false }, 'killed by a signal');
  const foreign = actions(() => 0);
  assert.deepEqual(await foreign.world.probeAddresses(1), { free: false }, "Heartbeat's IPaddr2 knows no probe");
  assert.deepEqual(foreign.probed, [], 'and is never asked');
  assert.deepEqual(await foreign.world.probeAddresses(3), { free: false }, 'an OCF agent named IPaddr is not ours');
  assert.deepEqual(await foreign.world.probeAddresses(2), { free: true }, 'no address in the group: nothing can be doubled');
  assert.deepEqual(await foreign.world.probeAddresses(99), { free: true }, 'an unknown group has no addresses');
});

test('TB_DAD_CHECKED=1 reaches a start that carries a probe, and nothing else', async () => {
  const a = actions(() => 0);
  await a.world.runResource(0, 'IPaddr::10.0.0.1', 'start', { dadChecked: true });
  await a.world.runResource(0, 'IPaddr::10.0.0.1', 'start');
  await a.world.runResource(0, 'IPaddr::10.0.0.1', 'stop', { dadChecked: true });
  assert.deepEqual(a.runs.map((r) => `${r.action} ${r.env?.['TB_DAD_CHECKED'] ?? '-'}`), ['start 1', 'start -', 'stop -']);
  // The takeover waits on the checked start alone: it runs ahead of the load, nothing else does.
  assert.deepEqual(a.runs.map((r) => r.nice), [-10, undefined, undefined]);
});
