// Property family: drift, the two nodes' haresources disagree (issue 12, hole 4). Why: a peer
// that lists other groups cannot be read by its claims, so nothing starts by them, and a group
// may rightly run nowhere; what must still hold is that drift never leaves two copies behind and
// never freezes a group both nodes agree on. The "exactly one" checks at heals and after the
// calm (holders.ts) ask this file what drift changes. Test code only: touches nothing outside
// test/sim.
//   drift-heal        the two nodes list other resource groups (drift in the group set): after a
//                     heal (and after the final calm) no resource runs on both, and one that ran on
//                     both at the heal (split brain) runs on exactly one (nothing starts by a drifted
//                     peer's claims, so "runs nowhere" is otherwise excused).
//   drift-start       other group sets: after the final calm (both nodes up) a group both nodes
//                     list with the same owner does not run nowhere while that owner is eligible
//                     (before, a cold start of both with drift started nothing at all).
//   drift-owner       the two haresources list the same groups but name different owners for one
//                     (owners-only drift: each names itself, or each names the other): that
//                     contested group never runs on both nodes while a link works both ways (past
//                     the heal bound, as safety (1)), and at a heal or settled check it runs on
//                     exactly one node when one is eligible (src/core/drift.ts "Owners only": the
//                     agreed owner is the first node name, a). Owners-only drift gets every other
//                     check too (heal, settled), unlike other group sets. (Judged where safety and
//                     exactly-one are, holders.ts, under this name.)

import { NODES, World, type NodeName } from '../world.js';
import { sameGroups } from '../../../src/protocol/message.js';
import type { CoreStatus } from '../../../src/core/status.js';
import { eligibleFor, type Context } from './context.js';

/**
 * Owners-only drift: both nodes list group `key` (and the same keys), their owner lines differ.
 * Its owner is then the first node name on both (src/core/drift.ts agreedOwner).
 */
export function contested(world: World, key: string): boolean {
  const { a, b } = world.nodes;
  const ownerOn = (groups: readonly { key: string; owner: string }[]) => groups.find((g) => g.key === key)?.owner;
  return sameKeySets(world) && ownerOn(a.config.groups) !== ownerOn(b.config.groups);
}

/** Both configurations list the same group keys (any order): claim bits readable both ways. */
function sameKeySets(world: World): boolean {
  const keys = (n: NodeName) => world.nodes[n].config.groups.map((g) => g.key).sort().join('\n');
  return keys('a') === keys('b');
}

/** The owner both nodes act on: a's owner line, or under owners-only drift the first node name. */
export function agreedOwner(world: World, key: string, owner: string): string {
  return contested(world, key) ? NODES[0]! : owner;
}

/**
 * Other group sets: nothing starts by the peer's claims. Owner lines that differ under the same
 * keys are not this: the handshake runs (drift-owner).
 */
export function otherGroupSets(world: World): boolean {
  return !sameGroups(world.nodes.a.config.configDigest, world.nodes.b.config.configDigest) && !sameKeySets(world);
}

/** One resource at a heal or settled check while the nodes list other group sets. */
export interface DriftedResource {
  id: string;
  group: { key: string; owner: string };
  /** How many machines run it. */
  runners: number;
  /** It ran on both at the heal (split brain). */
  ranOnBothAtHeal: boolean;
  /** Some node is eligible for its group. */
  eligible: boolean;
}

/**
 * drift-heal, drift-start: under other group sets a resource runs on at most one machine, one
 * that ran on both at the heal ends on exactly one, and after the calm (`settled`) a group with
 * an eligible agreed owner runs somewhere.
 */
export function judgeDrifted(c: Context, when: string, settled: boolean, statuses: CoreStatus[], r: DriftedResource): void {
  if (r.runners > 1) c.fail('drift-heal', `${when}: ${r.id} runs on both nodes (other group sets)`);
  if (r.runners === 0 && r.ranOnBothAtHeal && r.eligible) c.fail('drift-heal', `${when}: ${r.id} ran on both at the heal and now runs nowhere (other group sets)`);
  // Both nodes up after the calm, the group listed by both with this owner: an eligible owner
  // runs it, or the peer kept it (an all-zero claim set starts it, src/core/drift.ts).
  if (r.runners === 0 && settled && ownerEligible(c, statuses, r.group)) c.fail('drift-start', `${when}: ${r.id} runs nowhere though its owner ${r.group.owner} is up and eligible (other group sets)`);
}

/** Both nodes list `group` with the same owner, and that owner is up and eligible for it. */
function ownerEligible(c: Context, statuses: CoreStatus[], group: { key: string; owner: string }): boolean {
  const w = c.world;
  if (!NODES.every((n) => w.nodes[n].up && w.nodes[n].config.groups.some((g) => g.key === group.key && g.owner === group.owner))) return false;
  const s = statuses[NODES.indexOf(group.owner as NodeName)]!;
  return eligibleFor(s, c.groupStatus(s, group.key));
}
