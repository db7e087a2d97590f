// Property family: flapping incidents (issue 12, hole 10; every link cut for just over deadtime,
// restored for ~100 ms, several times). Why: each cut is a new split brain and each heal resolves
// it; a pair that resolves them the wrong way moves its groups back and forth with every cycle,
// or stops the owner's copy and keeps the stray one. Only checked with the flap hole on
// (holes.ts), and only in a clean incident: nothing but the links changes in it. Test code only:
// touches nothing outside test/sim.
//   flap-damping      in a flapping incident in which nothing but the links changes, a group moves
//                     at most twice (there and back). A move is a start while the other machine
//                     does not run the group, on another machine than the group's last move in
//                     the incident went to (a retry after a failed start is the same move; seed
//                     13910 counted a takeover and its two retries as three): a second copy started while the peer kept its own
//                     (split brain over a cut longer than deadtime, stopped again on the heal) is
//                     no move, and only fencing prevents it.
//   flap-owner        in a flapping incident in which nothing but the links changes, from the flap's
//                     first heal on (earlier link faults are reset then), a node never begins to
//                     stop a group it owns while eligible, not deferring and not asked to by a
//                     takeover demand or a per-group move (move/standby GROUP recorded on either
//                     node that sends the group to the other machine), nor on a peer-deaf verdict
//                     drawn before the flap began (a real one-way failure: it stands by design).

import { NODES, type NodeName, type SimNode } from '../world.js';
import type { GroupStatus } from '../../../src/core/status.js';
import type { Context } from './context.js';
import { agreedOwner } from './drift.js';

export class Flap {
  private incidentStart = -Infinity;
  private incidentEnd = -Infinity;
  /** The flap's first heal: from then on only the flap acts on the links (earlier faults were reset). */
  private flapOnlyFrom = Infinity;
  private startsThisIncident = new Map<string, number>();
  /** Where each group's last counted move of this incident went (a retry there is no move). */
  private movedToThisIncident = new Map<string, NodeName>();
  /** Since when each node's standing peer-deaf verdict holds (null: none). */
  private deafSince: Record<NodeName, number | null> = { a: null, b: null };

  constructor(private readonly c: Context) {}

  /** A flapping incident begins and lasts `ms` (plus a deadtime): fences are counted in it (hole 10). */
  incidentStarts(ms: number, firstCycleMs: number): void {
    const w = this.c.world;
    this.incidentStart = w.now;
    this.flapOnlyFrom = w.now + firstCycleMs;
    this.incidentEnd = w.now + ms + w.options.deadtimeMs;
    this.startsThisIncident.clear();
    this.movedToThisIncident.clear();
  }

  peerDeaf(node: NodeName): void {
    this.deafSince[node] ??= this.c.world.now;
  }

  /** The peer hears `node` again, or a new life of its daemon starts without a verdict. */
  peerHears(node: NodeName): void {
    this.deafSince[node] = null;
  }

  /** flap-damping: a group moves at most twice (there and back) in one clean flapping incident. */
  groupMoved(key: string, to: NodeName): void {
    if (!this.inCleanIncident()) return;
    // A start where the group last moved to is a retry of that move (its start failed, or a
    // takeover retry after a failed one: machine.ts MAX_TAKEOVER_RETRIES), not another move.
    if (this.movedToThisIncident.get(key) === to) return;
    this.movedToThisIncident.set(key, to);
    const starts = (this.startsThisIncident.get(key) ?? 0) + 1;
    this.startsThisIncident.set(key, starts);
    if (this.c.holes.has('flap') && starts === 3) this.c.fail('flap-damping', `group ${key} moved a 3rd time in one flapping incident`);
  }

  private inCleanIncident(): boolean {
    return this.c.world.now <= this.incidentEnd && NODES.every((n) => this.c.lastTouched[n] < this.incidentStart);
  }

  /**
   * flap-owner: in a clean flapping incident a node never begins to stop a group it owns and may
   * hold (eligible, not deferring to the peer, not moved away by an operator): the flap ends each
   * split brain on the owner.
   */
  releaseStarted(node: SimNode): void {
    if (!this.c.holes.has('flap') || !this.inCleanIncident() || this.c.world.now < this.flapOnlyFrom) return;
    const s = node.machine?.status();
    if (!s || s.self.deferringToPeer !== null || s.self.standby || s.self.leaving) return;
    // A demand the peer's operator made before the flap is honoured as usual, and so is a
    // per-group move (issue 15): the group's record on either node sends it to the other machine.
    const peer = this.c.world.nodes[node.name === 'a' ? 'b' : 'a'].machine?.status();
    const movedAway = (g: GroupStatus) => g.why.startsWith('moved') && [g.placement, peer?.groups.find((p) => p.key === g.key)?.placement].some((m) => m != null && m.node !== node.name);
    // A one-way failure found before the flap began (a real earlier fault: its verdict stands
    // through the flap's silences by design, peer-view.ts) is not the flap's doing either.
    const deafSince = this.deafSince[node.name];
    const deafBefore = (g: GroupStatus) => g.why.includes('cannot hear us') && deafSince !== null && deafSince < this.incidentStart;
    const excused = (g: GroupStatus) => g.why.includes('not eligible') || g.why.includes('demands a takeover') || movedAway(g) || deafBefore(g);
    const own = s.groups.find((g) => agreedOwner(this.c.world, g.key, g.owner) === node.name && g.phase === 'stopping' && g.desired !== 'self' && !g.failedHere && !excused(g));
    if (own) this.c.fail('flap-owner', `${node.name} stops its own group ${own.key} during a flapping incident (${own.why})`);
  }
}
