// Property family: uplink tracking (ipfail, issue 15). Why: handing groups over because of a
// ping score is a move without any failure of the pair itself; it is right only when this node's
// uplink really is worse than the live peer's, or the pair would push groups back and forth on
// equal or stale scores. Two holders from such a move are caught by safety (1, holders.ts): a
// ping change is no disruption. Test code only: touches nothing outside test/sim.
//   uplink-move       with uplink tracking (ipfail), a node hands its groups over only while its
//                     measured score is below the score its live peer announced (never on equal
//                     or unknown scores) and its ping node really is lost while the peer's is not
//                     (allowing one probe and one heartbeat of lag).

import { PING_MS, type NodeName, type SimNode } from '../world.js';
import type { Context } from './context.js';

export class Uplink {
  /** When each node's ping node last became reachable or unreachable. */
  private pingChangedAt: Record<NodeName, number> = { a: -Infinity, b: -Infinity };

  constructor(private readonly c: Context) {}

  pingChanged(node: NodeName): void {
    this.pingChangedAt[node] = this.c.world.now;
  }

  /**
   * uplink-move: a node hands its groups over only to a live peer whose announced uplink score is
   * higher than its own measured one (never on equal or unknown scores), and only while its own
   * uplink really is worse than the peer's: its ping node unreachable, the peer's reachable.
   */
  handOver(node: SimNode): void {
    const u = node.machine?.status().uplink;
    const peer = this.c.world.nodes[node.name === 'a' ? 'b' : 'a'];
    if (!u || u.self === null || u.peer === null || u.self.score >= u.peer) {
      this.c.fail('uplink-move', `${node.name} hands its groups over with uplink score ${u?.self?.score ?? 'unknown'} against the peer's ${u?.peer ?? 'unknown'}`);
    } else if (node.pingReachable || !peer.pingReachable) {
      // Scores lag reality by at most a probe and a heartbeat; a flip within that is no violation.
      const since = Math.max(this.pingChangedAt[node.name], this.pingChangedAt[peer.name]);
      if (this.c.world.now - since > 2 * this.c.world.options.keepaliveMs + PING_MS) this.c.fail('uplink-move', `${node.name} hands its groups over although its ping node is ${node.pingReachable ? 'reachable' : 'unreachable'} and the peer's ${peer.pingReachable ? 'reachable' : 'unreachable'}`);
    }
  }
}
