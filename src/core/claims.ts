// Helpers for the Claims bit sets of StatusMessage (bit i = group i in haresources order).
//
// One combination has a meaning of its own: a group that is BOTH in `wants` and in `grants` is
// a takeover demand ("operator ran `takeover` on me: please enter standby"). A normal node never
// wants and grants the same group (grant means "the desired holder is you"), so the combination
// is unambiguous; a plain grant is therefore `grants & ~wants`.

export const bit = (index: number): number => (1 << index) >>> 0;

export const has = (set: number, index: number): boolean => ((set >>> index) & 1) === 1;

export const allGroups = (count: number): number => (count >= 32 ? 0xffffffff : bit(count) - 1) >>> 0;

/** Groups the sender plainly grants (not part of a takeover demand). */
export const plainGrants = (wants: number, grants: number): number => (grants & ~wants) >>> 0;

/** True when the claims carry a takeover demand for every group. */
export const isTakeoverDemand = (wants: number, grants: number, groupCount: number): boolean =>
  groupCount > 0 && (wants & grants) >>> 0 === allGroups(groupCount);
