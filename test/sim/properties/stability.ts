// Property family: the pair settles instead of oscillating. Why: a group failed back to a peer
// that only just returned (auto_failback) moves again when that peer drops once more, and two
// nodes that both yield to each other leave a group to nobody; both are checked on a sample every
// 250 ms (asking each machine every step would double the soak's time). Test code only: touches
// nothing outside test/sim.
//   never-both-defer  (7) outside disruptions and their aftermath the two nodes never both yield
//                     to each other (peer-takeover or online) (sampled every 250 ms).
//   damping           (8) a node never stops a group it alone holds to fail it back (auto_failback)
//                     to a peer it does not consider stable (sampled every 250 ms).

import { NODES } from '../world.js';
import type { Context } from './context.js';

const SAMPLE_MS = 250;

export class Stability {
  private nextSample = 0;

  constructor(private readonly c: Context) {}

  /** damping (8) and never-both-defer (7), sampled every 250 ms. */
  sample(): void {
    const w = this.c.world;
    if (w.now < this.nextSample) return;
    this.nextSample = w.now + SAMPLE_MS;
    const statuses = NODES.map((n) => w.nodes[n].machine?.status());
    NODES.forEach((n, i) => {
      const s = statuses[i];
      if (!s) return;
      if (s.peer.state !== 'alive' || s.peer.stable) return;
      const failback = s.groups.find((g) => g.phase === 'stopping' && g.desired === 'peer' && g.peerHolds === false && g.why.startsWith('auto_failback'));
      if (failback) this.c.fail('damping', `(8) ${n} fails ${failback.key} back to a peer that is not stable`);
    });
    // During a disruption a node may honour a demand sent before the peer yielded (a pause, lost
    // frames): both defer until the peer's death ends one yield; harmless, as a node defers only
    // what the other holds (desired.ts rule 4). Outside that window it must not happen.
    if (statuses.every((s) => s && s.self.deferringToPeer !== null) && !this.c.disruption.inAftermath()) this.c.fail('never-both-defer', '(7) both nodes yield to each other outside a disruption');
  }
}
