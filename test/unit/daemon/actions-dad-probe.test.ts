// WorldActions.probeAddresses and the armed start (issue 13, src/daemon/actions.ts): every address
// of the group is probed by a gated start of its script; only our own address scripts are asked,
// and only a `free` verdict from every one is "free". The start carrying exactly that probe's opId
// releases the armed start of exactly that resource (`go`); everything else closes it first —
// another action, a start without or with another probe, a new probe of the group, a reload that
// changed the resource, the daemon stopping — and a closed armed start falls back to the usual
// spawn (TB_DAD_CHECKED=1 only when the core said so). Fake runner; no files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createWorldActions } from '../../../src/daemon/actions.js';
import { createLogger } from '../../../src/daemon/logger.js';
import type { Config, ResourceSpec } from '../../../src/config/types.js';
import type { GatedStart, GatedStartOptions, ScriptRunner } from '../../../src/resources/runner.js';
import type { ScriptResult } from '../../../src/resources/result.js';

const res = (script: string, arg: string, cls: ResourceSpec['class'] = 'heartbeat'): ResourceSpec =>
  ({ id: `${script}::${arg}`, script, args: [arg], path: `/x/${script}`, class: cls }) as ResourceSpec;

function makeConfig() {
  const groups = [
    [res('IPaddr', '10.0.0.1'), res('Dummy', 'web'), res('IPv6addr', 'fd00::1/64/eth0')],
    [res('IPaddr2', '10.0.0.2')],
    [res('Dummy', 'only')],
    [res('IPaddr', '10.0.0.3', 'ocf')],
  ];
  return {
    deadtimeMs: 50,
    groups: groups.map((resources) => ({ owner: 'alpha', key: resources[0]!.id, resources })),
    ext: { monitors: {}, hooks: {}, startTimeoutMs: 1000, stopTimeoutMs: 1000, statusTimeoutMs: 900, arpCount: 1, arpIntervalMs: 1, dadTimeoutMs: 12 },
  } as unknown as Config;
}

const result = (exitCode: number | null, reason = ''): ScriptResult => ({ outcome: exitCode === 0 ? 'ok' : 'failed', exitCode, signal: null, durationMs: 1, reason, stdout: '', stderr: '' });

interface FakeGate {
  id: string;
  opts: GatedStartOptions;
  state: 'armed' | 'released' | 'cancelled';
}

function actions(verdictFor: (id: string) => boolean = () => true, goResult: (id: string) => ScriptResult | null = () => result(0, 'released')) {
  let config = makeConfig();
  const gates: FakeGate[] = [];
  const trace: string[] = [];
  const runs: { id: string; action: string; env: Record<string, string> | undefined; nice: number | undefined }[] = [];
  const runner = {
    gatedStart: (spec: ResourceSpec, opts: GatedStartOptions): GatedStart => {
      const gate: FakeGate = { id: spec.id, opts, state: 'armed' };
      gates.push(gate);
      trace.push(`arm ${spec.id}`);
      return {
        verdict: Promise.resolve(verdictFor(spec.id)),
        go: async () => {
          if (gate.state !== 'armed') return null;
          gate.state = 'released';
          trace.push(`go ${spec.id}`);
          return goResult(spec.id);
        },
        cancel: async () => {
          if (gate.state === 'armed') trace.push(`cancel ${spec.id}`);
          if (gate.state === 'armed') gate.state = 'cancelled';
        },
      };
    },
    run: async (spec: ResourceSpec, action: string, opts: { env?: Record<string, string>; nice?: number }) => {
      runs.push({ id: spec.id, action, env: opts.env, nice: opts.nice });
      trace.push(`run ${spec.id} ${action}`);
      return result(0);
    },
  } as unknown as ScriptRunner;
  const log = createLogger({ stdout: new PassThrough() });
  const world = createWorldActions({ config: () => config, runner, stateFile: '/nonexistent/state', log });
  return { world, gates, runs, trace, reload: (c: Config) => (config = c) };
}

const V4 = 'IPaddr::10.0.0.1';
const V6 = 'IPv6addr::fd00::1/64/eth0';
const checkedOf = (runs: { action: string; env: Record<string, string> | undefined }[]) => runs.map((r) => `${r.action} ${r.env?.['TB_DAD_CHECKED'] ?? '-'}`);

test('every address of the group is armed with its DAD wait, the probe max age and the start timeout; free only when each says free', async () => {
  const a = actions();
  assert.deepEqual(await a.world.probeAddresses(0, 7), { free: true });
  assert.deepEqual(a.gates.map((g) => g.id), [V4, V6], 'Dummy is not an address: not armed');
  const o = a.gates[0]!.opts;
  assert.deepEqual([o.env['TB_DAD_MS'], o.probeTimeoutMs, o.maxWaitMs, o.startTimeoutMs, o.nice], ['12', 900, 100, 1000, -10]);
  assert.ok(a.gates.every((g) => g.state === 'armed'), 'they wait for the start');
  const b = actions((id) => id !== V6);
  assert.deepEqual(await b.world.probeAddresses(0, 7), { free: false }, 'one address answered');
  assert.ok(b.gates.every((g) => g.state === 'cancelled'), 'not free: no start will release them, all closed');
});

test('no evidence is not "free": foreign scripts are never armed; a group without addresses is free', async () => {
  const a = actions();
  assert.deepEqual(await a.world.probeAddresses(1, 1), { free: false }, "Heartbeat's IPaddr2 knows no gated start");
  assert.deepEqual(await a.world.probeAddresses(3, 2), { free: false }, 'an OCF agent named IPaddr is not ours');
  assert.deepEqual(a.gates, [], 'and neither is asked');
  assert.deepEqual(await a.world.probeAddresses(2, 3), { free: true }, 'no address in the group: nothing can be doubled');
  assert.deepEqual(await a.world.probeAddresses(99, 4), { free: true }, 'an unknown group has no addresses');
});

test('the start carrying the probe releases exactly its armed start: go, its result, no spawn', async () => {
  const a = actions();
  await a.world.probeAddresses(0, 7);
  const r = await a.world.runResource(0, V4, 'start', { dadProbe: 7 });
  assert.equal(r.reason, 'released');
  assert.deepEqual(a.runs, [], 'nothing spawned');
  assert.deepEqual(a.gates.map((g) => g.state), ['released', 'armed'], 'the other address waits for its own start');
  await a.world.runResource(0, 'Dummy::web', 'start', { dadProbe: 7 });
  assert.deepEqual(checkedOf(a.runs), ['start 1'], 'a non-address resource of the group: the usual spawn');
  await a.world.runResource(0, V6, 'start', { dadProbe: 7 });
  assert.deepEqual(a.gates.map((g) => g.state), ['released', 'released']);
});

test('a start with another probe, or none: the armed start is closed first, then the usual spawn', async () => {
  const a = actions();
  await a.world.probeAddresses(0, 7);
  await a.world.runResource(0, V4, 'start', { dadProbe: 8 });
  await a.world.runResource(0, V6, 'start');
  assert.deepEqual(a.trace.slice(2), [`cancel ${V4}`, `run ${V4} start`, `cancel ${V6}`, `run ${V6} start`]);
  assert.deepEqual(checkedOf(a.runs), ['start 1', 'start -'], 'TB_DAD_CHECKED only where the core said the check was done');
  assert.deepEqual(a.runs.map((r) => r.nice), [-10, undefined], 'the takeover start runs ahead of the load');
});

test('any other action on the resource closes its armed start before it runs', async () => {
  for (const action of ['stop', 'status', 'monitor'] as const) {
    const a = actions();
    await a.world.probeAddresses(0, 7);
    await a.world.runResource(0, V4, action, { dadProbe: 7 });
    assert.deepEqual(a.trace.slice(2), [`cancel ${V4}`, `run ${V4} ${action}`], action);
    assert.deepEqual(checkedOf(a.runs), [`${action} -`]);
  }
});

test('an armed start that closed by itself (expired, died) falls back to the usual spawn with the core\'s verdict', async () => {
  const a = actions(() => true, () => null);
  await a.world.probeAddresses(0, 7);
  const r = await a.world.runResource(0, V4, 'start', { dadProbe: 7 });
  assert.equal(r.outcome, 'ok');
  assert.deepEqual(checkedOf(a.runs), ['start 1']);
});

test('a new probe of the group closes the old armed starts before arming new ones', async () => {
  const a = actions();
  await a.world.probeAddresses(0, 7);
  await a.world.probeAddresses(0, 9);
  assert.deepEqual(a.trace, [`arm ${V4}`, `arm ${V6}`, `cancel ${V4}`, `cancel ${V6}`, `arm ${V4}`, `arm ${V6}`]);
  await a.world.runResource(0, V4, 'start', { dadProbe: 7 });
  assert.deepEqual(checkedOf(a.runs), ['start 1'], 'the old probe releases nothing: usual spawn');
  await a.world.runResource(0, V6, 'start', { dadProbe: 9 });
  assert.equal(a.gates[3]!.state, 'released');
});

test('a reload that changed the resource: its armed start (old arguments) is closed, never released', async () => {
  const a = actions();
  await a.world.probeAddresses(0, 7);
  const changed = makeConfig();
  changed.groups[0]!.resources[0] = { ...changed.groups[0]!.resources[0]!, args: ['10.0.0.1/24/eth1'] };
  a.reload(changed);
  await a.world.runResource(0, V4, 'start', { dadProbe: 7 });
  assert.equal(a.gates[0]!.state, 'cancelled');
  assert.deepEqual(checkedOf(a.runs), ['start 1']);
});

test('disarm (the daemon stopping) closes every armed start', async () => {
  const a = actions();
  await a.world.probeAddresses(0, 7);
  await a.world.disarm();
  assert.deepEqual(a.gates.map((g) => g.state), ['cancelled', 'cancelled']);
  await a.world.runResource(0, V4, 'start', { dadProbe: 7 });
  assert.deepEqual(checkedOf(a.runs), ['start 1'], 'nothing left to release');
});
