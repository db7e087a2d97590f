// AddressPreProbe (src/core/dad-preprobe.ts): which duplicate-address probe lets a start skip its
// own check. Pure: times are plain numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AddressPreProbe } from '../../../src/core/dad-preprobe.js';

const DEADTIME = 50;
const LIMIT = 2 * DEADTIME; // preProbeMaxAgeMs

/** A probe of group 0 issued at `at` (opId 7), answered `free`. */
function probed(at: number, free: boolean | null): AddressPreProbe {
  const p = new AddressPreProbe(DEADTIME);
  p.issued(0, 7, at);
  if (free !== null) assert.equal(p.answered(7, free), 0);
  return p;
}

test('no reply, taken during this silence and young: the start skips its check on that probe', () => {
  assert.deepEqual(probed(30, true).verdict(0, 50, 0, true), { kind: 'skip', probe: 7 });
});

test('a reply never skips: the start checks (and refuses) as before', () => {
  assert.deepEqual(probed(30, false).verdict(0, 50, 0, true), { kind: 'check' });
});

test('a pending probe is waited for, but only while it could still be used', () => {
  assert.deepEqual(probed(30, null).verdict(0, 50, 0, true), { kind: 'wait' });
  assert.deepEqual(probed(30, null).verdict(0, 30 + LIMIT + 1, 0, true), { kind: 'check' });
});

test('a probe older than the limit (two deadtimes) never skips', () => {
  assert.deepEqual(probed(30, true).verdict(0, 30 + LIMIT, 0, true), { kind: 'skip', probe: 7 });
  assert.deepEqual(probed(30, true).verdict(0, 30 + LIMIT + 1, 0, true), { kind: 'check' });
});

test('a probe taken before the peer was last heard never skips, however young', () => {
  assert.deepEqual(probed(30, true).verdict(0, 40, 30, true), { kind: 'check' });
  assert.deepEqual(probed(30, true).verdict(0, 40, 35, true), { kind: 'check' });
});

test('no skip unless the peer ran the group by its last status (a missing address may be one not yet added)', () => {
  assert.deepEqual(probed(30, true).verdict(0, 50, 0, false), { kind: 'check' });
});

test('no probe, or a probe of another group, never skips', () => {
  assert.deepEqual(new AddressPreProbe(DEADTIME).verdict(0, 50, 0, true), { kind: 'check' });
  assert.deepEqual(probed(30, true).verdict(1, 50, 0, true), { kind: 'check' });
});

test('answers to probes no longer wanted are ignored; a probe is answered once', () => {
  const p = probed(30, null);
  p.issued(0, 8, 40); // a newer probe of the same group replaces it
  assert.equal(p.answered(7, true), null);
  assert.deepEqual(p.verdict(0, 50, 0, true), { kind: 'wait' });
  assert.equal(p.answered(8, false), 0);
  assert.equal(p.answered(8, true), null, 'a second answer cannot turn a reply into no reply');
  assert.deepEqual(p.verdict(0, 50, 0, true), { kind: 'check' });
});

test('due: a new probe when none is current, again once an answer is half the limit old, never while one is pending', () => {
  const p = new AddressPreProbe(DEADTIME);
  assert.equal(p.due(0, 30, 0), true);
  p.issued(0, 7, 30);
  assert.equal(p.due(0, 30 + LIMIT + 1, 0), true, 'pending but too old: probe again');
  assert.equal(p.due(0, 40, 0), false, 'pending and current');
  p.answered(7, true);
  assert.equal(p.due(0, 30 + LIMIT / 2, 0), false);
  assert.equal(p.due(0, 30 + LIMIT / 2 + 1, 0), true);
  assert.equal(p.due(0, 40, 35), true, 'the peer was heard after it: a new silence needs a new probe');
});

test('a probe is used once: the start that relied on it may go on using it, a later start (a retry) checks in full', () => {
  const p = probed(30, true);
  assert.deepEqual(p.verdict(0, 50, 0, true), { kind: 'skip', probe: 7 });
  p.consume(0);
  assert.equal(p.usable(0, 7, 60, 0), true, 'the next resource of the same start');
  assert.equal(p.usable(0, 8, 60, 0), false, 'not another probe');
  assert.equal(p.usable(0, 7, 60, 55), false, 'not once the peer was heard again');
  assert.deepEqual(p.verdict(0, 60, 0, true), { kind: 'check' }, 'a retry');
  const reply = probed(30, false);
  assert.equal(reply.usable(0, 7, 50, 0), false, 'a reply is never usable');
});

test('a reload forgets every probe (groups may be renumbered)', () => {
  const p = probed(30, true);
  p.reconfigure(DEADTIME);
  assert.deepEqual(p.verdict(0, 50, 0, true), { kind: 'check' });
});
