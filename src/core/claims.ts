// Helpers for the Claims bit sets of StatusMessage. A group's bit is its rank in the order of
// group keys (wireOrder), not its line in haresources: two nodes whose haresources list the same
// groups in a different order still mean the same group by the same bit. Nodes whose group sets
// differ have different config digests, and the machine moves nothing by their claims.
//
// One combination has a meaning of its own: a group that is BOTH in `wants` and in `grants` is
// a takeover demand ("operator ran `takeover` on me: please enter standby"). A normal node never
// wants and grants the same group (grant means "the desired holder is you"), so the combination
// is unambiguous; a plain grant is therefore `grants & ~wants`.
// Per-group operator moves (placements.ts) use two more combinations: wants+grants on SOME bits
// is a per-group demand ("my operator moved this group here"), and holds+grants without wants an
// offer ("my operator moved it to you; I keep it running until you want it").
//
// Under configuration drift (other group sets: bits unreadable) a node's grants carry one
// readable word instead: OWN_GROUPS_ONLY (all 32 bits) when every group it holds is one its own
// haresources gives it, else 0 (see drift.ts). A drifted receiver reads no grant bit.
// Unless only the owners differ: both nodes then list the same keys (equal keySetDigest, carried
// in the drift word of every drifted frame), so every bit means the same group on both, and the
// claims are plain bits again (drift.ts "Owners only").

export const bit = (index: number): number => (1 << index) >>> 0;

export const has = (set: number, index: number): boolean => ((set >>> index) & 1) === 1;

/** Under drift, the grants word of a node that holds only groups it owns (drift.ts). */
export const OWN_GROUPS_ONLY = 0xffffffff;

export const allGroups = (count: number): number => (count >= 32 ? 0xffffffff : bit(count) - 1) >>> 0;

/**
 * For each group (in configuration order) the bit that stands for it on the wire: its rank when
 * the keys are sorted. Keys are unique within a configuration; equal keys keep their order.
 */
export function wireOrder(keys: readonly string[]): number[] {
  const ranked = keys.map((key, position) => ({ key, position })).sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : x.position - y.position));
  const bits = new Array<number>(keys.length);
  ranked.forEach((entry, rank) => (bits[entry.position] = rank));
  return bits;
}

/** Groups the sender plainly grants (not part of a takeover demand). */
export const plainGrants = (wants: number, grants: number): number => (grants & ~wants) >>> 0;

/** True when the claims carry a takeover demand for every group. */
export const isTakeoverDemand = (wants: number, grants: number, groupCount: number): boolean =>
  groupCount > 0 && (wants & grants) >>> 0 === allGroups(groupCount);

/**
 * A 24-bit digest of a configuration's group keys, whatever their order (FNV-1a over the sorted
 * keys): two nodes with equal digests give every group the same claim bit (wireOrder). Not a
 * security measure (frames are signed): it tells apart honest configurations.
 */
export function keySetDigest(keys: readonly string[]): number {
  let hash = 0x811c9dc5;
  for (const char of [...keys].sort().join('\n')) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash ^ (hash >>> 24)) & 0xffffff;
}
