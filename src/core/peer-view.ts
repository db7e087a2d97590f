// PeerView: what FailoverMachine knows about its peer — the newest status accepted from it, its
// liveness, whether it runs our configuration (digest), whether it still hears us (the log of our
// sent statuses against its acknowledgements: one-way failure detection) and what its claims say
// about one group. Pure bookkeeping: it returns what changed and never emits effects or logs;
// the machine decides and reports. It may touch only its own state, src/protocol's message types
// and core/claims.ts.

import { MessageType, sameGroups, type StatusMessage } from '../protocol/message.js';
import { OWN_GROUPS_ONLY, allGroups, has, isTakeoverDemand, plainGrants } from './claims.js';

export type PeerState = 'unknown' | 'alive' | 'dead';

/** What accepting a frame changed. */
export interface Accepted {
  /** The generation the peer had before, when this frame shows it restarted. */
  restartedFrom: number | null;
  /** Its claims, role, standby flag or frame type differ from the previous status. */
  claimsChanged: boolean;
}

export class PeerView {
  private latestStatus: StatusMessage | null = null;
  private stateNow: PeerState = 'unknown';
  private aliveSince: number | null = null;
  private digestMatchNow: boolean | null = null;
  /** Our digest as last compared (checkDigest), for groupsMatch. */
  private ourDigest = '';
  private deafNow = false;
  /** (seq, time) of our recent statuses, to tell whether the peer still hears us. */
  private sentLog: { seq: number; at: number }[] = [];

  /** For each group (configuration order) its bit in the peer's claims: see claims.ts wireOrder. */
  private bits: readonly number[] = [];

  /** `generation` is ours: acknowledgements are of our statuses of this generation. */
  constructor(private generation: number) {}

  /** The groups' bits on the wire, given in configuration order (again after every reload). */
  useWireOrder(bits: readonly number[]): void {
    this.bits = bits;
  }

  private bitOf(index: number): number {
    return this.bits[index] ?? index;
  }

  /**
   * We continue under a new generation (see FailoverMachine.catchUpGeneration): acknowledgements
   * of the old one no longer count, and our sent log starts again.
   */
  renumber(generation: number): void {
    this.generation = generation;
    this.sentLog = [];
  }

  /** The newest status (or goodbye) accepted from the peer, null before it was first heard. */
  get latest(): StatusMessage | null {
    return this.latestStatus;
  }

  get state(): PeerState {
    return this.stateNow;
  }

  /** Whether the peer's configuration digest equals ours; null before it was first heard. */
  get digestMatch(): boolean | null {
    return this.digestMatchNow;
  }

  /** The peer (alive) has acknowledged none of our statuses for deadtime: it cannot hear us. */
  get deaf(): boolean {
    return this.deafNow;
  }

  /** The peer left with a Goodbye (its latest frame). */
  get leftGracefully(): boolean {
    return this.latestStatus?.type === MessageType.Goodbye;
  }

  /** Accept `message` if it is newer than the latest; null when it is not (a stale frame). */
  accept(message: StatusMessage): Accepted | null {
    const before = this.latestStatus;
    if (!isNewer(before, message)) return null;
    this.latestStatus = message;
    return {
      restartedFrom: before && message.generation > before.generation ? before.generation : null,
      claimsChanged: !before || claimsChanged(before, message),
    };
  }

  /**
   * Whether the peer's digest names the same resource groups as ours (null before it was heard):
   * when not, its claims speak of other groups and nothing may move by them.
   */
  get groupsMatch(): boolean | null {
    return this.latestStatus === null || this.digestMatchNow === null ? null : this.digestMatchNow || sameGroups(this.latestStatus.configDigest, this.ourDigest);
  }

  /** Compare the latest digest with ours; returns the new match value when it changed. */
  checkDigest(ours: string): { match: boolean; before: boolean | null } | null {
    if (!this.latestStatus) return null;
    this.ourDigest = ours;
    const match = this.latestStatus.configDigest === ours;
    if (match === this.digestMatchNow) return null;
    const before = this.digestMatchNow;
    this.digestMatchNow = match;
    return { match, before };
  }

  /** Recompute liveness; returns the state it had before when it changed. */
  settle(allLinksDead: boolean, now: number): { before: PeerState } | null {
    const dead = allLinksDead || this.leftGracefully;
    const next: PeerState = dead ? 'dead' : this.latestStatus ? 'alive' : 'unknown';
    if (next === this.stateNow) return null;
    const before = this.stateNow;
    this.stateNow = next;
    this.aliveSince = next === 'alive' ? now : null;
    return { before };
  }

  /** The latest status acknowledges our status number `seq` of this generation (or a later one). */
  acknowledges(seq: number): boolean {
    const message = this.latestStatus;
    if (!message) return false;
    if (message.ackGeneration !== this.generation) return message.ackGeneration > this.generation;
    return message.ackSeq >= seq;
  }

  /** Record that we sent status `seq` at `now`. */
  sent(seq: number, now: number): void {
    this.sentLog.push({ seq, at: now });
  }

  /** Under drift: the peer's latest status says every group it holds is its own (claims.ts OWN_GROUPS_ONLY). */
  holdsOnlyOwn(): boolean {
    return this.latestStatus?.type === MessageType.Status && this.latestStatus.claims.grants === OWN_GROUPS_ONLY && this.latestStatus.drift?.readable !== true;
  }

  /**
   * Under group drift: the peer lists the same group keys as ours (its drift word carries our
   * key-set digest), so its claim bits mean our groups and only owner lines differ (drift.ts).
   */
  sameKeys(ourKeySet: number): boolean {
    return this.latestStatus?.drift?.keySet === ourKeySet;
  }

  /** Its drift word says it reads our claim bits: its grants are plain grant bits again. */
  readsOurClaims(): boolean {
    return this.latestStatus?.drift?.readable === true;
  }

  /** Its drift word says its haresources gives group `index` to itself. */
  claimsOwnership(index: number): boolean {
    const drift = this.latestStatus?.drift;
    return drift !== undefined && has(drift.owned, this.bitOf(index));
  }

  /**
   * One-way failure detection: the peer's acks tell us which of our statuses it has received. If
   * it has not received anything we sent deadtime ago or later, it cannot hear us and will
   * declare us dead (if it has not already). Returns the new deafness when it changed.
   * `heardSince`: since when the peer's frames have been arriving without a gap of warntime (null:
   * not heard now). A missing ack is evidence only from frames the peer sent while it could have
   * heard the status we ask about: a peer that says nothing acknowledges nothing either, and the
   * first frames after a silence acknowledge what it heard before it. Silence (every link cut, or
   * a flap: the links dying one after the other) is the peer-dead rule's to judge, not a one-way
   * failure (a flapping link made the owner yield its own healthy group). A verdict drawn on
   * evidence stands through a later silence.
   */
  updateDeafness(now: number, deadtimeMs: number, heardSince: number | null): boolean | null {
    const horizon = now - deadtimeMs;
    while (this.sentLog.length > 1 && this.sentLog[1]!.at <= horizon) this.sentLog.shift();
    const reference = this.sentLog[0];
    // Only a peer we have heard for a whole deadtime counts: a peer just back from the dead (or
    // from a partition) naturally acknowledges old frames in its first statuses.
    const heardLongEnough = this.aliveSince !== null && this.aliveSince <= horizon;
    const evidence = this.deafNow || (heardSince !== null && reference !== undefined && heardSince <= reference.at);
    const deaf = evidence && this.stateNow === 'alive' && heardLongEnough && reference !== undefined && reference.at <= horizon && !this.acknowledges(reference.seq);
    if (deaf === this.deafNow) return null;
    this.deafNow = deaf;
    return deaf;
  }

  // Claims of the latest status, for the group at configuration position `index`. They read the
  // latest frame whatever the liveness: callers check `state` first where it matters.

  /** The peer plainly grants group `index` and does not hold it. */
  declines(index: number): boolean {
    const claims = this.latestStatus?.claims;
    return claims !== undefined && has(plainGrants(claims.wants, claims.grants), this.bitOf(index)) && !has(claims.holds, this.bitOf(index));
  }

  /** The peer holds group `index`. */
  holds(index: number): boolean {
    const claims = this.latestStatus?.claims;
    return claims !== undefined && has(claims.holds, this.bitOf(index));
  }

  /** The peer's latest status demands every one of `groupCount` groups (operator takeover). */
  demandsTakeover(groupCount: number): boolean {
    const claims = this.latestStatus?.claims;
    return claims !== undefined && isTakeoverDemand(claims.wants, claims.grants, groupCount);
  }

  /** The peer's latest status plainly grants every one of `groupCount` groups and holds none (it yielded everything). */
  grantsEverything(groupCount: number): boolean {
    const claims = this.latestStatus?.claims;
    return claims !== undefined && claims.holds === 0 && plainGrants(claims.wants, claims.grants) === allGroups(groupCount);
  }

  /** The peer is in standby or leaving: it takes nothing. */
  unavailable(): boolean {
    const latest = this.latestStatus;
    return latest !== null && (latest.standby || latest.role === 'leaving');
  }
}

function isNewer(latest: StatusMessage | null, message: StatusMessage): boolean {
  if (!latest) return true;
  // Frames of an older generation are in-flight leftovers of the peer's previous life (the
  // replay window normally drops them first): they keep the link alive, their claims are stale.
  if (message.generation !== latest.generation) return message.generation > latest.generation;
  return message.seq > latest.seq;
}

function claimsChanged(before: StatusMessage, after: StatusMessage): boolean {
  const x = before.claims;
  const y = after.claims;
  const driftChanged = before.drift?.readable !== after.drift?.readable || before.drift?.keySet !== after.drift?.keySet || before.drift?.owned !== after.drift?.owned;
  return before.type !== after.type || before.role !== after.role || before.standby !== after.standby || x.holds !== y.holds || x.wants !== y.wants || x.grants !== y.grants || driftChanged;
}
