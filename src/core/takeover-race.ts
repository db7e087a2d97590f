// When is a takeover demand from the peer a RACE with our own? Pure: a function of sequence
// numbers; machine.ts (honourTakeoverDemand) asks it. Touches nothing but its arguments.
//
// Both operators ran `takeover` at about the same time: the node whose name sorts first wins,
// the other yields. While our own demand is outstanding that is plain. But a demand times out
// after a deadtime (takeover-timeout), and over slow or lossy links the peer's demand frames can
// arrive after ours expired: taken as a fresh demand, each node then yielded to the other, for
// good (both deferring, nobody ever failing back). The peer's frame says which of our statuses it
// had seen when it demanded (its ack): if that status still carried our demand, the two demands
// overlapped, and the race is decided by name whether or not ours is still outstanding. A demand
// that acknowledges a status sent after ours ended is a new one and is honoured as usual.

export interface OwnDemandSeqs {
  /** Our generation (acks of another one are not about these statuses). */
  generation: number;
  /** The first and last of our statuses that carried our latest demand (0/0: none yet). */
  firstSeq: number;
  lastSeq: number;
}

/** The peer, acknowledging our status (ackGeneration, ackSeq), had seen our demand when it sent its own. */
export function racesOurDemand(ackGeneration: number, ackSeq: number, ours: OwnDemandSeqs): boolean {
  return ours.firstSeq > 0 && ackGeneration === ours.generation && ackSeq >= ours.firstSeq && ackSeq <= ours.lastSeq;
}
