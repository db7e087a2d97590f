// Scripted simulations for the core holes issue 12's last session left open: stale simultaneous
// takeover demands (both nodes ended yielding to each other for good), a one-way verdict
// (peer-deaf) drawn from silence during a flap (the owner stopped its own healthy group), and
// ping evidence older than deadtime after a long SIGSTOP. Each drives the simulated world
// (world.ts) and asserts on what actually runs and on the machines' status; each of the first two
// failed on the core before its fix. Test code only: touches nothing outside test/sim.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LINKS, NODES, type NodeName, type World } from './world.js';
import { cmd, events, pair, runners } from './scripted.js';

const deferring = (w: World, node: NodeName) => w.nodes[node].machine!.status().self.deferringToPeer;

// ---------------------------------------------------------------- stale simultaneous demands

// Seed 15343 of the soak, step by step: takeover on both over slow links; b hears a's first
// demand (sent before a saw b's, so it is no answer to b's own) and then nothing from a until
// both demands have timed out; the demand frames still on the way arrive after that, and each
// node, no longer demanding itself, took the other's as a fresh demand and yielded: for good.
for (const [delayMs, cutAfterMs, healAfterMs] of [
  [521, 100, 3600],
  [700, 400, 3800],
] as const) {
  test(`takeover on both, a>b lost ${cutAfterMs}..${healAfterMs} ms, links ${delayMs} ms slow: stale demands do not make both yield for good`, () => {
    const w = pair();
    w.setLinks([...LINKS], [...NODES], { fixedDelayMs: delayMs });
    cmd(w, 'a', 'takeover');
    cmd(w, 'b', 'takeover');
    w.advance(cutAfterMs);
    w.setLinks([...LINKS], ['a'], { cut: true });
    w.advance(healAfterMs - cutAfterMs);
    w.setLinks([...LINKS], ['a'], { cut: false });
    w.advance(20_000);
    assert.ok(!(deferring(w, 'a') !== null && deferring(w, 'b') !== null), `both yield to each other: a=${deferring(w, 'a')} b=${deferring(w, 'b')}`);
    assert.equal(deferring(w, 'a'), null, 'a, first by name, does not yield to a demand that raced its own');
    for (const id of w.resourceIds()) assert.equal(runners(w, id).length, 1, `${id} runs on ${runners(w, id).join(',') || 'nobody'}`);
  });
}

// ---------------------------------------------------------------- deafness is not silence

// Seed 16631 of the soak, step by step: every link cut for just over deadtime, back for ~100 ms,
// again and again. The links die one after the other (their last frames differ by a few ms);
// between the two, the peer was still "alive" and had acknowledged nothing for a deadtime, because
// it had said nothing at all: the owner took that silence for a one-way failure (peer-deaf),
// yielded its own healthy group and restarted it a moment later on the peer's death.
for (const [cutMs, upMs] of [
  [4399, 96],
  [4100, 150],
  [4600, 80],
] as const) {
  test(`flapping links (${cutMs} ms cut, ${upMs} ms up): silence is not deafness, the owner never stops its own healthy group`, () => {
    const w = pair();
    const owned = w.nodes.a.config.groups[0]!.key;
    const ownReleases = () => w.lines.filter((l) => l.includes(` a info release-start group=${owned}`)).length;
    const before = ownReleases();
    for (let i = 0; i < 6; i++) {
      w.setLinks([...LINKS], [...NODES], { cut: true });
      w.advance(cutMs);
      w.setLinks([...LINKS], [...NODES], { cut: false });
      w.advance(upMs);
    }
    w.setLinks([...LINKS], [...NODES], { cut: true });
    w.advance(cutMs);
    for (const n of NODES) assert.equal(events(w, n, 'peer-deaf'), 0, `${n} took the peer's silence for deafness`);
    assert.equal(ownReleases() - before, 0, 'a released its own group while flapping');
    for (const r of w.nodes.a.config.groups[0]!.resources) assert.ok(runners(w, r.id).includes('a'), `a kept ${r.id} running`);
  });
}

// ---------------------------------------------------------------- ping evidence after a long pause

// The peer is dead, our takeover failed (a retry is due a deadtime later), the ping nodes became
// unreachable, and our process was stopped (SIGSTOP) for longer than deadtime. On resume the
// retry is due at once; the takeover gate was opened by a probe older than deadtime. The start
// must wait for a fresh probe: with none reachable we are the isolated side.
test('a takeover retry after a SIGSTOP longer than deadtime waits for fresh ping evidence (none reachable: nothing starts)', () => {
  const w = pair({ pingNodes: true });
  const { deadtimeMs } = w.options;
  const b = w.nodes.b.config.groups[1]!.key;
  w.nodes.a.failStart.push({ match: b, remaining: 1 });
  w.kill('b');
  w.advance(deadtimeMs + 3000);
  assert.equal(events(w, 'a', 'group-failed'), 1, 'the takeover of b failed once: a retry is due');
  w.nodes.a.pingReachable = false;
  w.pause('a');
  w.advance(2 * deadtimeMs);
  const startsBefore = w.lines.filter((l) => l.includes(` a run start ${b}`)).length;
  w.resume('a');
  w.advance(3000);
  assert.equal(w.lines.filter((l) => l.includes(` a run start ${b}`)).length - startsBefore, 0, 'a started b on ping evidence older than deadtime');
  assert.equal(w.nodes.a.machine!.status().takeoverGate, 'isolated');
});
