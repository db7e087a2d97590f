// Who holds a group while the peer's configuration lists other resource groups (configuration
// drift: the group part of the two digests differs, so neither node can read the other's claims:
// a claim bit is a group's rank among the SENDER's keys, see claims.ts). Pure: a function of what
// the machine knows; machine.ts asks it instead of desired.ts while drifted() holds. Touches
// nothing but its arguments.
//
// Nothing starts by a drifted peer's grants (a grant could name another group). What a node can
// read whatever the ordering is an all-zero claim set, so a group that runs nowhere starts by it:
// - a group we own (our haresources names us first) starts once the peer answered us holding
//   nothing and has seen our own answer (PeerView.answeredEmpty: both nodes wait for the other's
//   empty answer, so when they come up together each sees the other empty whoever starts first).
//   What the peer holds after such an answer it started by this same rule, its own groups, never
//   a copy of ours; a peer that answered holding groups (it took ours over while we were away)
//   keeps them, and we start nothing: no holder is worse than two, two is worse than a late owner;
// - any group starts while the peer is in standby or stopping and holds nothing (it takes none);
// - a peer that cannot hear us (one-way failure) and holds groups took over what it lists: we
//   yield what we hold, and its empty answer no longer counts (nor in our standby or stop).
// A dead peer is taken over as usual (not drift: no claims needed).
//
// One exception ends a split brain: during a partition both nodes take over (the peer is dead,
// no claims needed), and after the heal each would keep its copy forever. So: a group we hold but
// do NOT own goes back to its owner once the owner is alive, available and holds groups itself:
// it took over everything it knows on its side of the partition, so it runs its own groups again
// (damped: only once the owner has been heard for a deadtime, so a flapping link moves nothing).
// A group we own stays (the normal tie-break, the owner, applied without reading claims). A group
// only we know is ours to keep unless our haresources gives it to the peer, and then the peer
// holding groups shows it is up and running what it knows. A peer that holds nothing (it just
// restarted, standby, stopping) is never given a group this way.
//
// Known limits (the wire names no group under drift, so a node cannot tell a group of the peer's
// from one of its own): if the two configurations name different owners for the same group, both
// owners run it (or, if each names the other, neither does) until the configurations agree;
// a group our haresources gives to the peer but the peer does not list runs nowhere; after a
// restart of the owner while the peer held its groups, they stay on the peer; a copy given back
// to an owner that holds other groups but failed this one runs nowhere. `status` shows the drift
// as a problem (`configuration drift` in every group's reason, config-drift in the log).

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
  /** The peer answered us holding nothing and saw our answer (PeerView.answeredEmpty). */
  peerAnsweredEmpty: boolean;
  /** The peer has not acknowledged our frames for deadtime: it declared us dead (one-way failure). */
  peerDeaf: boolean;
  /** The peer has been heard continuously for a deadtime (damping: see desired.ts rule 5). */
  peerStable: boolean;
}

export function driftHolder(input: DriftInput): { holder: Holder; why: string } {
  if (!input.selfHolds) {
    if (input.selfIsOwner && input.peerAnsweredEmpty) return { holder: 'self', why: 'configuration drift: ours, and the peer answered holding nothing (it runs only its own groups)' };
    if (input.peerUnavailable && !input.peerHoldsAny) return { holder: 'self', why: 'configuration drift: the peer is in standby or stopping and holds nothing' };
    return { holder: 'none', why: 'configuration drift: no group moves until both nodes run the same configuration' };
  }
  // A peer that cannot hear us took over every group it lists: yield, as desired.ts does (we
  // cannot read which it holds; the machine forgets its empty answer, so we start none again).
  if (input.peerDeaf && input.peerHoldsAny) return { holder: 'peer', why: 'configuration drift: the peer cannot hear us and holds groups (it took over what it lists)' };
  // Damping as desired.ts: a flapping owner is not handed the copy back on every brief return.
  if (input.selfIsOwner || !input.peerHoldsAny || input.peerUnavailable || !input.peerStable) {
    return { holder: 'self', why: 'configuration drift: keeping it where it runs until both nodes run the same configuration' };
  }
  return { holder: 'peer', why: 'configuration drift: its owner is back and holds groups: our copy (from a split brain) goes' };
}
