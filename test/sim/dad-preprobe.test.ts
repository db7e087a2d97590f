// Duplicate-address detection ahead of deadtime (issue 13, src/core/dad-preprobe.ts) in the
// simulated world: a powered-off holder's address is probed while it is suspect and the takeover
// skips the check; a holder whose daemon was killed with -9 still answers for its address, so the
// takeover checks, is refused and retried as before, and the address never runs twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { World, type WorldOptions } from './world.js';

const IP = 'IPaddr::10.0.0.1/24/eth0'; // group 0, owned (and held) by a

function pair(options: Partial<WorldOptions> = {}): World {
  const w = new World({ dad: true, ...options });
  w.boot('a');
  w.boot('b');
  w.advance(10_000);
  assert.equal(w.nodes.a.actual.get(IP), 'running', 'a holds group 0 before the fault');
  return w;
}

const lines = (w: World, re: RegExp) => w.lines.filter((l) => re.test(l));

test('power loss of the holder: probed while suspect, free, and the takeover skips the check', () => {
  const w = pair();
  const cutAt = w.now;
  w.kill('a');
  w.advance(w.options.deadtimeMs + 2_000);
  const probes = lines(w, /^ *\d+ b dad-probe group 0$/);
  assert.equal(probes.length, 1, 'one probe of group 0');
  const probeAt = Number(probes[0]!.trim().split(' ')[0]);
  assert.ok(probeAt - cutAt >= w.options.warntimeMs && probeAt - cutAt < w.options.deadtimeMs, `probed while suspect (at +${probeAt - cutAt} ms)`);
  assert.equal(lines(w, /b dad-result group 0 free$/).length, 1);
  assert.equal(lines(w, new RegExp(`b run start ${IP.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(address probed free`)).length, 1, 'the start carries the probe');
  assert.equal(w.nodes.b.actual.get(IP), 'running');
  assert.equal(lines(w, /b info group-failed/).length + lines(w, /b error group-failed/).length, 0);
});

test('kill -9 of the holder: its address still answers, the takeover checks and is refused, never doubled; retried as before', () => {
  const w = pair();
  let doubled = 0;
  w.observer = {
    afterStep: (world) => {
      if (world.nodes.a.actual.get(IP) !== 'stopped' && world.nodes.b.actual.get(IP) !== 'stopped') doubled += 1;
    },
  };
  w.killDaemon('a');
  assert.equal(w.nodes.a.orphaned, true);
  w.advance(4 * w.options.deadtimeMs);
  assert.ok(lines(w, /b dad-result group 0 in-use$/).length >= 1, 'the probe saw the address');
  assert.ok(lines(w, /b warn dad-preprobe-in-use/).length >= 1, 'and said so');
  assert.equal(lines(w, /b run start .*address probed free/).length, 0, 'no start skipped the check');
  assert.ok(lines(w, /b error group-failed/).length >= 2, 'refused, then retried and refused again');
  assert.equal(doubled, 0, 'the address never ran on both machines');
  // The daemon comes back: start-up reclaim stops the leftovers and the pair settles as before.
  w.boot('a');
  w.advance(20_000);
  assert.equal([w.nodes.a, w.nodes.b].filter((n) => n.actual.get(IP) === 'running').length, 1);
});

test('without duplicate-address detection nothing is probed', () => {
  const w = pair({ dad: false });
  w.kill('a');
  w.advance(w.options.deadtimeMs + 2_000);
  assert.equal(lines(w, /dad-probe/).length, 0);
  assert.equal(w.nodes.b.actual.get(IP), 'running');
});
