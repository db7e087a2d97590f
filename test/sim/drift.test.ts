// Configuration drift between the two nodes, run on two simulated machines over the real codec.
// A group is named on the wire by the rank of its key (src/core/claims.ts wireOrder), so
// haresources lines in another order mean the same groups; group sets that really differ carry
// different digests, and then nothing moves by the peer's claims. Asserted after every step of
// the world: never a double run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CoreGroup } from '../../src/core/types.js';
import { EXTRA_GROUP_KEY, LINKS, NODES, World, makeGroups, withOtherGroups } from './world.js';
import { watchDoubleRuns } from './double-runs.js';


function runsOn(world: World, id: string): string {
  return NODES.filter((n) => world.nodes[n].running(id)).join('+') || 'nobody';
}

function countSends(world: World): () => number {
  let sends = 0;
  for (const name of NODES) {
    const node = world.nodes[name];
    const machine = node.machine!;
    const step = machine.step.bind(machine);
    machine.step = (event) => {
      const effects = step(event);
      sends += effects.filter((e) => e.type === 'send').length;
      return effects;
    };
  }
  return () => sends;
}

const reversed = (groups: CoreGroup[]): CoreGroup[] => [...groups].reverse().map((g, index) => ({ ...g, index }));

for (const autoFailback of ['on', 'off'] as const) {
  test(`haresources in another order on the peer: each group runs once, on its owner (auto_failback ${autoFailback})`, () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const world = new World({ transcript: false, seed, autoFailback, scriptJitterMs: 150 });
      world.nodes.b.config = { ...world.nodes.b.config, groups: reversed(world.nodes.b.config.groups) };
      const doubles = watchDoubleRuns(world);
      world.boot('a');
      world.boot('b');
      world.advance(10000);
      assert.deepEqual(doubles, [], `seed ${seed}: never both`);
      for (const group of makeGroups(false)) {
        for (const r of group.resources) assert.equal(runsOn(world, r.id), group.owner, `seed ${seed}: ${r.id} on ${group.owner}`);
      }
      // And a move by the handshake still works: the owner of group 0 goes to standby.
      world.deliver(world.nodes.a, { type: 'command', now: world.now, command: 'standby' });
      world.advance(5000);
      assert.deepEqual(doubles, [], `seed ${seed}: never both after standby`);
      for (const id of world.resourceIds()) assert.equal(runsOn(world, id), 'b', `seed ${seed}: ${id} handed to b`);
    }
  });
}

// Other group SETS at a cold start: nothing moves by the peer's grants, but an all-zero claim
// set is readable whatever the ordering (src/core/drift.ts): each node starts the groups it owns
// once the peer answered it holding nothing. Before, nothing started at all (issue 12's drift).
const NINE = 'IPaddr::10.0.0.9/24/eth0';
const withNine = (world: World): void => {
  const other: CoreGroup = { index: 1, key: NINE, owner: 'b', resources: [{ id: NINE }] };
  world.nodes.b.config = { ...world.nodes.b.config, configDigest: 'bbbbbb', groups: [world.nodes.b.config.groups[0]!, other] };
};

for (const staggerMs of [0, 1, 30, 500, 3000, 7000]) {
  test(`different group sets, b boots ${staggerMs} ms after a (within initdead): each owner starts its own groups at once, never both, no frame storm`, () => {
    for (const seed of [1, 2, 3]) {
      const world = new World({ transcript: false, seed, scriptJitterMs: 150 });
      withNine(world);
      const doubles = watchDoubleRuns(world);
      world.boot('a');
      world.advance(staggerMs);
      world.boot('b');
      const sends = countSends(world);
      // Normal start-up: a few keepalives and the scripts (under 1 s each), far below initdead.
      world.advance(4000);
      assert.equal(runsOn(world, 'IPaddr::10.0.0.1/24/eth0'), 'a', `seed ${seed}: a's own group runs on a within 4 s`);
      assert.equal(runsOn(world, 'httpd'), 'a', `seed ${seed}: all of it`);
      assert.equal(runsOn(world, NINE), 'b', `seed ${seed}: b's own group (only b lists it) runs on b within 4 s`);
      world.advance(16000);
      assert.deepEqual(doubles, [], `seed ${seed}: never both`);
      const statusA = world.nodes.a.machine!.status();
      assert.equal(statusA.configDigestMatch, false, 'status shows the drift');
      assert.ok(statusA.groups.every((g) => g.why.includes('configuration drift')), 'every group says why it does not move');
      // Heartbeats every keepalive from both nodes over 20 s, plus a few state changes: no endless trading.
      assert.ok(sends() <= 2 * 20 + 12, `${sends()} statuses sent in 20 s`);
      // a lists 10.0.0.2 as b's, b does not list it: a cannot tell it from a group b runs (known limit).
      assert.equal(runsOn(world, 'IPaddr::10.0.0.2/24/eth0'), 'nobody');
      world.kill('a');
      world.advance(20000);
      assert.equal(runsOn(world, 'IPaddr::10.0.0.1/24/eth0'), 'b', 'the dead peer is taken over as usual');
    }
  });
}

test('different group sets, a took over while b was away: once b is back and stable a stops its copy, then b starts its own groups (never both)', () => {
  for (const seed of [4, 5, 6]) {
    const world = new World({ transcript: false, seed, scriptJitterMs: 150 });
    world.nodes.b.config = withOtherGroups(world.nodes.b.config, 'b');
    const doubles = watchDoubleRuns(world);
    world.boot('a');
    world.advance(12000);
    assert.equal(runsOn(world, 'IPaddr::10.0.0.2/24/eth0'), 'a', `seed ${seed}: a alone took every group after initdead`);
    world.boot('b');
    // Stable after a deadtime (4 s), then a stop and a start (each under 1 s).
    world.advance(8000);
    assert.deepEqual(doubles, [], `seed ${seed}: never both`);
    assert.equal(runsOn(world, 'IPaddr::10.0.0.1/24/eth0'), 'a', `seed ${seed}: a keeps its own group`);
    assert.equal(runsOn(world, 'IPaddr::10.0.0.2/24/eth0'), 'b', `seed ${seed}: b's group is back on b`);
    assert.equal(runsOn(world, EXTRA_GROUP_KEY), 'b', `seed ${seed}: the group only b lists runs on b`);
    world.advance(20000);
    assert.deepEqual(doubles, [], `seed ${seed}: never both`);
  }
});

// Owner lines that differ (the same group keys): every frame under group drift carries a drift
// word with the sender's key-set digest and the groups its haresources gives it, so both nodes
// read each other's bits and agree on one owner per group (src/core/drift.ts "Owners only"): the
// node both configurations name, else the node whose name sorts first (a). Before, a group both
// configurations gave to their own node ran on both, and one each gave to the other on neither.
type OwnerCase = { name: string; a: [string, string]; b: [string, string]; contested: number; agreed: string };
const OWNER_CASES: OwnerCase[] = [
  { name: 'both name themselves owner of group 0', a: ['a', 'b'], b: ['b', 'b'], contested: 0, agreed: 'a' },
  { name: 'each names the other owner of group 0 (mirror)', a: ['b', 'b'], b: ['a', 'b'], contested: 0, agreed: 'a' },
  { name: 'both name themselves owner of group 1', a: ['a', 'a'], b: ['a', 'b'], contested: 1, agreed: 'a' },
  { name: 'each names the other owner of group 1 (mirror)', a: ['a', 'b'], b: ['a', 'a'], contested: 1, agreed: 'a' },
];

function withOwners(world: World, owners: { a: [string, string]; b: [string, string] }): void {
  for (const name of NODES) {
    const node = world.nodes[name];
    const groups = node.config.groups.map((g) => ({ ...g, owner: owners[name][g.index]! }));
    const digest = owners[name].join('') === 'ab' ? 'aaaaaa' : `${owners[name].join('')}${name}0aa`;
    node.config = { ...node.config, configDigest: digest, groups };
  }
}

const GROUP_IDS = [['IPaddr::10.0.0.1/24/eth0', 'httpd'], ['IPaddr::10.0.0.2/24/eth0']] as const;

for (const c of OWNER_CASES) {
  for (const autoFailback of ['on', 'off'] as const) {
    test(`conflicting owner lines under drift (${c.name}, auto_failback ${autoFailback}): each group ends on exactly one node, status shows the drift`, () => {
      for (const seed of [1, 2, 3, 4, 5]) {
        const world = new World({ transcript: false, seed, autoFailback, scriptJitterMs: 150 });
        withOwners(world, c);
        const doubles = watchDoubleRuns(world);
        world.boot('a');
        world.advance(seed * 300);
        world.boot('b');
        world.advance(30000);
        assert.deepEqual(doubles, [], `seed ${seed}: never both`);
        for (const [index, ids] of GROUP_IDS.entries()) {
          const expected = index === c.contested ? c.agreed : c.a[index]!;
          for (const id of ids) assert.equal(runsOn(world, id), expected, `seed ${seed}: ${id} on ${expected}`);
        }
        for (const name of NODES) {
          const status = world.nodes[name].machine!.status();
          assert.equal(status.configDigestMatch, false, `${name}: status shows the drift`);
          assert.ok(status.groups.every((g) => g.why.includes('configuration drift (same group keys)')), `${name}: every group says so: ${status.groups.map((g) => g.why).join(' | ')}`);
        }
        // The agreed owner dies: the other node takes the contested group over, once.
        const other = c.agreed === 'a' ? 'b' : 'a';
        world.kill(c.agreed as 'a' | 'b');
        world.advance(20000);
        for (const id of GROUP_IDS[c.contested]!) assert.equal(runsOn(world, id), other, `seed ${seed}: ${id} taken over by ${other}`);
        // It comes back: never both, and the contested group runs somewhere.
        world.boot(c.agreed as 'a' | 'b');
        world.advance(30000);
        assert.deepEqual(doubles, [], `seed ${seed}: never both after the owner's return`);
        for (const id of GROUP_IDS[c.contested]!) assert.notEqual(runsOn(world, id), 'nobody', `seed ${seed}: ${id} runs after the return`);
      }
    });
  }
}

test('conflicting owner lines under drift: a partition heals to exactly one copy, and standby stays refused', () => {
  for (const seed of [1, 2, 3]) {
    const world = new World({ transcript: false, seed, scriptJitterMs: 150 });
    withOwners(world, OWNER_CASES[0]!);
    world.boot('a');
    world.boot('b');
    world.advance(15000);
    world.setLinks([...LINKS], [...NODES], { cut: true });
    world.advance(15000);
    assert.equal(runsOn(world, 'IPaddr::10.0.0.1/24/eth0'), 'a+b', `seed ${seed}: a partition runs both copies (no fencing here)`);
    world.setLinks([...LINKS], [...NODES], { cut: false });
    world.advance(20000);
    assert.equal(runsOn(world, 'IPaddr::10.0.0.1/24/eth0'), 'a', `seed ${seed}: one copy after the heal, on the agreed owner`);
    assert.equal(runsOn(world, 'IPaddr::10.0.0.2/24/eth0'), 'b', `seed ${seed}: the uncontested group stays on b`);
    world.deliver(world.nodes.b, { type: 'command', now: world.now, command: 'standby' });
    world.advance(5000);
    assert.equal(world.nodes.b.machine!.status().lastCommand?.accepted, false, 'standby refused under drift');
    assert.equal(runsOn(world, 'IPaddr::10.0.0.2/24/eth0'), 'b');
  }
});

test('drift in timings or policy only (same group part of the digest): reported, and groups still move', () => {
  const world = new World({ transcript: false });
  world.nodes.b.config = { ...world.nodes.b.config, configDigest: 'aaaabb' };
  const doubles = watchDoubleRuns(world);
  world.boot('a');
  world.boot('b');
  world.advance(10000);
  assert.equal(world.nodes.a.machine!.status().configDigestMatch, false, 'the drift is reported');
  for (const group of makeGroups(false)) for (const r of group.resources) assert.equal(runsOn(world, r.id), group.owner);
  world.deliver(world.nodes.b, { type: 'command', now: world.now, command: 'standby' });
  world.advance(5000);
  assert.deepEqual(doubles, []);
  for (const id of world.resourceIds()) assert.equal(runsOn(world, id), 'a', `${id} handed to a`);
});

// Issue 12 (core holes, item 1): other group SETS and a partition. Both nodes take over during
// the cut; after the heal neither could read the other's claims, so each kept its copy forever.
// Rule (src/core/drift.ts): under drift a group we hold but do not own goes back to its owner
// once the owner is alive and holds groups; a group we own stays.
for (const extraOwner of ['a', 'b'] as const) {
  test(`other group sets (extra group owned by ${extraOwner}), both links cut 15 s, heal: every group ends on exactly one node`, () => {
    for (const seed of [1, 2, 3]) {
      const world = new World({ transcript: false, seed, scriptJitterMs: 150 });
      world.nodes.b.config = withOtherGroups(world.nodes.b.config, extraOwner);
      world.boot('a');
      world.advance(10000);
      world.boot('b');
      world.advance(10000);
      world.setLinks([...LINKS], [...NODES], { cut: true });
      world.advance(15000);
      for (const id of world.resourceIds()) assert.equal(runsOn(world, id), 'a+b', `seed ${seed}: the partition made ${id} run on both`);
      world.setLinks([...LINKS], [...NODES], { cut: false });
      world.advance(10000);
      const doubles = watchDoubleRuns(world);
      world.advance(20000);
      assert.deepEqual(doubles, [], `seed ${seed}: a group runs on both nodes 10 s after the heal`);
      for (const group of makeGroups(false)) {
        for (const r of group.resources) assert.equal(runsOn(world, r.id), group.owner, `seed ${seed}: ${r.id} back on its owner ${group.owner}`);
      }
      assert.notEqual(runsOn(world, EXTRA_GROUP_KEY), 'a', 'a does not know the extra group');
    }
  });
}

// Other group sets and a one-way failure (soak seeds 2124, 9974 before drift.ts yielded to a
// deaf peer): the peer that cannot hear b believes it dead and takes over every group it knows;
// b, still hearing it, must yield what it holds once the deaf peer holds groups, or both run the
// shared groups until the link heals.
test('other group sets, every link loses b→a: b (unheard) yields, every shared group ends on a alone', () => {
  for (const seed of [1, 2, 3]) {
    const world = new World({ transcript: false, seed, scriptJitterMs: 150 });
    world.nodes.b.config = withOtherGroups(world.nodes.b.config, 'b');
    world.boot('a');
    world.boot('b');
    world.advance(20000);
    const shared = makeGroups(false).flatMap((g) => g.resources.map((r) => r.id));
    for (const group of makeGroups(false)) {
      for (const r of group.resources) assert.equal(runsOn(world, r.id), group.owner, `seed ${seed}: ${r.id} on its owner before the cut`);
    }
    assert.ok(makeGroups(false).some((g) => g.owner === 'b'), 'b runs a shared group before the cut');
    world.setLinks([...LINKS], ['b'], { cut: true });
    // a declares b dead after D and takes over; b judges a deaf after a further D of unacknowledged frames.
    world.advance(3 * world.options.deadtimeMs);
    const doubles = watchDoubleRuns(world);
    world.advance(10000);
    assert.deepEqual(doubles, [], `seed ${seed}: a group runs on both nodes while b cannot be heard`);
    for (const id of shared) assert.equal(runsOn(world, id), 'a', `seed ${seed}: ${id} on a, the node that is heard`);
    assert.equal(runsOn(world, EXTRA_GROUP_KEY), 'nobody', 'known limit: b cannot tell which groups a knows, so it yields its own extra group too');
  }
});
