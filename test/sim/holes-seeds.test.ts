// Regression seeds for the holes of issue 12: each soak seed below failed before its hole was
// fixed, with only that hole's faults and strict properties (properties/); they are rerun with
// the same single-hole fault mix, so the schedules stay the ones that found the holes (the default
// soak runs all holes at once, which changes each seed's schedule). Test code only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Soak } from './soak.js';
import { HOLES, type Hole } from './properties/index.js';

const KNOWN: { hole: Hole | 'all'; what: string; seeds: number[] }[] = [
  { hole: 'standby', what: "hole 1: after the peer's takeover, a standby node does not take over when the peer dies", seeds: [35, 36] },
  { hole: 'standby', what: "hole 1: a standby imposed by the peer's takeover leaves a group the peer failed running nowhere", seeds: [1694] },
  { hole: 'standby', what: 'hole 2: takeover on both nodes at once ends with both in standby', seeds: [17, 19] },
  { hole: 'generation', what: 'hole 3: a node restarted without its state file: a group starts while the peer runs it', seeds: [26, 37] },
  { hole: 'drift', what: 'hole 4: haresources lines in another order on b: a group runs on both nodes', seeds: [6, 17] },
  { hole: 'notify', what: 'hole 7: a hung remote-failure hook delays the fenced takeover', seeds: [406, 977] },
  { hole: 'flap', what: 'hole 10: flapping links move a group back and forth', seeds: [32, 287] },
  // Found by the merged default soak (every hole's faults at once):
  { hole: 'all', what: 'a node that yielded to a takeover and a peer holding a group nowhere traded claims every ms, the group ran nowhere', seeds: [1109] },
  { hole: 'all', what: 'a stale takeover demand honoured after a pause: both nodes yield at once (tolerated during the disruption only)', seeds: [7432] },
  { hole: 'all', what: 'takeover on both over slow lossy links: demand frames arriving after both timed out made both yield for good', seeds: [15343] },
  { hole: 'all', what: 'a flap: the links died one after the other and the silence between was taken for deafness, the owner stopped its own group', seeds: [16631] },
  // Found after per-group moves (issue 15) joined the default soak:
  { hole: 'all', what: 'other group sets on the two nodes and a one-way failure: the node that could not be heard kept the groups it owns, both ran them', seeds: [2124, 9974] },
  { hole: 'all', what: 'a node its peer could not hear ran `takeover`: its demand kept the group the deaf peer held, both ran it until the demand timed out', seeds: [34927] },
  { hole: 'all', what: 'standby, stop and takeover queued during a pause: the refused takeover hid the accepted standby from standby-operators (property)', seeds: [21882] },
  { hole: 'all', what: 'a real one-way failure found just before a flap: the standing peer-deaf verdict made the owner yield at the first heal (allowed: flap-owner excuses a verdict older than the flap)', seeds: [31520] },
  { hole: 'all', what: "takeover on both while the winner's ping node was lost: uplink tracking handed the groups on afterwards (allowed: race-winner leaves that to uplink-move)", seeds: [47742] },
  { hole: 'all', what: "a flap while the owner hands its group over by its operator's per-group move or standby (allowed: flap-owner excuses it)", seeds: [791, 1206] },
  { hole: 'all', what: "uplink tracking after a SIGSTOP longer than deadping: the time spent 'worse' ran out during the stall and the groups were handed over on the peer's score from before it (its newer frames still queued)", seeds: [43076] },
  { hole: 'all', what: 'other group sets and a flap with fencing: a failed takeover and its two retries on the same node were counted as three moves (flap-damping counts a retry as the same move)', seeds: [13910] },
];

for (const { hole, what, seeds } of KNOWN) {
  test(`issue 12 ${what} (SOAK_HOLES=${hole} SEED=${seeds.join('|')})`, () => {
    const violations = seeds.flatMap((seed) => new Soak(seed, { holes: new Set(hole === 'all' ? HOLES : [hole]) }).run(8).violations);
    assert.equal(violations.length, 0, `first violation: ${violations[0]}`);
  });
}
