// Property family: per-group moves (issue 15: `move GROUP NODE`, `standby GROUP`, `clear GROUP`,
// also on both nodes at once; only with the moves hole on, holes.ts). Why: a move the operators
// agree on is an order; once the pair is calm the group must be where they sent it whenever that
// node can run it. Test code only: touches nothing outside test/sim.
//   move-honoured     after the final calm, a group that the operators moved (one move, or moves
//                     that agree on the node) runs on that node when both are up and it is
//                     eligible there (not in standby, not failed there, not isolated, not yielding
//                     to the peer's takeover, no takeover demand pending on the other); both nodes
//                     moving it "here" at once: on a, first by name. Moves both "away" are checked
//                     only by `settled` (exactly one holder: the one that had it keeps it).

import { NODES, type NodeName } from '../world.js';
import type { Context } from './context.js';

/** move-honoured, after the final calm (both nodes up). */
export function checkMovesHonoured(c: Context): void {
  const w = c.world;
  const statuses = NODES.map((n) => w.nodes[n].machine!.status());
  if (statuses.some((s) => s.groups.some((g) => g.stopFailed) || s.peer.state !== 'alive' || s.configDigestMatch === false)) return;
  for (const group of w.nodes.a.config.groups) {
    const moves = NODES.map((n, i) => ({ by: n, to: c.groupStatus(statuses[i]!, group.key).placement?.node ?? null })).filter((m) => m.to !== null);
    if (moves.length === 0) continue;
    const agree = moves.every((m) => m.to === moves[0]!.to);
    const bothHere = moves.length === 2 && moves.every((m) => m.to === m.by);
    if (!agree && !bothHere) continue;
    const target = (agree ? moves[0]!.to : 'a') as NodeName;
    const t = statuses[NODES.indexOf(target)]!;
    const other = statuses[NODES.indexOf(target === 'a' ? 'b' : 'a')]!;
    if (t.self.standby || t.self.leaving || other.self.leaving || t.takeoverGate === 'isolated' || c.groupStatus(t, group.key).failedHere) continue;
    if (t.self.deferringToPeer === 'peer-takeover' || other.takeoverDemandPending || t.takeoverDemandPending) continue;
    for (const r of group.resources) {
      if (!w.nodes[target].running(r.id)) c.fail('move-honoured', `settled after 30 s of calm: ${group.key} was moved to ${target} (${moves.map((m) => `by ${m.by} to ${m.to}`).join(', ')}) and ${target} can run it, but ${r.id} does not run there`);
    }
  }
}
