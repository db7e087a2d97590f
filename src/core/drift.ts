// Who holds a group while the peer's configuration lists other resource groups (configuration
// drift: the group part of the two digests differs). Pure: functions of what the machine knows;
// machine.ts asks them instead of desired.ts (other keys) or beside it (owners only) while the
// drift lasts. Touches nothing but its arguments.
//
// Every frame sent under group drift carries a drift word (src/protocol/message.ts DriftWord):
// a 24-bit digest of the sender's group KEYS (claims.ts keySetDigest), the claim bits of the
// groups its haresources gives the sender, and whether it reads our bits. Two kinds of drift:
//
// Owners only (the same keys: only owner lines, or the resources after the key, differ). A claim
// bit is a group's rank among the keys (claims.ts wireOrder), so every bit means the same group
// on both nodes: the want/grant handshake runs as without drift (desired.ts, placements, damping),
// with one change: the owner is the one both nodes agree on (agreedOwner): the node both
// configurations name; where they name different owners (each names itself, or each names the
// other) the node whose name sorts first. So a contested group runs once, on one node, and never
// nowhere while both are available. The bits are read only when BOTH words say "same keys":
// a node that has our word sends plain grants (readable) at once, but starts nothing new until
// the peer's word says it reads ours (then a grant it sends is a real grant); until then the
// rules below apply, minus their starts (a round trip at the drift's start).
//
// Other keys (a group only one node lists, or another key set): neither node can read the other's
// claim bits (a bit is a rank among the SENDER's keys). Nothing moves by a drifted peer's grants
// (a grant could name another group). What both nodes can read is one word each sends instead of
// its grant bits (claims.ts OWN_GROUPS_ONLY): "every group I hold is one my haresources gives me",
// and whether it holds anything at all. So (driftHolder):
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
// A dead peer is taken over as usual (not drift: no claims needed). Under either kind the
// operator's standby, takeover and per-group moves are refused, and a peer's demand is not honoured.
//
// Known limits (other keys only: the wire names no group then, so a node cannot tell a group of
// the peer's from one of its own): a group both key sets list but whose owners differ runs on
// both owners (or, if each names the other, on neither) until the configurations agree; a group
// our haresources gives to the peer but the peer does not list runs nowhere once the peer is back
// (after a partition we ran it); a copy given back to an owner that failed this group, or that is
// isolated, runs nowhere. Owners only: a 24-bit key-set digest that collides for two different key
// sets (one in 16 million) would read bits of other groups. `status` shows the drift as a problem
// (`configuration drift` in every group's reason, config-drift in the log).

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

export interface OwnerClaims {
  self: string;
  peer: string;
  /** Our haresources names us owner of the group. */
  selfClaims: boolean;
  /** The peer's haresources names the peer owner of the group (its drift word). */
  peerClaims: boolean;
}

/**
 * Owners only drift: the group's owner as both nodes see it. Each node evaluates it with the roles
 * swapped, so both reach the same node: the one both configurations name, else (both claim it,
 * or neither does) the node whose name sorts first.
 */
export function agreedOwner(input: OwnerClaims): Holder {
  if (input.selfClaims !== input.peerClaims) return input.selfClaims ? 'self' : 'peer';
  return input.self < input.peer ? 'self' : 'peer';
}

/** The status text for a group under owners-only drift: what each side's haresources says, and who owns it now. */
export function ownersDriftWhy(selfClaims: boolean, peerClaims: boolean, owner: string): string {
  const how = selfClaims === peerClaims ? (selfClaims ? 'both haresources name their own node owner' : 'each haresources names the other node owner') : 'both haresources name the same owner';
  return `configuration drift (same group keys): ${how}; owner ${owner}${selfClaims === peerClaims ? ' (the first node name)' : ''}`;
}
