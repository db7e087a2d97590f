// Property family: the takeover gate, what must come before a start on the peer's death. Why: a
// peer-dead verdict may be wrong (a cut link, a peer that only stalled); the tie delay, the ping
// nodes and fencing keep a wrong verdict from making two holders, and one fence per incident
// keeps a flapping link from shooting the peer again and again. Checked during disruptions too.
// Test code only: touches nothing outside test/sim.
//   tie-delay         the node that does not own the first group, declaring dead a peer that held
//                     nothing, starts nothing before T has passed since its verdict.
//   isolated          with ping nodes, a node that has reached none for D + K starts nothing on the
//                     peer's death (a graceful goodbye needs no arbitration: nobody else runs it).
//                     A hung notification hook excuses no start on stale ping evidence either
//                     (notify-delay, liveness.ts).
//   fence-first       with fencing, a start on the peer's death follows a successful fence issued
//                     after that verdict, or earlier in this node's life with the peer not stable
//                     since (one fence per incident; a graceful goodbye needs none).
//   one-fence         (6) after a successful fence a node (in the same life) fences its peer again
//                     only if it has seen the peer stable (heard for a deadtime) since; every third
//                     fencing schedule fences softly (the peer lives on), so flaps are exercised.

import { PING_MS, type NodeName, type SimNode } from '../world.js';
import { MessageType } from '../../../src/protocol/message.js';
import { notifierHungSince, type Context } from './context.js';

/** What the gate's properties remember about a node's current life. */
interface GateWatch {
  deadVerdictAt: number;
  fenceOkAt: number;
  pingLostAt: number;
  /** The life (incarnation) of this node in which a fence succeeded while the peer has not been stable since (one-fence). */
  fencedLife: number | null;
}

const newWatch = (): GateWatch => ({ deadVerdictAt: -Infinity, fenceOkAt: -Infinity, pingLostAt: -Infinity, fencedLife: null });

export class TakeoverGate {
  private watch: Record<NodeName, GateWatch> = { a: newWatch(), b: newWatch() };

  constructor(private readonly c: Context) {}

  peerDead(node: NodeName): void {
    this.watch[node].deadVerdictAt = this.c.world.now;
  }

  /** The incident is over: a later death needs a new fence. */
  peerStable(node: NodeName): void {
    this.watch[node].fencedLife = null;
  }

  pingLost(node: NodeName): void {
    this.watch[node].pingLostAt = this.c.world.now;
  }

  /** A group start (its first resource) on the peer's death obeys the takeover gate. */
  groupStarted(node: SimNode, key: string): void {
    const machine = node.machine;
    if (!machine || machine.status().peer.state !== 'dead') return;
    const w = this.c.world;
    const o = w.options;
    const watch = this.watch[node.name];
    const goodbye = node.heard?.type === MessageType.Goodbye;
    const peerHeldNothing = node.heard === null || node.heard.claims.holds === 0;
    const tieLoser = node.config.groups[0]!.owner !== node.name;
    if (tieLoser && peerHeldNothing && !goodbye && w.now - watch.deadVerdictAt < this.c.bounds.tie) {
      this.c.fail('tie-delay', `${node.name} starts ${key} ${w.now - watch.deadVerdictAt} ms after declaring a peer dead that held nothing (tie delay ${this.c.bounds.tie} ms)`);
    }
    // A notification hook hung in front of the gate makes its ping evidence stale (hole 7).
    const notifierHung = notifierHungSince(node, watch.deadVerdictAt);
    if (o.pingNodes && !goodbye && !node.pingReachable && w.now - watch.pingLostAt > o.deadtimeMs + o.keepaliveMs + PING_MS && (!notifierHung || this.c.holes.has('notify'))) {
      this.c.fail(notifierHung ? 'notify-delay' : 'isolated', `${node.name} starts ${key} on the peer's death while it has reached no ping node for ${w.now - watch.pingLostAt} ms`);
    }
    if (o.fence && !goodbye && watch.fenceOkAt < watch.deadVerdictAt && !this.fenceCovers(node)) {
      this.c.fail('fence-first', `${node.name} starts ${key} on the peer's death (verdict at t=${watch.deadVerdictAt}) without a successful fence since, nor one earlier in this incident`);
    }
  }

  /** one-fence (6): a node fences again only after it has seen the peer stable since its last successful fence. */
  fenceStarted(node: SimNode): void {
    if (this.fenceCovers(node)) this.c.fail('one-fence', `(6) ${node.name} fences its peer again although the peer was never stable since the last successful fence`);
  }

  hookDone(node: SimNode, hook: string, ok: boolean): void {
    if (hook !== 'fence' || !ok) return;
    this.watch[node.name].fenceOkAt = this.c.world.now;
    this.watch[node.name].fencedLife = node.incarnation;
  }

  /** A fence that succeeded in this life covers the incident until the peer was stable (takeover-gate.ts). */
  private fenceCovers(node: SimNode): boolean {
    return this.watch[node.name].fencedLife === node.incarnation;
  }
}
