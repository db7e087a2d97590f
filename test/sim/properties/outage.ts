// Outage accounting (no property, a measurement): every ms a group runs nowhere while a node is
// up is counted, split into "nobody eligible" (both standby, failed on both, ...) and the rest;
// the soak prints the totals. Why: safety alone is met by a pair that runs nothing, so the soak
// shows what its faults cost in availability, and which part of it the operators' state
// explains. Test code only: touches nothing outside test/sim.

import { NODES } from '../world.js';
import { eligibleFor, runsAll, type Context } from './context.js';

/** How often (simulated ms) an ongoing outage is classified again (nobody eligible or not). */
const OUTAGE_RECLASSIFY_MS = 250;

export interface Outage {
  /** ms in which some group ran on no machine while at least one machine was up. */
  total: number;
  /** ... of which nobody was eligible for it (both standby, failed on both, leaving). */
  nobodyEligible: number;
}

export class OutageAccount {
  readonly outage: Outage = { total: 0, nobodyEligible: 0 };
  private readonly groupResources: string[][];
  private outageFrom = 0;
  private outageState: 'none' | 'outage' | 'nobody-eligible' = 'none';
  private outageClassifiedAt = -Infinity;
  /** Some group runs on no machine while one is up, as of the machines' last change. */
  private isDark = false;

  constructor(private readonly c: Context) {
    this.groupResources = c.world.nodes.a.config.groups.map((g) => g.resources.map((r) => r.id));
  }

  /** The machines' actual state changed: is some group dark now. */
  machinesChanged(): void {
    this.isDark = this.dark();
  }

  /** After every step: add the time since the last step to the outage it belonged to. */
  account(): void {
    const w = this.c.world;
    const elapsed = w.now - this.outageFrom;
    if (this.outageState !== 'none') this.outage.total += elapsed;
    if (this.outageState === 'nobody-eligible') this.outage.nobodyEligible += elapsed;
    this.outageFrom = w.now;
    if (!this.isDark) this.outageState = 'none';
    else if (this.outageState === 'none' || w.now - this.outageClassifiedAt >= OUTAGE_RECLASSIFY_MS) {
      // Who is eligible only changes on machine events; asking every step would double the soak's time.
      this.outageClassifiedAt = w.now;
      this.outageState = this.nobodyEligible() ? 'nobody-eligible' : 'outage';
    }
  }

  /** Some machine is up and some group runs wholly on no machine (plain loops: runs every step). */
  private dark(): boolean {
    const { a, b } = this.c.world.nodes;
    if (!a.up && !b.up) return false;
    for (const ids of this.groupResources) if (!runsAll(a.actual, ids) && !runsAll(b.actual, ids)) return true;
    return false;
  }

  /** Some group has no node that is up and eligible for it. */
  private nobodyEligible(): boolean {
    const w = this.c.world;
    const statuses = NODES.filter((n) => w.nodes[n].up && w.nodes[n].machine).map((n) => w.nodes[n].machine!.status());
    return w.nodes.a.config.groups.some((g) => !statuses.some((s) => eligibleFor(s, this.c.groupStatus(s, g.key))));
  }
}
