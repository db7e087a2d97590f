// Who should hold a group. Both nodes evaluate the same rules on what they know (their own state
// and the peer's latest status); where their views differ for a moment, safety still comes from
// the want/grant handshake in machine.ts, never from this function agreeing. Pure.

/** ha.cf auto_failback as the core runs it (`legacy`: nice_failback's behaviour, see README). */
export type AutoFailback = 'on' | 'off' | 'legacy';

export type Holder = 'self' | 'peer' | 'none';

export interface DesiredInput {
  /** The group's preferred node is this node. */
  selfIsOwner: boolean;
  /** We may run the group: not standby, not leaving, not isolated, not failed here for it. */
  selfEligible: boolean;
  /** The peer is alive (some link up), past its start-up, and its status is known. */
  peerAlive: boolean;
  /** The peer said it is in standby or leaving (or in a state that cannot take groups). */
  peerUnavailable: boolean;
  /** The peer's latest status plainly grants the group (it thinks we should hold it). */
  peerDeclines: boolean;
  /** The peer demands every group (operator takeover on the peer). */
  peerDemands: boolean;
  /**
   * We leave the groups the peer holds where they are: we yielded to its takeover, or our
   * operator ran `online` (not persisted; lapses when the peer dies, leaves or enters standby).
   */
  selfDefers: boolean;
  /** The peer has been heard continuously for a deadtime (damping: see rule 5). */
  peerStable: boolean;
  /** The peer has not acknowledged our frames for deadtime: it cannot hear us (one-way failure). */
  peerDeaf: boolean;
  selfHolds: boolean;
  peerHolds: boolean;
  autoFailback: AutoFailback;
}

/**
 * The rules, first match wins:
 * 1. peer not alive → self if eligible, else nobody;
 * 2. self not eligible → peer;
 *    the peer cannot hear us and holds the group → peer (it believes we are dead and will keep it
 *    whatever we do: yielding ends the double holding instead of waiting for the link to heal);
 * 3. peer unavailable (standby/leaving) or it declines the group → self;
 * 4. the peer demands everything (its operator ran takeover) → peer; we defer to it (we yielded
 *    to its takeover, or `online` here) and it holds the group → peer;
 * 5. policy: auto_failback on/legacy → the owner; off → the current single holder (sticky),
 *    else the owner. Damping: a group we alone hold does not fail back to a peer that is not yet
 *    stable (heard continuously for a deadtime); a flapping peer would otherwise be handed the
 *    group on every brief return. A double holding is never damped (rule 5 still picks one).
 */
export interface Decision {
  holder: Holder;
  /** The rule that decided, for status and logs. */
  reason: string;
}

export function desiredHolder(input: DesiredInput): Decision {
  const decide = (holder: Holder, reason: string): Decision => ({ holder, reason });
  if (!input.peerAlive) return input.selfEligible ? decide('self', 'peer not alive') : decide('none', 'peer not alive and we are not eligible');
  if (!input.selfEligible) return decide('peer', 'we are not eligible');
  if (input.peerDeaf && input.peerHolds) return decide('peer', 'the peer cannot hear us and holds it');
  if (input.peerUnavailable) return decide('self', 'the peer is in standby or leaving');
  if (input.peerDeclines) return decide('self', 'the peer declines it');
  if (input.peerDemands) return decide('peer', 'the peer demands a takeover');
  // Only what the peer holds: a group it holds nowhere falls to the policy below, on which both
  // nodes agree (deferring to it as well would make the two nodes chase each other's claims).
  if (input.selfDefers && input.peerHolds) return decide('peer', 'we defer to the peer (its takeover, or online here)');
  const owner: Holder = input.selfIsOwner ? 'self' : 'peer';
  if (input.autoFailback !== 'off') {
    if (owner === 'peer' && input.selfHolds && !input.peerHolds && !input.peerStable) return decide('self', 'failback waits until the peer is stable');
    return decide(owner, `auto_failback ${input.autoFailback}: the owner`);
  }
  if (input.selfHolds && !input.peerHolds) return decide('self', 'auto_failback off: we hold it');
  if (input.peerHolds && !input.selfHolds) return decide('peer', 'auto_failback off: the peer holds it');
  return decide(owner, 'auto_failback off: the owner');
}
