// The daemon loop (src/daemon/loop.ts) with a scripted core, fake links and fake actions: effect
// order, sends, frames decoded or counted as drops per link and reason, resource results.
// Pure: in-process fakes only, a hand-driven clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { Loop, type CoreMachine, type LoopDeps, type WorldActions } from '../../../src/daemon/loop.js';
import type { Effect, Event } from '../../../src/core/types.js';
import type { CoreStatus } from '../../../src/core/status.js';
import type { Link, LinkEvent, LinkStats } from '../../../src/transport/link.js';
import type { Message } from '../../../src/protocol/message.js';
import type { ScriptResult } from '../../../src/resources/result.js';
import type { Clock } from '../../../src/daemon/clock.js';
import { createLogger } from '../../../src/daemon/logger.js';

const message: Message = {
  type: 1, from: 'beta', generation: 1, seq: 1, ackGeneration: 0, ackSeq: 0, role: 'active',
  claims: { holds: 0, wants: 0, grants: 0 }, standby: false, configDigest: 'abc',
};

class FakeLink implements Link {
  readonly kind = 'memory' as const;
  sent: string[] = [];
  private listener: (e: LinkEvent) => void = () => {};
  constructor(readonly name: string) {}
  async open() {}
  async close() {}
  send(frame: string) {
    this.sent.push(frame);
  }
  onEvent(listener: (e: LinkEvent) => void) {
    this.listener = listener;
  }
  emit(e: LinkEvent) {
    this.listener(e);
  }
  accepted: number[] = [];
  frameAccepted(at: number) {
    this.accepted.push(at);
  }
  stats(): LinkStats {
    return { framesSent: 0, framesReceived: 0, bytesSent: 0, bytesReceived: 0, drops: {}, lastHeardAt: null, interArrival: { mean: 0, p50: 0, p99: 0, p999: 0, max: 0, count: 0 } };
  }
}

/** A scripted machine: records events, answers each with the effects the test queued for its type. */
class ScriptedMachine implements CoreMachine {
  events: Event[] = [];
  constructor(private readonly script: (e: Event) => Effect[]) {}
  step(e: Event): Effect[] {
    this.events.push(e);
    return this.script(e);
  }
  status(): CoreStatus {
    return {} as CoreStatus;
  }
  nextWakeAt(): number {
    return Infinity;
  }
}

const codec: LoopDeps['codec'] = {
  encode: (m) => `frame:${m.seq}`,
  decode: (frame) => (frame === 'good' ? { ok: true, message, keyIndex: 1 } : { ok: false, reason: 'bad-mac' }),
};

const ok = (reason = ''): ScriptResult => ({ outcome: 'ok', exitCode: 0, signal: null, durationMs: 1, reason, stdout: '', stderr: '' });

function setup(script: (e: Event) => Effect[], actions: Partial<WorldActions> = {}) {
  let now = 1000;
  const clock: Clock = { now: () => now, after: () => ({ cancel() {} }) };
  const trace: string[] = [];
  const world: WorldActions = {
    runResource: async () => ok(),
    runHook: async () => ok(),
    probePing: async () => ({ reachable: 1, total: 1 }),
    probeAddresses: async () => ({ free: true }),
    reannounce: async () => {},
    disarm: async () => {},
    persist: async (s) => {
      await new Promise((r) => setTimeout(r, 30));
      trace.push(`persisted ${s.role}`);
    },
    ...actions,
  };
  const links = [new FakeLink('udp:a'), new FakeLink('serial:/dev/ttyS0')];
  const machine = new ScriptedMachine(script);
  const log = createLogger({ stdout: new PassThrough() });
  const loop = new Loop({ machine, links, codec, actions: world, clock, log, tickMs: 100 });
  return { loop, machine, links, trace, advance: (ms: number) => (now += ms) };
}

test('effects are carried out in order: a send after a persist waits for the persist', async () => {
  const { loop, links, trace } = setup((e) =>
    e.type === 'command' ? [{ type: 'persist', state: { generation: 1, standby: true, role: 'standby', placements: [] } }, { type: 'send', message: { ...message, seq: 7 } }] : [],
  );
  links[0]!.send = (frame) => trace.push(`sent ${frame}`);
  await loop.dispatch({ type: 'command', now: 1, command: 'standby' });
  assert.deepEqual(trace, ['persisted standby', 'sent frame:7']);
});

test('send goes to the listed links only, or to all', async () => {
  const { loop, links } = setup((e) =>
    e.type === 'command' ? [{ type: 'send', message, links: ['serial:/dev/ttyS0'] }, { type: 'send', message: { ...message, seq: 2 } }] : [],
  );
  await loop.dispatch({ type: 'command', now: 1, command: 'takeover' });
  assert.deepEqual(links[0]!.sent, ['frame:2']);
  assert.deepEqual(links[1]!.sent, ['frame:1', 'frame:2']);
});

test('good frames become heard events on their link; bad ones are counted per link and reason', async () => {
  const { loop, machine, links } = setup(() => []);
  links[1]!.emit({ kind: 'frame', frame: 'good', at: 5 });
  links[1]!.emit({ kind: 'frame', frame: 'forged', at: 6 });
  links[1]!.emit({ kind: 'frame', frame: 'forged', at: 7 });
  links[0]!.emit({ kind: 'medium', up: false, reason: 'ENETDOWN', at: 8 });
  await loop.dispatch({ type: 'tick', now: 9 });
  assert.deepEqual(
    machine.events.map((e) => e.type),
    ['heard', 'link-medium', 'tick'],
  );
  assert.deepEqual(machine.events[0], { type: 'heard', now: 5, link: 'serial:/dev/ttyS0', message });
  assert.deepEqual(machine.events[1], { type: 'link-medium', now: 8, link: 'udp:a', up: false, reason: 'ENETDOWN' });
  assert.deepEqual(loop.protocolDrops('serial:/dev/ttyS0'), { 'bad-mac': 2 });
  assert.deepEqual(loop.protocolDrops('udp:a'), {});
});

test('a resource action answers with resource-done carrying the opId and outcome', async () => {
  const calls: string[] = [];
  let answered!: () => void;
  const done = new Promise<void>((r) => (answered = r));
  const { loop, machine } = setup(
    (e) => {
      if (e.type === 'command') return [{ type: 'run-resource', opId: 42, group: 0, resource: 'IPaddr::10.0.0.100', action: 'start' }];
      if (e.type === 'resource-done') answered();
      return [];
    },
    {
      runResource: async (group, id, action) => {
        calls.push(`${group} ${id} ${action}`);
        return { ...ok('started'), outcome: 'timed-out' };
      },
    },
  );
  await loop.dispatch({ type: 'command', now: 1, command: 'takeover' });
  await done;
  assert.deepEqual(calls, ['0 IPaddr::10.0.0.100 start']);
  const last = machine.events.at(-1)!;
  assert.equal(last.type, 'resource-done');
  assert.deepEqual({ ...last, now: 0 }, { type: 'resource-done', now: 0, opId: 42, outcome: 'timed-out', reason: 'started' });
});

test('a hook and a ping probe answer with hook-done and ping-result; a throwing runner becomes a failure', async () => {
  let seen = 0;
  let all!: () => void;
  const done = new Promise<void>((r) => (all = r));
  const { loop, machine } = setup(
    (e) => {
      if (e.type === 'command') return [{ type: 'run-hook', opId: 3, hook: 'fence', env: { X: '1' } }, { type: 'ping-probe' }];
      if (e.type === 'hook-done' || e.type === 'ping-result') if (++seen === 2) all();
      return [];
    },
    { runHook: async () => Promise.reject(new Error('boom')), probePing: async () => ({ reachable: 2, total: 3 }) },
  );
  await loop.dispatch({ type: 'command', now: 1, command: 'takeover' });
  await done;
  const hook = machine.events.find((e) => e.type === 'hook-done');
  assert.deepEqual(hook && { ...hook, now: 0 }, { type: 'hook-done', now: 0, opId: 3, ok: false, reason: 'runner error: boom' });
  const ping = machine.events.find((e) => e.type === 'ping-result');
  assert.deepEqual(ping && { ...ping, now: 0 }, { type: 'ping-result', now: 0, reachable: 2, total: 3 });
});

test('dad-probe answers with dad-result (a probe that throws is no evidence: not free); a start carrying a probe passes its opId', async () => {
  let seen = 0;
  let all!: () => void;
  const done = new Promise<void>((r) => (all = r));
  const runs: string[] = [];
  const probes: string[] = [];
  const { loop, machine } = setup(
    (e) => {
      if (e.type === 'command')
        return [
          { type: 'dad-probe', opId: 5, group: 0 },
          { type: 'dad-probe', opId: 6, group: 1 },
          { type: 'run-resource', opId: 7, group: 0, resource: 'IPaddr::10.0.0.100', action: 'start', dadProbe: 5 },
          { type: 'run-resource', opId: 8, group: 1, resource: 'IPaddr::10.0.0.101', action: 'start' },
        ];
      if (e.type === 'dad-result' || e.type === 'resource-done') if (++seen === 4) all();
      return [];
    },
    {
      probeAddresses: async (group, opId) => {
        probes.push(`group ${group} probe ${opId}`);
        return group === 0 ? { free: true } : Promise.reject(new Error('arping vanished'));
      },
      runResource: async (group, id, action, options) => {
        runs.push(`${id} ${action} ${options?.dadProbe === undefined ? 'check' : `probe ${options.dadProbe}`}`);
        return ok();
      },
    },
  );
  await loop.dispatch({ type: 'command', now: 1, command: 'takeover' });
  await done;
  const results = machine.events.filter((e) => e.type === 'dad-result').map((e) => ({ ...e, now: 0 }));
  assert.deepEqual(results, [
    { type: 'dad-result', now: 0, opId: 5, free: true },
    { type: 'dad-result', now: 0, opId: 6, free: false },
  ]);
  assert.deepEqual(probes, ['group 0 probe 5', 'group 1 probe 6'], 'the probe opId reaches the edge (its armed start is keyed by it)');
  assert.deepEqual(runs, ['IPaddr::10.0.0.100 start probe 5', 'IPaddr::10.0.0.101 start check'], 'the start carries the opId, not only "checked"');
});

test('stopped resolves the stopped promise and later events are ignored', async () => {
  const { loop, machine } = setup((e) => (e.type === 'command' ? [{ type: 'stopped' }] : []));
  await loop.dispatch({ type: 'command', now: 1, command: 'stop' });
  await loop.stopped;
  await loop.dispatch({ type: 'tick', now: 2 });
  assert.deepEqual(machine.events.map((e) => e.type), ['command']);
});

test('ticks carry the clock time at processing and do not pile up while the loop is busy', async () => {
  const { loop, machine, advance } = setup(() => []);
  // Three tick requests before the loop gets to run (a stalled event loop) ...
  loop.start();
  (loop as unknown as { tick(): void }).tick();
  (loop as unknown as { tick(): void }).tick();
  advance(500);
  await loop.dispatch({ type: 'command', now: 2, command: 'standby' });
  const ticks = machine.events.filter((e) => e.type === 'tick');
  // ... collapse into one tick, stamped when it was processed.
  assert.equal(ticks.length, 1);
  assert.equal(ticks[0]!.now, 1500);
  loop.close();
});

test('one timer for the core wake time or the regular tick, whichever is sooner; moved only earlier', async () => {
  let now = 1000;
  const armed: { ms: number; fn: () => void; cancelled: boolean }[] = [];
  const clock: Clock = {
    now: () => now,
    after: (ms, fn) => {
      const t = { ms, fn, cancelled: false };
      armed.push(t);
      return { cancel: () => (t.cancelled = true) };
    },
  };
  let wakeAt = Infinity;
  const machine = new ScriptedMachine(() => []);
  machine.nextWakeAt = () => wakeAt;
  const noop = async () => ok();
  const world: WorldActions = { runResource: noop, runHook: noop, probePing: async () => ({ reachable: 0, total: 0 }), probeAddresses: async () => ({ free: true }), reannounce: async () => {}, persist: async () => {}, disarm: async () => {} };
  const loop = new Loop({ machine, links: [], codec, actions: world, clock, log: createLogger({ stdout: new PassThrough() }), tickMs: 50 });
  loop.start();
  await loop.dispatch({ type: 'command', now, command: 'standby' });
  assert.deepEqual(armed.map((t) => t.ms), [50], 'an event that leaves the due time as it was keeps the timer (no cancel and re-create)');
  assert.equal(armed[0]!.cancelled, false);
  now += 10;
  await loop.dispatch({ type: 'command', now, command: 'standby' });
  assert.deepEqual(armed.map((t) => t.ms), [50], 'a later event keeps the earlier regular tick: never postponed (a cleared Node timer still wakes the process)');
  assert.equal(armed[0]!.cancelled, false);
  now += 0.5;
  await loop.dispatch({ type: 'command', now, command: 'standby' });
  assert.equal(armed.length, 1, 'still the first timer: it fires 39.5 ms after the last event, within the regular tick');
  wakeAt = 1048.25;
  await loop.dispatch({ type: 'command', now, command: 'standby' });
  assert.equal(armed.length, 1, 'the core wants a tick at 1048.25, armed 1 ms later (a Node timer may fire early); the timer fires at 1050, within the millisecond: kept');
  wakeAt = 1047.25;
  await loop.dispatch({ type: 'command', now, command: 'standby' });
  assert.equal(armed.length, 2, 'a wake time a millisecond before the timer moves it earlier');
  assert.equal(armed[0]!.cancelled, true, 'the later timer was replaced, not doubled');
  assert.equal(armed.at(-1)!.ms, 38, 'the new timer fires 1 ms after the wake time (rounded up)');
  wakeAt = now + 7.2;
  await loop.dispatch({ type: 'command', now, command: 'standby' });
  assert.equal(armed.at(-1)!.ms, 9, 'the core wants a tick in 7.2 ms: the timer is armed for 8.2 ms (rounded up), so an early Node timer still finds it due');
  wakeAt = now - 5;
  await loop.dispatch({ type: 'command', now, command: 'standby' });
  assert.equal(armed.at(-1)!.ms, 1, 'a wake time already past never arms a 0 ms timer (no spinning)');
  now += 1;
  armed.at(-1)!.fn();
  await loop.dispatch({ type: 'command', now, command: 'standby' });
  assert.equal(machine.events.filter((e) => e.type === 'tick').length, 2, 'the start tick and the timer tick');
  loop.close();
  assert.equal(armed.at(-1)!.cancelled, true, 'close() cancels the timer');
});

test('a core wake time within tickMergeMs after the regular tick replaces it; further away it does not', async () => {
  const now = 1000;
  const armed: number[] = [];
  const clock: Clock = { now: () => now, after: (ms) => (armed.push(ms), { cancel: () => undefined }) };
  let wakeAt = Infinity;
  const machine = new ScriptedMachine(() => []);
  machine.nextWakeAt = () => wakeAt;
  const noop = async () => ok();
  const world: WorldActions = { runResource: noop, runHook: noop, probePing: async () => ({ reachable: 0, total: 0 }), probeAddresses: async () => ({ free: true }), reannounce: async () => {}, persist: async () => {}, disarm: async () => {} };
  const arm = async (wake: number, tickMergeMs?: number): Promise<number> => {
    wakeAt = wake;
    armed.length = 0;
    const loop = new Loop({ machine, links: [], codec, actions: world, clock, log: createLogger({ stdout: new PassThrough() }), tickMs: 50, tickMergeMs });
    loop.start();
    await loop.dispatch({ type: 'command', now, command: 'standby' });
    loop.close();
    return armed[0]!;
  };
  assert.equal(await arm(now + 49.6, 1), 51, 'heartbeat due 0.4 ms before the regular tick + 1: one timer for both, 1 ms after it');
  assert.equal(await arm(now + 49.6), 50, 'without a merge allowance the regular tick keeps its bound');
  assert.equal(await arm(now + 50.5, 1), 50, 'a wake 1.5 ms (armed) past the regular tick is not merged: the regular tick comes first');
  assert.equal(await arm(now + 20, 1), 21, 'a wake before the regular tick is armed as always');
});
