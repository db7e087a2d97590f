// Edge cases of FailoverMachine stepped by hand (the simulation covers the behaviour end to end).
// Pure: time is passed in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FailoverMachine } from '../../../src/core/machine.js';
import type { CoreConfig, Effect } from '../../../src/core/types.js';
import { MessageType } from '../../../src/protocol/message.js';
import { peerStatus } from './fixtures.js';

const config: CoreConfig = {
  self: 'a',
  peer: 'b',
  keepaliveMs: 1000,
  warntimeMs: 2000,
  deadtimeMs: 4000,
  initdeadMs: 8000,
  autoFailback: 'on',
  groups: [{ index: 0, key: 'ip', owner: 'a', resources: [{ id: 'ip' }, { id: 'web' }] }],
  links: ['udp', 'serial'],
  configDigest: 'd1',
  pingNodesConfigured: false,
  fenceBeforeTakeover: false,
  escalateOnStopFailure: false,
};

const events = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'log' ? [e.event] : []));
const runs = (effects: Effect[]) => effects.filter((e) => e.type === 'run-resource');

test('nothing starts before initdead when the peer is silent; everything after', () => {
  const m = new FailoverMachine(config, { generation: 1, standby: false, now: 0 });
  for (let t = 0; t < 8000; t += 500) assert.deepEqual(runs(m.step({ type: 'tick', now: t })), []);
  const effects = m.step({ type: 'tick', now: 8000 });
  assert.ok(events(effects).includes('comm-up'));
  assert.equal(runs(effects).length, 1, 'first resource of the group starts');
  assert.equal(m.status().self.role, 'transition');
});

test('the first status goes out at once, with seq 1 and our generation', () => {
  const m = new FailoverMachine(config, { generation: 3, standby: false, now: 0 });
  const send = m.step({ type: 'tick', now: 0 }).find((e) => e.type === 'send');
  assert.ok(send && send.type === 'send');
  assert.equal(send.message.seq, 1);
  assert.equal(send.message.generation, 3);
  assert.equal(send.message.role, 'init');
});

test('frames from a stranger and results for unknown operations are logged and ignored', () => {
  const m = new FailoverMachine(config, { generation: 1, standby: false, now: 0 });
  assert.ok(events(m.step({ type: 'heard', now: 1, link: 'udp', message: peerStatus(1, { from: 'mallory' }) })).includes('unknown-sender'));
  assert.equal(m.status().peer.state, 'unknown');
  assert.ok(events(m.step({ type: 'resource-done', now: 2, opId: 999, outcome: 'ok', reason: '' })).includes('unknown-op'));
  assert.ok(events(m.step({ type: 'hook-done', now: 3, opId: 998, ok: true, reason: '' })).includes('unknown-op'));
});

test('an old frame delivered after goodbye does not bring the peer back', () => {
  const m = new FailoverMachine(config, { generation: 1, standby: false, now: 0 });
  m.step({ type: 'heard', now: 1, link: 'udp', message: peerStatus(1) });
  assert.equal(m.status().peer.state, 'alive');
  m.step({ type: 'heard', now: 2, link: 'udp', message: peerStatus(3, { type: MessageType.Goodbye, role: 'leaving' }) });
  assert.equal(m.status().peer.state, 'dead');
  m.step({ type: 'heard', now: 3, link: 'serial', message: peerStatus(2) });
  assert.equal(m.status().peer.state, 'dead');
  assert.equal(m.status().peer.leftGracefully, true);
  m.step({ type: 'heard', now: 4, link: 'udp', message: peerStatus(1, { generation: 6 }) });
  assert.equal(m.status().peer.state, 'alive', 'a new generation is a new life');
});

test('config reload changes no role and starts nothing', () => {
  const m = new FailoverMachine(config, { generation: 1, standby: false, now: 0 });
  m.step({ type: 'heard', now: 1, link: 'udp', message: peerStatus(1) });
  const before = m.status().self.role;
  const effects = m.step({ type: 'config', now: 2, config: { ...config, warntimeMs: 3000 } });
  assert.deepEqual(runs(effects), []);
  assert.ok(events(effects).includes('config-reloaded'));
  assert.equal(m.status().self.role, before);
});

test('a takeover demand the peer ignores times out after deadtime', () => {
  const m = new FailoverMachine(config, { generation: 1, standby: false, now: 0 });
  // The peer keeps holding and wanting the group: it neither yields nor enters standby.
  const holding = { claims: { holds: 1, wants: 1, grants: 0 } };
  m.step({ type: 'heard', now: 1, link: 'udp', message: peerStatus(1, holding) });
  m.step({ type: 'command', now: 2, command: 'takeover' });
  assert.equal(m.status().takeoverDemandPending, true);
  let seq = 2;
  const seen: string[] = [];
  for (let t = 500; t <= 5000; t += 500) {
    seen.push(...events(m.step({ type: 'heard', now: t, link: 'udp', message: peerStatus(seq++, holding) })));
  }
  assert.ok(seen.includes('takeover-timeout'));
  assert.equal(m.status().takeoverDemandPending, false);
});

test('status() is plain data', () => {
  const m = new FailoverMachine(config, { generation: 1, standby: true, now: 0 });
  m.step({ type: 'tick', now: 0 });
  const s = m.status();
  assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
  assert.equal(s.self.standby, true);
  assert.equal(s.groups[0]!.resources.length, 2);
});

test('after stopped the machine is inert', () => {
  const m = new FailoverMachine(config, { generation: 1, standby: false, now: 0 });
  m.step({ type: 'tick', now: 0 });
  const effects = m.step({ type: 'command', now: 1, command: 'stop' });
  assert.ok(effects.some((e) => e.type === 'stopped'));
  const goodbye = effects.find((e) => e.type === 'send' && e.message.type === MessageType.Goodbye);
  assert.ok(goodbye && goodbye.type === 'send' && goodbye.message.claims.holds === 0);
  assert.deepEqual(m.step({ type: 'tick', now: 10000 }), []);
});

test('nextWakeAt: the next heartbeat, then the exact moment the peer is declared dead', () => {
  const m = new FailoverMachine(config, { generation: 1, standby: false, now: 0 });
  m.step({ type: 'tick', now: 0 });
  assert.equal(m.nextWakeAt(), config.keepaliveMs, 'next status is due one keepalive after the first');
  // Heard on both links at 500; we keep sending every keepalive, so the send is always sooner
  // than warntime. Skip sending by looking only at ticks exactly at the wake times.
  m.step({ type: 'heard', now: 500, link: 'udp', message: peerStatus(1) });
  m.step({ type: 'heard', now: 500, link: 'serial', message: peerStatus(1) });
  let now = 500;
  const deadAt = 500 + config.deadtimeMs;
  let declared = -1;
  for (let i = 0; i < 100 && declared < 0; i++) {
    const wake = m.nextWakeAt();
    assert.ok(wake > now, `wake time ${wake} must lie ahead of ${now}`);
    now = wake;
    if (events(m.step({ type: 'tick', now })).includes('peer-dead')) declared = now;
  }
  assert.equal(declared, deadAt, 'waking only at nextWakeAt declares the peer dead exactly at deadtime');
});

test('a takeover that fails while the peer is dead is retried a deadtime later, twice at most', () => {
  // b is not the owner; a (the peer) never answers: initdead makes it dead, b takes over.
  const m = new FailoverMachine({ ...config, self: 'b', peer: 'a' }, { generation: 1, standby: false, now: 0 });
  let now = 0;
  const starts: number[] = [];
  const failAll = (effects: Effect[]) => {
    for (const e of effects) {
      if (e.type !== 'run-resource') continue;
      if (e.action === 'start') starts.push(now);
      const outcome = e.action === 'start' ? 'failed' : 'ok';
      failAll(m.step({ type: 'resource-done', now, opId: e.opId, outcome, reason: 'address in use' }));
    }
  };
  for (; now <= 40_000; now += 100) failAll(m.step({ type: 'tick', now }));
  assert.equal(starts.length, 3, `one takeover and two retries, at ${starts.join(', ')} ms`);
  assert.ok(starts[1]! - starts[0]! >= config.deadtimeMs && starts[2]! - starts[1]! >= config.deadtimeMs, 'one deadtime apart');
  assert.equal(m.status().groups[0]?.failedHere, true, 'after the retries the mark stays');
});

const persists = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'persist' ? [e.state.standby] : []));
const hooksRun = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'run-hook' ? [e.hook] : []));

test("the peer's takeover demand makes us yield, never persist standby", () => {
  const m = new FailoverMachine(config, { generation: 1, standby: false, now: 0 });
  const seen: Effect[] = [...m.step({ type: 'heard', now: 1, link: 'udp', message: peerStatus(1) })];
  const demand = { claims: { holds: 0, wants: 1, grants: 1 }, ackGeneration: 1, ackSeq: m.status().self.seq };
  seen.push(...m.step({ type: 'heard', now: 2, link: 'udp', message: peerStatus(2, demand) }));
  assert.ok(events(seen).includes('yield-to-peer-takeover'));
  assert.equal(m.status().self.deferringToPeer, 'peer-takeover');
  assert.equal(m.status().self.standby, false);
  assert.ok(!persists(seen).includes(true), 'standby=true was persisted');
  assert.equal(m.status().groups[0]!.desired, 'peer');
});

test('online clears a persisted standby without taking the group the peer holds', () => {
  const m = new FailoverMachine(config, { generation: 1, standby: true, now: 0 });
  m.step({ type: 'heard', now: 1, link: 'udp', message: peerStatus(1, { claims: { holds: 1, wants: 1, grants: 0 } }) });
  const effects = m.step({ type: 'command', now: 2, command: 'online' });
  assert.deepEqual(persists(effects), [false]);
  assert.equal(m.status().self.deferringToPeer, 'online');
  assert.equal(m.status().groups[0]!.desired, 'peer', 'auto_failback on, owner here, yet nothing moves');
  assert.equal(m.status().lastCommand?.accepted, true);
});

test('simultaneous takeover demands: the name that sorts first keeps its demand, the other yields', () => {
  for (const self of ['a', 'c']) {
    const m = new FailoverMachine({ ...config, self, peer: 'b' }, { generation: 1, standby: false, now: 0 });
    m.step({ type: 'heard', now: 1, link: 'udp', message: peerStatus(1, { claims: { holds: 1, wants: 1, grants: 0 } }) });
    m.step({ type: 'command', now: 2, command: 'takeover' });
    const effects = m.step({ type: 'heard', now: 3, link: 'udp', message: peerStatus(2, { claims: { holds: 0, wants: 1, grants: 1 }, ackGeneration: 1, ackSeq: m.status().self.seq }) });
    if (self === 'a') assert.equal(m.status().takeoverDemandPending, true, 'a < b wins');
    else assert.ok(events(effects).includes('takeover-race-lost') && m.status().self.deferringToPeer === 'peer-takeover', 'c > b yields');
  }
});

test('a running notifier does not hold back the fence (two hook lanes)', () => {
  const m = new FailoverMachine({ ...config, fenceBeforeTakeover: true }, { generation: 1, standby: false, now: 0 });
  m.step({ type: 'heard', now: 1, link: 'udp', message: peerStatus(1, { claims: { holds: 0, wants: 0, grants: 1 } }) });
  m.step({ type: 'heard', now: 1000, link: 'udp', message: peerStatus(2) });
  let run: string[] = [];
  for (let t = 1500; t <= 6000 && !run.includes('fence'); t += 500) run = run.concat(hooksRun(m.step({ type: 'tick', now: t })));
  assert.deepEqual(run, ['remote-failure', 'fence'], 'both start without waiting for each other');
  assert.deepEqual(m.status().hooks.running, ['fence', 'remote-failure']);
});

test('a standby node whose peer dies cancels standby (availability first) and says so', () => {
  const m = new FailoverMachine(config, { generation: 1, standby: true, now: 0 });
  m.step({ type: 'heard', now: 1, link: 'udp', message: peerStatus(1, { claims: { holds: 1, wants: 1, grants: 0 } }) });
  const seen: Effect[] = [];
  for (let t = 500; t <= 6000; t += 500) seen.push(...m.step({ type: 'tick', now: t }));
  assert.ok(events(seen).includes('standby-cancelled'));
  assert.equal(m.status().self.standby, false);
  assert.ok(persists(seen).includes(false), 'the cancellation is persisted at once, mid-takeover');
  assert.equal(runs(seen).length > 0, true, 'the takeover started');
});

// ---- transition notifications (issue 15 item 2)

const notifyHooks = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'run-hook' ? [{ opId: e.opId, what: `${e.hook} ${e.env['TWINBEAT_TYPE']} ${e.env['TWINBEAT_NAME']}` }] : []));

test('transitions are reported only when configured; a hung notification never holds back a takeover', () => {
  const quiet = new FailoverMachine(config, { generation: 1, standby: false, now: 0 });
  for (let t = 0; t <= 10_000; t += 500) assert.deepEqual(notifyHooks(quiet.step({ type: 'tick', now: t })), []);

  const m = new FailoverMachine({ ...config, notifyTransitions: true }, { generation: 1, standby: false, now: 0 });
  const first = notifyHooks(m.step({ type: 'tick', now: 0 }));
  assert.deepEqual(first.map((h) => h.what), ['backup group ip'], 'start-up: backup, the first notification runs at once');
  assert.deepEqual(m.status().hooks, { running: ['backup'], queued: ['backup'] }, 'the node backup waits behind it, in order');
  // The first notifier hangs forever. initdead passes: the group starts without waiting for it.
  const starts: Effect[] = [];
  for (let t = 500; t <= 9000; t += 500) starts.push(...runs(m.step({ type: 'tick', now: t })));
  assert.equal(starts.length, 1, 'the start of the first resource was issued while the notifier hangs');
  const ip = starts[0]!;
  assert.ok(ip.type === 'run-resource');
  const started = m.status().groups[0]!;
  assert.equal(started.phase, 'starting');
  // Finish the start: the group is master; its notification waits behind the hung one (coalesced with nothing).
  let effects = m.step({ type: 'resource-done', now: 9100, opId: ip.opId, outcome: 'ok', reason: '' });
  const web = effects.find((e) => e.type === 'run-resource');
  assert.ok(web && web.type === 'run-resource');
  effects = m.step({ type: 'resource-done', now: 9200, opId: web.opId, outcome: 'ok', reason: '' });
  assert.equal(m.status().groups[0]!.phase, 'running');
  assert.deepEqual(m.status().hooks.queued, ['master', 'master'], 'group master, then node master; the waiting node backup was superseded');
  assert.ok(events(effects).includes('hook-coalesced'));
  // The edge kills the hung notifier at its timeout: the next runs, in order.
  const next = notifyHooks(m.step({ type: 'hook-done', now: 40_000, opId: first[0]!.opId, ok: false, reason: 'hook timed out' }));
  assert.deepEqual(next.map((h) => h.what), ['master group ip']);
});

test('graceful stop: stop notifications queue before the goodbye; the goodbye is not delayed, `stopped` waits for them', () => {
  const m = new FailoverMachine({ ...config, notifyTransitions: true, groups: [] }, { generation: 1, standby: false, now: 0 });
  const boot = notifyHooks(m.step({ type: 'tick', now: 0 }));
  assert.deepEqual(boot.map((h) => h.what), ['backup node a']);
  m.step({ type: 'hook-done', now: 10, opId: boot[0]!.opId, ok: true, reason: '' });
  const effects = m.step({ type: 'command', now: 20, command: 'stop' });
  const kinds = effects.filter((e) => e.type !== 'log').map((e) => (e.type === 'run-hook' ? `hook ${e.hook}` : e.type === 'send' ? `send ${e.message.type}` : e.type));
  assert.ok(kinds.includes(`send ${MessageType.Goodbye}`), kinds.join(', '));
  assert.ok(kinds.includes('hook stop'));
  assert.ok(!kinds.includes('stopped'), 'the notifier still runs');
  assert.equal(m.nextWakeAt(), Infinity, 'nothing more is sent after the goodbye');
  assert.deepEqual(m.step({ type: 'tick', now: 5000 }).filter((e) => e.type !== 'log'), [], 'no heartbeat after the goodbye');
  const stopHook = notifyHooks(effects)[0]!;
  const done = m.step({ type: 'hook-done', now: 6000, opId: stopHook.opId, ok: true, reason: '' });
  assert.ok(done.some((e) => e.type === 'stopped'));
  assert.deepEqual(m.step({ type: 'tick', now: 7000 }), []);
});

test('a failed start reports FAULT for the group and the node, after the local-failure report', () => {
  const m = new FailoverMachine({ ...config, notifyTransitions: true }, { generation: 1, standby: false, now: 0 });
  const told: string[] = [];
  const answer = (effects: Effect[], now: number): Effect[] => {
    const out: Effect[] = [];
    for (const e of effects) {
      if (e.type === 'run-hook') {
        told.push(e.env['TWINBEAT_TYPE'] === undefined ? e.hook : `${e.env['TWINBEAT_TYPE']} ${e.env['TWINBEAT_STATE']}`);
        out.push(...answer(m.step({ type: 'hook-done', now, opId: e.opId, ok: true, reason: '' }), now));
      }
      if (e.type === 'run-resource') out.push(e);
    }
    return out;
  };
  let pending: Effect[] = [];
  for (let t = 0; t <= 9000 && pending.length === 0; t += 500) pending = answer(m.step({ type: 'tick', now: t }), t);
  const start = pending[0]!;
  assert.ok(start.type === 'run-resource' && start.action === 'start');
  pending = answer(m.step({ type: 'resource-done', now: 9100, opId: start.opId, outcome: 'failed', reason: 'exit 1' }), 9100);
  // The rollback stops what started (nothing but the failed resource): answer any stop.
  for (const e of pending) if (e.type === 'run-resource') answer(m.step({ type: 'resource-done', now: 9200, opId: e.opId, outcome: 'ok', reason: '' }), 9200);
  assert.equal(m.status().groups[0]!.failedHere, true);
  assert.deepEqual(told, ['group BACKUP', 'node BACKUP', 'local-failure', 'group FAULT', 'node FAULT'], 'never MASTER: the group did not run');
});
