// Property family: who holds a resource, two holders or nobody. Why: the first duty of a failover
// pair is that a resource never runs on both machines (a floating address on two hosts) unless
// the network leaves them no way to know, and that after the network heals it runs exactly once.
// The liveness checks (liveness.ts) call checkExactlyOne at their bound. Test code only: touches
// nothing outside test/sim.
//   safety            (1) outside disruptions and their aftermath no resource runs on both machines.
//   stop-before-start (4) outside the same windows a start is issued only where the other machine
//                     has the resource cleanly stopped (or only a dead daemon's leftovers, which
//                     duplicate-address detection refuses).
//   deaf-yield        while every link loses one direction and some link works the other way, a
//                     resource runs on both machines for at most D + 2K + 2·N·S + 4·serial + 500
//                     (a direction counts as working only once a node restarted without its state
//                     file was accepted by its peer: until then its frames are dropped as old).
//   standby-trap      a standby nobody's operator asked for excuses no group that runs nowhere
//                     after the final calm.
// Under drift, exactly-one means what drift.ts says (drift-heal, drift-start, drift-owner).

import { NODES, type SimNode } from '../world.js';
import { eligibleFor, type Context } from './context.js';
import { contested, judgeDrifted, otherGroupSets } from './drift.js';

export class Holders {
  /** Resources running on both machines (not stuck), as of the machines' last change. */
  private doubles: string[] = [];
  private doubleSince = new Map<string, number>();

  constructor(private readonly c: Context) {}

  /** The machines' actual state changed: which resources run on both now. */
  machinesChanged(): void {
    const { a, b } = this.c.world.nodes;
    this.doubles = this.c.resources.filter((id) => a.running(id) && b.running(id) && !this.c.stuck(id));
  }

  /** deaf-yield, then safety (1): after every step. */
  afterStep(): void {
    const { a, b } = this.c.world.nodes;
    if (this.c.disruption.oneWay) this.checkDeafYield();
    else if (this.doubleSince.size > 0) this.doubleSince.clear();
    if (this.doubles.length === 0 || this.c.disruption.inAftermath()) return;
    for (const id of this.doubles) this.c.fail(contested(this.c.world, this.c.groupOf(id).key) ? 'drift-owner' : 'safety', `(1) ${id} runs on both nodes (a=${a.actual.get(id)}, b=${b.actual.get(id)}) while a link works both ways`);
  }

  private checkDeafYield(): void {
    const w = this.c.world;
    const since = this.c.disruption.oneWaySince;
    for (const id of this.c.resources) {
      if (!this.doubles.includes(id)) {
        this.doubleSince.delete(id);
        continue;
      }
      if (!this.doubleSince.has(id)) this.doubleSince.set(id, w.now);
      const from = Math.max(since, this.doubleSince.get(id)!);
      if (w.now - from > this.c.bounds.deafYield) {
        this.c.fail('deaf-yield', `${id} runs on both nodes for ${w.now - from} ms while one direction of every link is lost and the other works`);
        this.doubleSince.set(id, Infinity);
      }
    }
  }

  /** stop-before-start (4): `node` starts `resource`. */
  startIssued(node: SimNode, resource: string): void {
    if (this.c.disruption.inAftermath()) return;
    const peer = this.c.world.nodes[node.peer];
    // A dead daemon's leftovers: duplicate-address detection refuses the start (world.ts).
    if (peer.orphaned) return;
    if (peer.running(resource) && !this.c.stuck(resource)) this.c.fail('stop-before-start', `(4) ${node.name} starts ${resource} while ${peer.name} has it ${peer.actual.get(resource)}`);
  }

  /**
   * Every resource runs on at most one machine, and on exactly one if some node is eligible.
   * `strict`: a node in a standby its operator did not ask for counts as eligible (standby-trap).
   */
  checkExactlyOne(property: string, when: string, strict = false, onBothAtHeal: ReadonlySet<string> = new Set()): void {
    const w = this.c.world;
    const statuses = NODES.map((n) => w.nodes[n].machine!.status());
    if (statuses.some((s) => s.groups.some((g) => g.stopFailed))) return;
    // Other group sets: nothing starts by the peer's claims, so a group may rightly run nowhere;
    // but one that ran on both at the heal (split brain) ends on exactly one (drift-heal). Owner
    // lines that differ under the same keys are no excuse: the handshake runs (drift-owner).
    const drift = otherGroupSets(w);
    for (const group of w.nodes.a.config.groups) {
      const name = contested(w, group.key) ? 'drift-owner' : property;
      const eligible = statuses.some((s) => eligibleFor(s, this.c.groupStatus(s, group.key)));
      const trapped = strict && NODES.some((n, i) => {
        const s = statuses[i]!;
        return s.self.standby && this.c.watch[n].operatorStandbyAt === null && !s.self.leaving && !this.c.groupStatus(s, group.key).failedHere;
      });
      for (const r of group.resources) {
        const runners = NODES.filter((n) => w.nodes[n].running(r.id));
        if (drift) {
          judgeDrifted(this.c, when, property === 'settled', statuses, { id: r.id, group, runners: runners.length, ranOnBothAtHeal: onBothAtHeal.has(r.id), eligible });
          continue;
        }
        if (runners.length > 1) this.c.fail(name, `${when}: ${r.id} runs on both nodes`);
        if (runners.length > 0 || (!eligible && !trapped)) continue;
        const standby = `standby a=${statuses[0]!.self.standby} b=${statuses[1]!.self.standby}`;
        this.c.fail(eligible ? name : 'standby-trap', `${when}: ${r.id} runs nowhere${eligible ? '' : ` (nobody eligible but a standby the peer imposed: ${standby})`}`);
      }
    }
  }
}
