// Scripted simulations for the failover holes of issue 12 that are about the core's rules:
// the standby trap (1), simultaneous takeover (2), a hung notifier in front of the fence (7) and
// flapping (10). Each drives the simulated world (world.ts) and asserts on what ACTUALLY runs,
// on persisted state and on logged events; each failed on the core before the fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LINKS, NODES, World } from './world.js';
import { assertExactlyOneEach, cmd, events, linesOf, pair, runners, runsAll } from './scripted.js';

// ---------------------------------------------------------------- hole 1: standby trap

test('hole 1: takeover on a, then a graceful stop of a: b takes every group (its yield was never persisted)', () => {
  const w = pair();
  cmd(w, 'a', 'takeover');
  w.advance(6000);
  assert.ok(runsAll(w, 'a'), 'a took every group');
  assert.equal(w.nodes.b.standby, false, "the peer's takeover does not persist standby on b");
  assert.equal(w.nodes.b.machine!.status().self.deferringToPeer, 'peer-takeover');
  cmd(w, 'a', 'stop');
  w.advance(10_000);
  assert.equal(w.nodes.a.up, false, 'a exited');
  assert.ok(runsAll(w, 'b'), 'b holds everything after the graceful stop of a');
  assert.equal(w.nodes.b.machine!.status().self.deferringToPeer, null, 'the yield lapsed');
});

test('hole 1: takeover is accepted while the peer is dead, and the survivor then holds everything', () => {
  const w = pair();
  cmd(w, 'a', 'takeover');
  w.advance(6000);
  w.kill('a');
  w.advance(w.options.deadtimeMs + 500);
  assert.equal(w.nodes.b.machine!.status().peer.state, 'dead');
  cmd(w, 'b', 'takeover');
  assert.equal(w.nodes.b.machine!.status().lastCommand?.accepted, true, w.nodes.b.machine!.status().lastCommand?.reason);
  w.advance(10_000);
  assert.ok(runsAll(w, 'b'));
});

test('hole 1: an operator standby node takes over when its peer dies (availability first), with a warning', () => {
  const w = pair();
  cmd(w, 'b', 'standby');
  w.advance(5000);
  assert.equal(w.nodes.b.standby, true);
  w.kill('a');
  w.advance(10_000);
  assert.ok(runsAll(w, 'b'), 'nobody would hold the service otherwise');
  assert.equal(events(w, 'b', 'standby-cancelled'), 1);
  assert.equal(w.nodes.b.standby, false, 'the cancellation is persisted: the death of either node cancels standby');
});

test('hole 1: online clears standby without moving a group, even with auto_failback on', () => {
  const w = pair({ autoFailback: 'on' });
  cmd(w, 'a', 'standby');
  w.advance(5000);
  assert.ok(runsAll(w, 'b'));
  cmd(w, 'a', 'online');
  w.advance(15_000);
  assert.equal(w.nodes.a.standby, false, 'standby cleared and persisted');
  assert.ok(runsAll(w, 'b'), 'nothing moved back to its owner');
  assert.equal(w.nodes.a.machine!.status().self.deferringToPeer, 'online');
  cmd(w, 'a', 'takeover');
  w.advance(6000);
  assert.ok(runsAll(w, 'a'), 'takeover still moves everything');
});

test('hole 1: nobody eligible is one ERROR no-eligible-holder per group and incident, shown in status', () => {
  const w = pair();
  cmd(w, 'a', 'standby');
  cmd(w, 'b', 'standby'); // the same instant: neither has heard the other's standby yet
  w.advance(30_000);
  for (const n of NODES) {
    assert.equal(events(w, n, 'no-eligible-holder'), 2, `${n}: one per group`);
    const s = w.nodes[n].machine!.status();
    assert.ok(s.groups.every((g) => g.noEligibleHolder !== null && /standby/.test(g.noEligibleHolder)), JSON.stringify(s.groups.map((g) => g.noEligibleHolder)));
  }
  cmd(w, 'a', 'online');
  w.advance(5000);
  assert.ok(runsAll(w, 'a'));
  assert.equal(events(w, 'a', 'eligible-holder-restored'), 2);
});

// ---------------------------------------------------------------- hole 2: simultaneous takeover

for (const autoFailback of ['on', 'off'] as const) {
  test(`hole 2: takeover on both nodes at the same instant: a wins by name, never both standby (auto_failback ${autoFailback})`, () => {
    const w = new World({ autoFailback });
    w.boot('a');
    w.boot('b');
    w.advance(3000);
    cmd(w, 'a', 'takeover');
    cmd(w, 'b', 'takeover');
    w.advance(15_000);
    assert.ok(!(w.nodes.a.standby && w.nodes.b.standby), 'both in persisted standby');
    assertExactlyOneEach(w);
    assert.ok(runsAll(w, 'a'), 'the node whose name sorts first wins');
    assert.equal(events(w, 'b', 'takeover-race-lost'), 1);
  });
}

test('hole 2: simultaneous takeover while a already holds everything: a keeps it (a stale grant is no answer)', () => {
  const w = pair();
  cmd(w, 'a', 'takeover');
  w.advance(6000);
  cmd(w, 'b', 'online'); // b defers (online): it holds nothing and grants everything
  w.advance(2000);
  cmd(w, 'a', 'takeover');
  cmd(w, 'b', 'takeover');
  w.advance(15_000);
  assert.ok(runsAll(w, 'a'), 'a, first by name, keeps every group');
  assert.ok(!w.nodes.a.standby && !w.nodes.b.standby);
  assertExactlyOneEach(w);
});

// ---------------------------------------------------------------- hole 7: hung notifier

test('hole 7: a hung remote-failure notifier does not delay the fence and the takeover', () => {
  const w = pair({ fence: true });
  w.nodes.a.hookMs['remote-failure'] = 120_000; // a is the tie winner: no tie delay before its fence
  w.kill('b');
  const { deadtimeMs, keepaliveMs } = w.options;
  w.advance(deadtimeMs + keepaliveMs + 1000);
  assert.ok(linesOf(w, / a hook fence$/) >= 1, 'the fence ran beside the hung notifier');
  assert.ok(runsAll(w, 'a'), 'a took over within deadtime + a few seconds');
  assert.deepEqual(w.nodes.a.machine!.status().hooks, { running: ['remote-failure'], queued: [] });
});

test('hole 7 (consequence): with fencing, a cut of every link never makes both nodes fence at once', () => {
  const w = pair({ fence: true });
  w.setLinks([...LINKS], [...NODES], { cut: true });
  w.advance(15_000);
  assert.equal(linesOf(w, / a hook fence$/), 1, 'the tie winner fences');
  assert.equal(linesOf(w, / b hook fence$/), 0, 'the other waits its tie delay and is fenced first');
  assert.ok(runsAll(w, 'a'));
});

// ---------------------------------------------------------------- hole 10: flapping

function flap(w: World, times: number, cutMs: number, healMs: number): void {
  for (let i = 0; i < times; i++) {
    w.setLinks([...LINKS], [...NODES], { cut: true });
    w.advance(cutMs);
    w.setLinks([...LINKS], [...NODES], { cut: false });
    w.advance(healMs);
  }
}

test('hole 10: a flapping link does not re-fence the peer on every flap (one fence per incident)', () => {
  const w = pair({ fence: true, softFence: true });
  flap(w, 10, w.options.deadtimeMs + 100, 1500);
  for (const n of NODES) assert.ok(linesOf(w, new RegExp(` ${n} hook fence$`)) <= 1, `${n} fenced ${linesOf(w, new RegExp(` ${n} hook fence$`))} times`);
  w.advance(30_000);
  assertExactlyOneEach(w);
  // A new incident after the peer was stable is fenced again.
  const before = linesOf(w, / hook fence$/);
  w.kill('b');
  w.advance(10_000);
  assert.equal(linesOf(w, / a hook fence$/) + linesOf(w, / b hook fence$/), before + 1);
});

test('hole 10: a crash-looping owner is not given its group back until it is stable: no outage from failback', () => {
  const w = pair({ autoFailback: 'on' });
  w.kill('a');
  w.advance(10_000);
  assert.ok(runsAll(w, 'b'));
  let outageMs = 0;
  let last = w.now;
  w.observer = {
    afterStep: (world) => {
      if (world.resourceIds().some((id) => runners(world, id).length === 0)) outageMs += world.now - last;
      last = world.now;
    },
  };
  const releasesBefore = events(w, 'b', 'release-start');
  // a boots, is heard for 2.5 s (less than deadtime), dies again: five times.
  for (let i = 0; i < 5; i++) {
    w.boot('a');
    w.advance(2500);
    w.kill('a');
    w.advance(5000);
  }
  assert.equal(events(w, 'b', 'release-start') - releasesBefore, 0, 'b moved groups toward an unstable peer');
  assert.equal(outageMs, 0, 'the service was never without a holder');
  w.boot('a');
  w.advance(20_000);
  assertExactlyOneEach(w);
  assert.deepEqual(runners(w, 'httpd'), ['a'], 'once stable, the group fails back to its owner');
});
