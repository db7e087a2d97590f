// Property family: the operator's commands (standby, takeover, online) mean what they say. Why:
// standby is how an operator drains a node for maintenance, and takeover how they bring it back;
// a standby lost in a crash, one the core imposed by itself, or a takeover that ends in standby
// (or a race both sides lose) leaves the resources where the operator did not want them. Test
// code only: touches nothing outside test/sim.
//   standby-persisted an operator's `standby` accepted more than 3·N·S + 500 ms before a crash
//                     survives it (until that node's own `takeover` or `online`, or the death or
//                     stop of its peer, which cancels standby: Heartbeat semantics).
//   takeover-wins     an operator's `takeover` that was not raced (no other command for 2·D
//                     before it, or its node had already honoured the peer's earlier takeover),
//                     followed by no command, crash or disruption: its node is not in standby
//                     D + 2K later (a demand is honoured only if it acknowledges our own).
//   race-winner       `takeover` on both nodes at the same instant, with a working link and
//                     both seeing the other alive, nothing else happening (no failed start or
//                     stop): the node whose name sorts first holds every group
//                     the takeover bound later (a grant-all or standby the peer sent before it saw
//                     our demand is no answer to it).
//   standby-operators (5) a node's persisted standby turns on only after its own accepted `standby`
//                     command (a peer's takeover, or a takeover race, makes it yield, never standby).
// Per-group moves are moves.ts; a standby nobody asked for that strands a group is standby-trap
// (holders.ts).

import { NODES, type NodeName } from '../world.js';
import type { Context } from './context.js';

export class Operators {
  private lastCommandAt = -Infinity;
  private lastCommand: { node: NodeName; command: string } | null = null;
  /** How many commands were delivered: a watch set up before another command stands down. */
  private commands = 0;
  /** Persisted standby as last seen (standby-operators). */
  private persistedStandby: Record<NodeName, boolean> = { a: false, b: false };

  constructor(private readonly c: Context) {}

  /** An operator command was delivered; `standbyByPeer`: the node was in standby by the peer's takeover just before. */
  commanded(node: NodeName, command: string, standbyByPeer: boolean): void {
    const now = this.c.world.now;
    this.c.touch(node);
    const previous = this.lastCommandAt;
    this.lastCommandAt = now;
    this.commands += 1;
    const other = this.lastCommand;
    this.lastCommand = { node, command };
    if (command === 'takeover' && previous === now && other?.command === 'takeover' && other.node !== node) this.watchRace();
    if (command === 'takeover' && (standbyByPeer || now - previous >= 2 * this.c.world.options.deadtimeMs)) this.watchTakeover(node);
  }

  /** The node is in standby because it honoured the peer's takeover (not by its operator). */
  standbyByPeer(node: NodeName): boolean {
    const s = this.c.world.nodes[node].machine?.status();
    return s !== undefined && s.self.standby && this.c.watch[node].operatorStandbyAt === null;
  }

  /** `node` restarts without its state file: no standby persisted any more. */
  stateFileLost(node: NodeName): void {
    this.persistedStandby[node] = false;
  }

  /** standby-persisted: `node` crashed; its operator's standby must have survived in its state file. */
  crashed(node: NodeName): void {
    const w = this.c.world;
    const n = w.nodes[node];
    const since = this.c.watch[node].operatorStandbyAt;
    if (since === null || n.standby || w.now - since <= this.c.bounds.standby) return;
    if (n.pauses.some((p) => p.to >= since) || n.paused) return;
    this.c.fail('standby-persisted', `${node} crashed ${w.now - since} ms after its operator's standby, but its state file says standby=false`);
  }

  /** standby-operators (5): persisted standby turns on only after the node's own accepted standby command. */
  checkStandbyIsOperators(): void {
    for (const n of NODES) {
      const node = this.c.world.nodes[n];
      if (node.standby && !this.persistedStandby[n] && node.machine) {
        const last = node.machine.status().lastCommand;
        // Commands queued during a pause are handled in one step: a later refused one (takeover
        // during the stop that followed) is then lastCommand, but the standby was accepted now.
        const acceptedNow = this.c.watch[n].operatorStandbyAt === this.c.world.now;
        if ((last?.command !== 'standby' || !last.accepted) && !acceptedNow) this.c.fail('standby-operators', `(5) ${n} persisted standby without its own standby command (last: ${last?.command ?? 'none'})`);
      }
      this.persistedStandby[n] = node.standby;
    }
  }

  /** race-winner: both nodes just ran `takeover` at this instant. */
  private watchRace(): void {
    const w = this.c.world;
    const at = w.now;
    // A race needs two nodes that see each other: a takeover while the peer is dead or starting up demands nothing.
    const accepted = NODES.every((n) => {
      const s = w.nodes[n].machine?.status();
      return s?.lastCommand?.command === 'takeover' && s.lastCommand.accepted && s.lastCommand.at === at && s.peer.state === 'alive';
    });
    if (!accepted || this.c.disruption.disrupted()) return;
    const incarnations = NODES.map((x) => w.nodes[x].incarnation);
    const commands = this.commands;
    w.schedule(this.c.bounds.takeover, () => {
      if (this.commands !== commands || NODES.some((x, i) => w.nodes[x].incarnation !== incarnations[i] || !w.nodes[x].machine)) return;
      if (this.c.disruption.lastDisruptedAt >= at || NODES.some((x) => this.c.lastTouched[x] > at) || this.c.watch.a.failedMarkAt >= at) return;
      const winner = w.nodes.a;
      if (winner.machine!.status().groups.some((g) => g.failedHere) || NODES.some((x) => w.nodes[x].machine!.status().groups.some((g) => g.stopFailed))) return;
      // Uplink tracking moved the groups on after the race (the winner's ping node was lost): uplink-move judges that.
      const uplink = winner.machine!.status().uplink;
      if (uplink && (uplink.state === 'worse' || uplink.state === 'handing-over' || (uplink.lastHandover?.at ?? -Infinity) >= at)) return;
      for (const id of this.c.resources) if (!winner.running(id)) this.c.fail('race-winner', `takeover on both nodes at t=${at}: a, first by name, does not run ${id} ${w.now - at} ms later`);
    });
  }

  /**
   * takeover-wins: an operator takeover that was not raced (no other command for 2·D before it, or
   * the node had already honoured the peer's earlier takeover) leaves the node out of standby.
   */
  private watchTakeover(node: NodeName): void {
    const w = this.c.world;
    const at = w.now;
    const n = w.nodes[node];
    const after = n.machine?.status();
    if (!after || after.lastCommand?.command !== 'takeover' || !after.lastCommand.accepted || after.lastCommand.at !== at) return;
    if (this.c.disruption.disrupted()) return;
    const o = w.options;
    const incarnations = NODES.map((x) => w.nodes[x].incarnation);
    const commands = this.commands;
    w.schedule(o.deadtimeMs + 2 * o.keepaliveMs, () => {
      if (this.commands !== commands || NODES.some((x, i) => w.nodes[x].incarnation !== incarnations[i] || !w.nodes[x].machine)) return;
      if (this.c.disruption.lastDisruptedAt >= at || NODES.some((x) => this.c.lastTouched[x] > at)) return;
      const s = n.machine!.status();
      if (s.self.standby) this.c.fail('takeover-wins', `${node} ran takeover at t=${at} alone, with a working link, and is in standby ${w.now - at} ms later`);
    });
  }
}
