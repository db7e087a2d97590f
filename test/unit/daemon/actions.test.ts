// The daemon's WorldActions (src/daemon/actions.ts): timeouts and settings per resource action
// and hook, the ping probe and tracked interfaces, with a fake script runner. Touches only temp
// directories it creates (state file, a fake sysfs) and removes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorldActions, actionTimeoutMs, hookTimeoutMs, interfaceUp, NOTIFY_HOOK_TIMEOUT_MS } from '../../../src/daemon/actions.js';
import { createLogger } from '../../../src/daemon/logger.js';
import { loadState } from '../../../src/daemon/state-file.js';
import type { Config, ResourceSpec } from '../../../src/config/types.js';
import type { ScriptRunner } from '../../../src/resources/runner.js';
import type { ScriptResult } from '../../../src/resources/result.js';

const spec = (id: string, script: string): ResourceSpec => ({ id, script, args: [], path: `/x/${script}`, class: 'heartbeat' });

const config = {
  ping: ['10.0.0.254', '10.0.0.253'],
  pingGroups: [{ name: 'routers', addresses: ['10.0.1.1', '10.0.1.2'] }],
  uplink: { enabled: true, trackInterfaces: ['eth1', 'eth2'] },
  groups: [{ owner: 'alpha', key: 'IPaddr::10.0.0.100', resources: [spec('IPaddr::10.0.0.100', 'IPaddr'), spec('Dummy::web', 'Dummy'), spec('IPv6addr::fd00::100/64/eth0', 'IPv6addr'), spec('IPaddr::fd00::101', 'IPaddr')], origin: 'default' }],
  ext: {
    monitors: { 'Dummy::web': { intervalMs: 10_000, timeoutMs: 7_000, failures: 1, restarts: 0 } },
    hooks: { fence: '/etc/ha.d/fence' },
    startTimeoutMs: 1_000, stopTimeoutMs: 2_000, notifyTimeoutMs: 30_000, statusTimeoutMs: 3_000, arpCount: 4, arpIntervalMs: 150, dadTimeoutMs: 250,
  },
} as unknown as Config;

const ok: ScriptResult = { outcome: 'ok', exitCode: 0, signal: null, durationMs: 1, reason: '', stdout: '', stderr: '' };

function fakeRunner(calls: string[]): ScriptRunner {
  return {
    run: async (s: ResourceSpec, action: string, opts: { timeoutMs: number; env?: Record<string, string> }) => {
      calls.push(`${s.id} ${action} ${opts.timeoutMs} ${opts.env?.['TB_ARP_COUNT']}/${opts.env?.['TB_ARP_INTERVAL_MS']}/${opts.env?.['TB_DAD_MS']}`);
      return ok;
    },
    runHook: async (path: string, _env: Record<string, string>, timeoutMs: number) => {
      calls.push(`hook ${path} ${timeoutMs}`);
      return ok;
    },
  } as unknown as ScriptRunner;
}

function make(t: { after: (fn: () => void) => void }, ping?: (a: string) => Promise<boolean>, interfaceUp?: (name: string) => Promise<boolean>) {
  const dir = mkdtempSync(join(tmpdir(), 'tb6-act-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const calls: string[] = [];
  const actions = createWorldActions({
    config: () => config, runner: fakeRunner(calls), stateFile: join(dir, 'state.ini'),
    log: createLogger({ stdout: new PassThrough() }), ...(ping ? { ping } : {}), ...(interfaceUp ? { interfaceUp } : {}),
  });
  return { actions, calls, stateFile: join(dir, 'state.ini') };
}

test('resource actions get their timeout and the ARP and DAD settings; unknown resources are not-installed', async (t) => {
  const { actions, calls } = make(t);
  await actions.runResource(0, 'IPaddr::10.0.0.100', 'start');
  await actions.runResource(0, 'Dummy::web', 'monitor');
  await actions.runResource(0, 'Dummy::web', 'stop');
  assert.deepEqual(calls, ['IPaddr::10.0.0.100 start 1000 4/150/250', 'Dummy::web monitor 7000 4/150/250', 'Dummy::web stop 2000 4/150/250']);
  assert.equal((await actions.runResource(0, 'Nope::x', 'start')).outcome, 'not-installed');
  assert.equal((await actions.runResource(5, 'Dummy::web', 'start')).outcome, 'not-installed');
  assert.equal(actionTimeoutMs(config, 'IPaddr::10.0.0.100', 'status'), 3000);
});

test('hooks: configured ones run, missing ones succeed without running anything', async (t) => {
  const { actions, calls } = make(t);
  assert.equal((await actions.runHook('fence', {})).outcome, 'ok');
  const missing = await actions.runHook('escalate', {});
  assert.equal(missing.outcome, 'ok');
  assert.match(missing.reason, /no escalate hook configured/);
  assert.deepEqual(calls, ['hook /etc/ha.d/fence 2000']);
});

test('notification hooks are killed after min(tb_stop_timeout, tb_notify_timeout); fence and escalate get tb_stop_timeout', () => {
  const long = { ...config, ext: { ...config.ext, stopTimeoutMs: 120_000 } } as Config;
  assert.equal(hookTimeoutMs(long, 'remote-failure'), NOTIFY_HOOK_TIMEOUT_MS);
  assert.equal(hookTimeoutMs(long, 'local-failure'), NOTIFY_HOOK_TIMEOUT_MS);
  for (const kind of ['master', 'backup', 'fault', 'stop'] as const) assert.equal(hookTimeoutMs(long, kind), NOTIFY_HOOK_TIMEOUT_MS, kind);
  const quick = { ...long, ext: { ...long.ext, notifyTimeoutMs: 1_500 } } as Config;
  assert.equal(hookTimeoutMs(quick, 'master'), 1_500, 'tb_notify_timeout sets it');
  assert.equal(hookTimeoutMs(quick, 'fence'), 120_000, 'but never the fence');
  assert.equal(hookTimeoutMs(long, 'fence'), 120_000);
  assert.equal(hookTimeoutMs(long, 'escalate'), 120_000);
  assert.equal(hookTimeoutMs(config, 'remote-failure'), 2000, 'a shorter tb_stop_timeout wins');
});

test('ping probe: single nodes count alone, a group counts once if any member answers; tracked interfaces apart', async (t) => {
  const up = new Set(['10.0.0.253', '10.0.1.2', 'eth2']);
  const { actions } = make(t, async (a) => up.has(a), async (n) => up.has(n));
  assert.deepEqual(await actions.probePing(), { reachable: 2, total: 3, interfaces: { up: 1, total: 2 }, failing: ['ping 10.0.0.254', 'interface eth1'] });
  up.clear();
  assert.deepEqual(await actions.probePing(), {
    reachable: 0, total: 3, interfaces: { up: 0, total: 2 }, failing: ['ping 10.0.0.254', 'ping 10.0.0.253', 'ping_group routers', 'interface eth1', 'interface eth2'],
  });
});

test('a tracked interface is up only with IFF_UP and IFF_RUNNING; missing or garbage flags: down', async (t) => {
  const sysfs = mkdtempSync(join(tmpdir(), 'h15u-sysfs-'));
  t.after(() => rmSync(sysfs, { recursive: true, force: true }));
  const cases: Record<string, [string, string] | [string]> = {
    up: ['0x1003', 'up'], dummy: ['0x83', 'unknown'], noCarrier: ['0x1003', 'lowerlayerdown'], adminDown: ['0x1002', 'down'],
    downButOperUp: ['0x1002', 'up'], garbage: ['zz', 'up'], empty: ['', 'up'], noOperstate: ['0x1003'],
  };
  for (const [name, [flags, operstate]] of Object.entries(cases)) {
    mkdirSync(join(sysfs, name));
    writeFileSync(join(sysfs, name, 'flags'), `${flags}\n`);
    if (operstate !== undefined) writeFileSync(join(sysfs, name, 'operstate'), `${operstate}\n`);
  }
  for (const name of ['up', 'dummy']) assert.equal(await interfaceUp(name, sysfs), true, name);
  for (const name of ['noCarrier', 'adminDown', 'downButOperUp', 'garbage', 'empty', 'noOperstate', 'missing', '../up']) assert.equal(await interfaceUp(name, sysfs), false, name);
  assert.equal(await interfaceUp('lo'), true, 'the real loopback is up and running');
});

test('reannounce restarts only the address resources of the group (IPv4 and IPv6, IPaddr and IPv6addr); persist writes the generation the core gives', async (t) => {
  const { actions, calls, stateFile } = make(t);
  await actions.reannounce(0);
  assert.deepEqual(calls, ['IPaddr::10.0.0.100 start 1000 4/150/250', 'IPv6addr::fd00::100/64/eth0 start 1000 4/150/250', 'IPaddr::fd00::101 start 1000 4/150/250']);
  await actions.persist({ generation: 9, standby: true, role: 'standby', placements: [{ group: 'IPaddr::10.0.0.100', node: 'beta', how: 'move', at: 1790000000000 }] });
  assert.deepEqual(await loadState(stateFile), { generation: 9, role: 'standby', standby: true, moves: [{ group: 'IPaddr::10.0.0.100', node: 'beta', how: 'move', at: 1790000000000 }] });
});
