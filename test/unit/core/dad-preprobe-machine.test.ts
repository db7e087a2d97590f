// FailoverMachine with duplicate-address probes ahead of deadtime (issue 13), stepped by hand at
// the lab's aggressive timing (keepalive 10, warntime 30, deadtime 50 ms): the probe goes out when
// the peer becomes suspect, and the takeover at deadtime carries it only when it found the
// addresses free; pending, it waits for it. Pure: time is passed in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FailoverMachine } from '../../../src/core/machine.js';
import type { CoreConfig, Effect } from '../../../src/core/types.js';
import { peerStatus } from './fixtures.js';

const config: CoreConfig = {
  self: 'a',
  peer: 'b',
  keepaliveMs: 10,
  warntimeMs: 30,
  deadtimeMs: 50,
  initdeadMs: 100,
  autoFailback: 'on',
  groups: [{ index: 0, key: 'ip', owner: 'b', resources: [{ id: 'ip' }, { id: 'web' }] }],
  links: ['udp', 'serial'],
  configDigest: 'd1',
  pingNodesConfigured: false,
  fenceBeforeTakeover: false,
  escalateOnStopFailure: false,
  dadPreProbe: true,
};

const probes = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'dad-probe' ? [e] : []));
const starts = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'run-resource' && e.action === 'start' ? [e] : []));

/** `a` hears `b` (holding group 0, active) on both links every 10 ms until `until`; returns the machine. */
function heardUntil(until: number, over: Partial<CoreConfig> = {}): FailoverMachine {
  const m = new FailoverMachine({ ...config, ...over }, { generation: 1, standby: false, now: 0 });
  let seq = 1;
  for (let t = 0; t <= until; t += 10) {
    for (const link of ['udp', 'serial']) m.step({ type: 'heard', now: t, link, message: peerStatus(seq, { claims: { holds: 1, wants: 1, grants: 0 }, ackGeneration: 1, ackSeq: 1000 }) });
    seq += 1;
  }
  return m;
}

/** Ticks every ms from `from` to `to`, collecting effects. */
function ticks(m: FailoverMachine, from: number, to: number): Effect[] {
  const out: Effect[] = [];
  for (let t = from; t <= to; t++) out.push(...m.step({ type: 'tick', now: t }));
  return out;
}

test('suspect at warntime: one probe; free → the takeover at deadtime skips the check on it', () => {
  const m = heardUntil(1000);
  assert.deepEqual(probes(ticks(m, 1001, 1029)), [], 'not suspect before warntime');
  const sent = probes(ticks(m, 1030, 1030));
  assert.equal(sent.length, 1);
  assert.equal(sent[0]!.group, 0);
  ticks(m, 1031, 1041);
  m.step({ type: 'dad-result', now: 1042, opId: sent[0]!.opId, free: true });
  const started = starts(ticks(m, 1043, 1050));
  assert.equal(started.length, 1, 'started at deadtime');
  assert.equal(started[0]!.resource, 'ip');
  assert.equal(started[0]!.dadProbe, sent[0]!.opId);
});

test('a reply: the takeover at deadtime checks as before', () => {
  const m = heardUntil(1000);
  const [probe] = probes(ticks(m, 1001, 1039));
  const effects = m.step({ type: 'dad-result', now: 1040, opId: probe!.opId, free: false });
  assert.ok(effects.some((e) => e.type === 'log' && e.event === 'dad-preprobe-in-use'));
  const started = starts(ticks(m, 1041, 1050));
  assert.equal(started.length, 1);
  assert.equal(started[0]!.dadProbe, undefined);
});

test('still pending at deadtime: the start waits for the answer, then uses it', () => {
  const m = heardUntil(1000);
  const [probe] = probes(ticks(m, 1001, 1030));
  assert.deepEqual(starts(ticks(m, 1031, 1060)), [], 'waiting for the probe');
  const started = starts(m.step({ type: 'dad-result', now: 1061, opId: probe!.opId, free: true }));
  assert.equal(started.length, 1);
  assert.equal(started[0]!.dadProbe, probe!.opId);
});

test('a probe that never answers delays the takeover at most until it is too old to use (two deadtimes after it)', () => {
  const m = heardUntil(1000);
  probes(ticks(m, 1001, 1030));
  assert.deepEqual(starts(ticks(m, 1031, 1130)), []);
  const started = starts(ticks(m, 1131, 1131));
  assert.equal(started.length, 1);
  assert.equal(started[0]!.dadProbe, undefined, 'no answer: the full check');
});

test('the peer heard again after the probe: that probe is never used; a new silence probes again', () => {
  const m = heardUntil(1000);
  const [first] = probes(ticks(m, 1001, 1030));
  m.step({ type: 'heard', now: 1035, link: 'udp', message: peerStatus(500, { claims: { holds: 1, wants: 1, grants: 0 }, ackGeneration: 1, ackSeq: 1000 }) });
  m.step({ type: 'dad-result', now: 1036, opId: first!.opId, free: true });
  const again = probes(ticks(m, 1037, 1065));
  assert.equal(again.length, 1, 'probed again at the new warntime');
  assert.notEqual(again[0]!.opId, first!.opId);
  m.step({ type: 'dad-result', now: 1070, opId: again[0]!.opId, free: true });
  const started = starts(ticks(m, 1071, 1085));
  assert.equal(started.length, 1);
  assert.equal(started[0]!.dadProbe, again[0]!.opId);
});

test('nothing is probed when the option is off, or for a group the peer does not run', () => {
  assert.deepEqual(probes(ticks(heardUntil(1000, { dadPreProbe: false }), 1001, 1049)), []);
  const m = new FailoverMachine(config, { generation: 1, standby: false, now: 0 });
  for (let t = 0; t <= 1000; t += 10) m.step({ type: 'heard', now: t, link: 'udp', message: peerStatus(t + 1, { ackGeneration: 1, ackSeq: 1000 }) });
  assert.deepEqual(probes(ticks(m, 1001, 1049)), [], 'the peer holds nothing');
});
