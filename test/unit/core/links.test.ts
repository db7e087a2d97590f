// Link liveness in the core (src/core/links.ts): init, late at warntime, dead at deadtime, the
// peer dead only when every link is, and a local stall forgiven. Pure: time is passed in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinkTracker } from '../../../src/core/links.js';

const timing = { warntimeMs: 2000, deadtimeMs: 4000, initdeadMs: 8000 };

test('a link is init until heard and dies only after initdead', () => {
  const links = new LinkTracker(['udp', 'serial'], 0, timing);
  assert.deepEqual(links.tick(7999), []);
  assert.equal(links.allDead(), false);
  const changes = links.tick(8000);
  assert.deepEqual(changes.map((c) => `${c.link}:${c.from}>${c.to}`), ['udp:init>dead', 'serial:init>dead']);
  assert.equal(links.allDead(), true);
});

test('up → late at warntime → dead at deadtime; heard again → up', () => {
  const links = new LinkTracker(['udp'], 0, timing);
  assert.deepEqual(links.heard('udp', 100), { link: 'udp', from: 'init', to: 'up', silentMs: 0 });
  assert.equal(links.heard('udp', 200), null, 'no change while up');
  assert.deepEqual(links.tick(2200).map((c) => c.to), ['late']);
  assert.deepEqual(links.tick(4200).map((c) => c.to), ['dead']);
  assert.equal(links.heard('udp', 5000)?.to, 'up');
});

test('the peer is dead only when every link is dead', () => {
  const links = new LinkTracker(['udp', 'serial'], 0, timing);
  links.heard('udp', 0);
  links.heard('serial', 0);
  links.tick(3000);
  links.heard('serial', 3000);
  links.tick(5000);
  assert.equal(links.views().find((l) => l.name === 'udp')!.state, 'dead');
  assert.equal(links.allDead(), false);
  links.tick(7000);
  assert.equal(links.allDead(), true);
});

test('a local stall is forgiven: extend() pushes the deadlines back', () => {
  const links = new LinkTracker(['udp'], 0, timing);
  links.heard('udp', 0);
  links.extend(6000);
  assert.deepEqual(links.tick(6000), []);
  assert.deepEqual(links.tick(8000).map((c) => c.to), ['late']);
});

test('unknown link names are ignored; medium changes are reported once', () => {
  const links = new LinkTracker(['udp'], 0, timing);
  assert.equal(links.heard('bogus', 1), null);
  assert.equal(links.medium('udp', false, 'ENODEV'), true);
  assert.equal(links.medium('udp', false, 'ENODEV'), false);
  assert.equal(links.views()[0]!.mediumUp, false);
});

test('once the peer is heard on one link, a never-heard link dies after deadtime, not initdead', () => {
  const links = new LinkTracker(['udp', 'serial'], 0, timing);
  links.heard('udp', 1000);
  const serial = (changes: ReturnType<LinkTracker['tick']>) => changes.filter((c) => c.link === 'serial').map((c) => c.to);
  assert.deepEqual(serial(links.tick(3999)), []);
  assert.deepEqual(serial(links.tick(4000)), ['dead']);
});

test('nextChangeAt is the exact time tick() would next change a link', () => {
  const links = new LinkTracker(['udp', 'serial'], 0, timing);
  assert.equal(links.nextChangeAt(), 8000, 'initdead while nothing was heard');
  links.heard('udp', 100);
  assert.equal(links.nextChangeAt(), 2100, 'udp goes late at warntime (serial now dies at deadtime: 4000)');
  assert.deepEqual(links.tick(2099), []);
  assert.deepEqual(links.tick(2100).map((c) => `${c.link}>${c.to}`), ['udp>late']);
  assert.equal(links.nextChangeAt(), 4000);
  assert.deepEqual(links.tick(4000).map((c) => `${c.link}>${c.to}`), ['serial>dead']);
  assert.equal(links.nextChangeAt(), 4100);
  links.tick(4100);
  assert.equal(links.nextChangeAt(), Infinity, 'every link dead: nothing timed left');
});
