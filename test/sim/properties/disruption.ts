// The windows in which the network excuses what the properties otherwise forbid: "disrupted"
// (no link carries frames both ways without loss, or a node is paused), its "aftermath" (a
// disruption and the heal bound after it), and the one-way failure deaf-yield judges (every link
// loses one direction while some link works the other way). Generation (hole 3): a node restarted
// without its state file is heard by no one until its peer accepts it (its frames are dropped as
// old), so its direction does not "work" even over a healthy link. Test code only: touches
// nothing outside test/sim.

import { LINKS, NODES, World, type NodeName } from '../world.js';

export class Disruption {
  /** When a disruption was last seen under way, or ended (healed). */
  lastDisruptedAt = -Infinity;
  /**
   * The node restarted without its state file and its peer has not accepted it since: the peer
   * drops its frames (older generation) until it does, so its direction does not "work" for
   * deaf-yield even over a healthy link (it cannot catch up while it cannot hear the peer).
   */
  private unheardRestart: Record<NodeName, boolean> = { a: false, b: false };
  private cache = { version: -1, value: false, oneWay: false, oneWaySince: -Infinity };

  constructor(
    private readonly world: World,
    /** The heal bound: how long the aftermath of a disruption lasts. */
    private readonly healMs: number,
  ) {}

  disrupted(): boolean {
    this.refreshNetworkFacts();
    return this.cache.value;
  }

  /** Every link loses one direction and some link works the other way (as of the last disrupted()). */
  get oneWay(): boolean {
    return this.cache.oneWay;
  }

  /** Since when the one-way failure lasts (as of the last disrupted()). */
  get oneWaySince(): number {
    return this.cache.oneWaySince;
  }

  noteDisruption(): void {
    if (this.disrupted()) this.lastDisruptedAt = this.world.now;
  }

  inAftermath(): boolean {
    return this.disrupted() || this.world.now - this.lastDisruptedAt <= this.healMs;
  }

  /** `node` restarts without its state file: its peer will drop its frames until it accepts it. */
  stateFileLost(node: NodeName): void {
    this.unheardRestart[node] = true;
    this.cache.version = -1;
  }

  /** The peer of `node` accepted it (peer-alive): its direction works again. */
  accepted(node: NodeName): void {
    this.unheardRestart[node] = false;
    this.cache.version = -1;
  }

  private refreshNetworkFacts(): void {
    const w = this.world;
    if (this.cache.version === w.version) return;
    const paused = NODES.some((n) => w.nodes[n].paused);
    const works = (from: NodeName) => !this.unheardRestart[from] && this.directionWorks(from);
    const oneWay = !paused && NODES.every((n) => w.nodes[n].up) && NODES.some((from) => this.directionDead(from) && works(from === 'a' ? 'b' : 'a'));
    const c = this.cache;
    this.cache = {
      version: w.version,
      value: !w.anyLinkWorksBothWays() || paused,
      oneWay,
      oneWaySince: oneWay ? (c.oneWay ? c.oneWaySince : w.now) : -Infinity,
    };
  }

  private directionDead(from: NodeName): boolean {
    return LINKS.every((l) => {
      const d = this.world.direction(l, from);
      return d.cut || d.loss >= 1;
    });
  }

  private directionWorks(from: NodeName): boolean {
    return LINKS.some((l) => {
      const d = this.world.direction(l, from);
      return !d.cut && d.loss === 0 && d.fixedDelayMs + d.extraDelayMs < this.world.options.keepaliveMs;
    });
  }
}
