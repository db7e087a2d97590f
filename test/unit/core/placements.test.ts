// The per-group move rules of src/core/placements.ts as a table: who should hold a group given
// our own move and the peer's claims, and which operator commands are refused and why. Pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkGroupCommand, placedHolder, Placements, type CommandContext, type PlacementInput } from '../../../src/core/placements.js';

const none = { holds: false, wants: false, grants: false };
const base: PlacementInput = { target: null, selfEligible: true, peerAlive: true, peerUnavailable: false, peerDeaf: false, yieldingToPeer: false, selfHolds: false, peer: none, refusedFor: null, winsTie: true, deadtimeMs: 10_000 };
const decide = (over: Partial<PlacementInput>) => placedHolder({ ...base, ...over });

test('no move anywhere: the ordinary rules decide (null)', () => {
  assert.equal(decide({}), null);
  assert.equal(decide({ peer: { holds: true, wants: true, grants: false } }), null);
});

test('availability first: a dead, unavailable or deaf peer, or our own ineligibility, suspends every move', () => {
  for (const over of [{ peerAlive: false }, { peerUnavailable: true }, { peerDeaf: true }, { selfEligible: false }]) {
    assert.equal(decide({ ...over, target: 'self' }), null);
    assert.equal(decide({ ...over, target: 'peer', selfHolds: true }), null);
  }
});

test('moved here: a standing per-group demand; both moved it here at once: the name winner keeps it', () => {
  assert.deepEqual(decide({ target: 'self' })?.announce, 'demand');
  assert.equal(decide({ target: 'self' })?.holder, 'self');
  const demand = { holds: true, wants: true, grants: true };
  assert.equal(decide({ target: 'self', peer: demand, winsTie: true })?.holder, 'self');
  assert.equal(decide({ target: 'self', peer: demand, winsTie: false })?.holder, 'peer');
  assert.equal(decide({ target: 'self', yieldingToPeer: true }), null, "the peer's takeover suspends our move here");
  assert.equal(decide({ peer: demand })?.holder, 'peer', "the peer's move there");
});

test('moved away while held: kept running and offered until the peer wants it, then released', () => {
  assert.deepEqual(decide({ target: 'peer', selfHolds: true }), { holder: 'self', reason: 'moved to the peer by operator: offered, kept here until the peer takes it', announce: 'offer' });
  assert.equal(decide({ target: 'peer', selfHolds: true, peer: { holds: false, wants: true, grants: false } })?.holder, 'peer');
  assert.equal(decide({ peer: { holds: true, wants: false, grants: true } })?.holder, 'self', 'the peer offers it: we take it');
});

test('moved away, not held: declined; taken back when the peer refuses it (at once by the name winner, after a deadtime otherwise)', () => {
  assert.equal(decide({ target: 'peer' })?.holder, 'peer');
  assert.equal(decide({ target: 'peer', refusedFor: 0, winsTie: true })?.holder, 'self');
  assert.equal(decide({ target: 'peer', refusedFor: 9_999, winsTie: false })?.holder, 'peer');
  assert.equal(decide({ target: 'peer', refusedFor: 10_000, winsTie: false })?.holder, 'self');
});

test('refusal: counted only once the peer acknowledged our decline, reset when it stops declining', () => {
  const p = new Placements([{ group: 'g', node: 'b', how: 'move', at: 0 }]);
  let acked = 0;
  const ack = (seq: number) => acked >= seq;
  assert.equal(p.refusedFor('g', true, true, 5, ack, 1000), null, 'our decline (seq 5) not yet acknowledged');
  acked = 5;
  assert.equal(p.refusedFor('g', true, true, 6, ack, 2000), 0);
  assert.equal(p.refusedFor('g', true, true, 7, ack, 3500), 1500);
  assert.equal(p.refusedFor('g', true, false, 8, ack, 4000), null, 'the peer wants it now');
  assert.equal(p.refusedFor('g', false, true, 8, ack, 4000), null, 'we hold it');
});

const ctx: CommandContext = { self: 'alpha', peer: 'beta', groups: ['IPaddr::10.0.0.1', 'httpd'], peerAlive: true, peerUnavailable: false, drifted: false, standby: false, leaving: false, isolated: false, holdsHere: (g) => g === 'httpd', peerHolds: () => false };

test('group commands: accepted moves carry the resolved node; refusals name why', () => {
  const ok = (over: Partial<CommandContext>, cmd: Parameters<typeof checkGroupCommand>[0]) => checkGroupCommand(cmd, { ...ctx, ...over });
  assert.deepEqual(ok({}, { kind: 'move', group: 'httpd', at: 7 }), { ok: true, placement: { group: 'httpd', node: 'beta', how: 'move', at: 7 }, message: 'httpd moving to beta (kept until cleared with `twinbeat move httpd --clear`)' });
  assert.equal(ok({}, { kind: 'standby', group: 'httpd', at: 7 }).ok && 'beta', 'beta');
  const reason = (over: Partial<CommandContext>, cmd: Parameters<typeof checkGroupCommand>[0]) => {
    const r = ok(over, cmd);
    assert.equal(r.ok, false);
    return r.ok ? '' : r.reason;
  };
  assert.match(reason({}, { kind: 'move', group: 'IPaddr::10.0.0.1', at: 0 }), /runs on neither node: name the node/);
  assert.match(reason({ peerAlive: false }, { kind: 'move', group: 'httpd', node: 'beta', at: 0 }), /^beta is not alive: it could not take httpd$/);
  assert.match(reason({ peerUnavailable: true }, { kind: 'standby', group: 'httpd', at: 0 }), /beta is in standby or stopping/);
  assert.match(reason({ standby: true }, { kind: 'move', group: 'httpd', node: 'alpha', at: 0 }), /this node \(alpha\) is in standby/);
  assert.match(reason({ isolated: true }, { kind: 'move', group: 'httpd', node: 'alpha', at: 0 }), /reaches no ping node/);
  assert.match(reason({ drifted: true }, { kind: 'move', group: 'httpd', node: 'beta', at: 0 }), /different shared configuration/);
  assert.match(reason({ leaving: true }, { kind: 'clear', group: 'httpd', at: 0 }), /graceful stop/);
  assert.match(reason({}, { kind: 'move', group: 'nope', at: 0 }), /^unknown group "nope": haresources lists IPaddr::10.0.0.1, httpd$/);
  assert.match(reason({}, { kind: 'move', group: 'httpd', node: 'mallory', at: 0 }), /unknown node "mallory"/);
  const long = reason({}, { kind: 'move', group: `a\n${'x'.repeat(10_000)}`, at: 0 });
  assert.ok(!long.includes('\n') && long.length < 200, 'a hostile name is escaped and cut');
  assert.equal(ok({ peerAlive: false }, { kind: 'clear', group: 'httpd', at: 0 }).ok, true, 'a clear is always possible');
});

