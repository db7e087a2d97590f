// Who holds a group while the peer's configuration lists other resource groups (configuration
// drift: the group part of the two digests differs, so neither node can read the other's claims:
// a claim bit is a group's rank among the SENDER's keys, see claims.ts). Pure: a function of what
// the machine knows; machine.ts asks it instead of desired.ts while drifted() holds. Touches
// nothing but its arguments.
//
// Nothing starts by a drifted peer's claims (a grant could name another group), so what runs
// stays where it runs, with one exception that ends a split brain: during a partition both nodes
// take over (the peer is dead, no claims needed), and after the heal each would keep its copy
// forever. So: a group we hold but do NOT own (haresources names the peer first) goes back to
// its owner once the owner is alive, available and holds groups itself: it took over everything
// it knows on its side of the partition, so it runs its own groups again. A group we own stays
// (the normal tie-break, the owner, applied without reading claims). A group only we know is ours
// to keep unless our haresources gives it to the peer, and then the peer holding groups shows it
// is up and running what it knows. The worst outcome is no holder, the second worst two: a peer
// that holds nothing (it just restarted, standby, stopping) is never given a group this way.
//
// A peer that cannot hear us (one-way failure, peer-view.ts) believes us dead and runs every group
// it knows: we yield what we hold once it holds groups, as desired.ts does without drift (its
// bits cannot be read, so a group only we know stops too and runs nowhere until the
// configurations agree: one group without a holder rather than the shared ones running twice
// for as long as the link stays one-way).
//
// Known limits: if the two configurations name different owners for the same group, both keep
// (or both give up) their copy: the owner part of haresources must agree; and a copy given back
// to an owner that holds other groups but failed this one runs nowhere until the configurations
// agree (claims that would say so cannot be read). `status` shows the
// drift as a problem (`configuration drift` in every group's reason, config-drift in the log).

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
  /** The peer has not acknowledged our frames for a deadtime: it cannot hear us (one-way failure). */
  peerDeaf: boolean;
}

export function driftHolder(input: DriftInput): { holder: Holder; why: string } {
  if (!input.selfHolds) return { holder: 'none', why: 'configuration drift: no group moves until both nodes run the same configuration' };
  // One-way failure: the peer cannot hear us, believes us dead and took over every group it
  // knows (holding groups shows it is up): the node that cannot be heard yields, as without drift.
  if (input.peerDeaf && input.peerHoldsAny && !input.peerUnavailable) {
    return { holder: 'peer', why: 'configuration drift, and the peer cannot hear us and holds groups: it took over what it knows, our copy goes' };
  }
  if (input.selfIsOwner || !input.peerHoldsAny || input.peerUnavailable) {
    return { holder: 'self', why: 'configuration drift: keeping it where it runs until both nodes run the same configuration' };
  }
  return { holder: 'peer', why: 'configuration drift: its owner is back and holds groups: our copy (from a split brain) goes' };
}
