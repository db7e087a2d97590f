// Who holds a group while the peer's configuration lists other resource groups (configuration
// drift: the group part of the two digests differs, so neither node can read the other's claim
// bits: a bit is a group's rank among the SENDER's keys, see claims.ts). Pure: a function of what
// the machine knows; machine.ts asks it instead of desired.ts while drifted() holds. Touches
// nothing but its arguments.
//
// Nothing moves by a drifted peer's grants (a grant could name another group). What both nodes
// can read is one word each sends instead of its grant bits (claims.ts OWN_GROUPS_ONLY): "every
// group I hold is one my haresources gives me", and whether it holds anything at all. So:
// - a group we own runs here: started once the peer holds only its own groups (then it holds
//   none of ours: this is how both nodes come up together, each starting its own at once), kept
//   while it runs;
// - a group we hold but do NOT own (haresources names the peer first: a takeover while the peer
//   was dead or away, or a split brain) goes back to its owner once the owner is alive, available
//   and stable (heard for a deadtime: damping, as desired.ts): we stop it, our word then says
//   "own groups only", and the owner starts it. That ends a split brain (after the heal each side
//   would keep its copy forever) and brings a restarted owner its groups back, stop before start;
// - a peer in standby or stopping takes nothing: we keep what we hold and start any group while it
//   holds nothing;
// - a peer that cannot hear us (one-way failure) and holds groups took over what it lists: we
//   yield what we hold (we cannot read which), as desired.ts does for the groups it holds.
// A dead peer is taken over as usual (not drift: no claims needed).
//
// Known limits (the wire names no group under drift, so a node cannot tell a group of the peer's
// from one of its own): if the two configurations name different owners for the same group, both
// owners run it (or, if each names the other, neither does) until the configurations agree; a
// group our haresources gives to the peer but the peer does not list runs nowhere once the peer is
// back (after a partition we ran it); a copy given back to an owner that failed this group, or
// that is isolated, runs nowhere. `status` shows the drift as a problem (`configuration drift` in
// every group's reason, config-drift in the log).

import type { Holder } from './desired.js';

export interface DriftInput {
  /** The group is started, starting or stopping here. */
  selfHolds: boolean;
  /** Our haresources lists this node first for the group. */
  selfIsOwner: boolean;
  /** The peer's latest status holds at least one group (whichever: its bits cannot be read). */
  peerHoldsAny: boolean;
  /** The peer is in standby or stopping: it takes nothing. */
  peerUnavailable: boolean;
  /** The peer's latest status says every group it holds is its own (PeerView.holdsOnlyOwn). */
  peerHoldsOnlyOwn: boolean;
  /** The peer has not acknowledged our frames for deadtime: it declared us dead (one-way failure). */
  peerDeaf: boolean;
  /** The peer has been heard continuously for a deadtime (damping: see desired.ts rule 5). */
  peerStable: boolean;
}

export function driftHolder(input: DriftInput): { holder: Holder; why: string } {
  const decide = (holder: Holder, why: string) => ({ holder, why: `configuration drift: ${why}` });
  if (input.peerDeaf && input.peerHoldsAny && input.selfHolds) return decide('peer', 'the peer cannot hear us and holds groups (it took over what it lists)');
  if (input.selfIsOwner) {
    if (input.selfHolds) return decide('self', 'ours, kept where it runs until both nodes run the same configuration');
    if (input.peerHoldsOnlyOwn && !input.peerDeaf) return decide('self', 'ours, and the peer holds only its own groups');
  }
  if (input.peerUnavailable && (input.selfHolds || !input.peerHoldsAny)) return decide('self', 'the peer is in standby or stopping');
  if (!input.selfHolds) return decide('none', 'no group moves by the peer\'s claims until both nodes run the same configuration');
  if (input.peerStable) return decide('peer', 'its owner is alive, available and stable: our copy goes back');
  return decide('self', 'the owner is not yet stable (damping)');
}
