// Property family: liveness, something runs every resource in time. Why: a pair that is never
// wrong by never starting anything is useless; these checks bound how long a node death or a
// healed disruption may leave resources down (the bounds: bounds.ts). They excuse many
// situations, so each counts how often it was really evaluated (Checked), and the soak fails
// when too few were. Test code only: touches nothing outside test/sim.
//   takeover          (2) a node down (killed, graceful stop) and staying down: the survivor runs
//                     everything within D + 2K + T + 100 + 2·N·S if it stayed eligible (a node
//                     in its operator's standby is not excused: its peer's death cancels standby,
//                     Heartbeat semantics; a failed mark at ANY time in the window excuses it: a retry clears the mark but starts
//                     a deadtime later; a daemon killed with -9 leaves its resources running, so
//                     there is nothing to take over).
//   heal              (3) a disruption ended with both nodes up: within 2K + 4·serial + 3·N·S + D
//                     every resource runs exactly once (when someone is eligible; + D: damping
//                     fails a group back to a returning peer only once it was heard for a deadtime).
//   settled           after 30 s of calm every resource runs exactly once.
//   notify-delay      a hung notification hook (local/remote-failure) excuses neither a late
//                     takeover nor a start on stale ping evidence (notifications never sit in front
//                     of the takeover path; the second half is judged with isolated, gate.ts).

import { NODES, type NodeName } from '../world.js';
import { notifierHungSince, type Context } from './context.js';
import type { Holders } from './holders.js';

export interface Checked {
  takeover: number;
  heal: number;
  settled: number;
}

export class Liveness {
  readonly checked: Checked = { takeover: 0, heal: 0, settled: 0 };

  constructor(
    private readonly c: Context,
    private readonly holders: Holders,
  ) {}

  /** `node` went down (crash or graceful stop): the survivor must take over. */
  nodeDown(node: NodeName): void {
    const w = this.c.world;
    const survivor = w.nodes[node === 'a' ? 'b' : 'a'];
    const commUp = survivor.machine !== null && survivor.machine.status().peer.state !== 'unknown';
    const incarnation = w.nodes[node].incarnation;
    const at = w.now;
    w.schedule(this.c.bounds.takeover, () => this.checkTakeover(node, incarnation, commUp, at));
  }

  /** Links were healed; if that ended a disruption, check the pair heals. */
  healed(wasDisrupted: boolean): void {
    const w = this.c.world;
    if (wasDisrupted && !this.c.disruption.disrupted()) {
      this.c.disruption.lastDisruptedAt = w.now;
      const at = w.now;
      const onBoth = new Set(this.c.resources.filter((id) => NODES.every((n) => w.nodes[n].running(id))));
      w.schedule(this.c.bounds.heal, () => this.checkHeal(at, onBoth));
    }
  }

  /** (2) Called TAKEOVER bound after `dead` went down. */
  private checkTakeover(dead: NodeName, deadIncarnation: number, survivorCommUp: boolean, downAt: number): void {
    const w = this.c.world;
    const survivor = w.nodes[dead === 'a' ? 'b' : 'a'];
    if (w.nodes[dead].incarnation !== deadIncarnation || w.nodes[dead].up || w.nodes[dead].orphaned) return;
    if (!survivor.up || !survivor.machine || !survivorCommUp || this.c.lastTouched[survivor.name] >= downAt - 1) return;
    const watch = this.c.watch[survivor.name];
    // A failed mark at any time in the window: cleared by a retry, it still delays the takeover.
    if (watch.failedMarkAt >= downAt) return;
    const hungNotifier = notifierHungSince(survivor, downAt);
    if (survivor.hookHungUntil >= downAt && !(this.c.holes.has('notify') && hungNotifier)) return;
    const s = survivor.machine.status();
    // A node in standby is not excused: the death or stop of its peer cancels standby.
    if (s.self.leaving || s.takeoverGate === 'isolated') return;
    if (s.groups.some((g) => g.failedHere || g.stopFailed)) return;
    this.checked.takeover += 1;
    const property = hungNotifier ? 'notify-delay' : 'takeover';
    for (const id of this.c.resources) if (!survivor.running(id)) this.c.fail(property, `(2) ${dead} down since t=${downAt}: ${survivor.name} does not run ${id} after ${this.c.bounds.takeover} ms`);
  }

  /** (3) Called HEAL bound after a disruption ended at `healedAt`. */
  private checkHeal(healedAt: number, onBothAtHeal: ReadonlySet<string>): void {
    const w = this.c.world;
    if (this.c.disruption.lastDisruptedAt > healedAt) return;
    if (NODES.some((n) => this.c.lastTouched[n] >= healedAt - this.c.bounds.heal || !w.nodes[n].up || !w.nodes[n].machine)) return;
    this.checked.heal += 1;
    this.holders.checkExactlyOne('heal', `(3) ${this.c.bounds.heal} ms after the heal at t=${healedAt}`, false, onBothAtHeal);
  }

  /** settled, after the final calm: false (nothing checked) unless both nodes are up. */
  checkSettled(): boolean {
    const w = this.c.world;
    if (!NODES.every((n) => w.nodes[n].up)) return false;
    this.checked.settled += 1;
    this.holders.checkExactlyOne('settled', 'settled after 30 s of calm', this.c.holes.has('standby'));
    return true;
  }
}
