// Uplink tracking (Heartbeat's ipfail, keepalived's track_interface): pure decision logic, no
// I/O, time injected. Touches nothing but its own state; machine.ts feeds it and asks it.
//
// The score of a node is what it reaches of its uplink: ping nodes (a ping_group counts as one)
// that answered the last probe, plus tracked interfaces that are up. Each node measures its own
// (the edge answers the same `ping-probe` effect the takeover gate uses) and announces it in its
// heartbeats; a peer that announces none (older twinbeat, uplink tracking off there, or no probe
// finished yet) has an UNKNOWN score, and nothing ever moves on an unknown score.
//
// The rule (per node, about itself; the handshake in machine.ts does the moving):
//   worse      our score < the peer's, both known, the peer alive and able to take groups
//              (not in standby, not leaving);
//   hand over  worse without a break for `delayMs` (ha.cf deadping): we become ineligible for
//              every group, so desired.ts hands them to the peer through the usual
//              release-then-grant handshake (never two holders);
//   recover    not worse (equal, better, unknown) without a break for 2 × delayMs: eligible
//              again. Equal scores (both lost the same) never move anything.
// Damping: a flap shorter than the delay never moves a group; once moved, a flap shorter than
// twice the delay never moves it back. If the peer dies, leaves or enters standby while we hand
// over, the handover ends at once: availability first (a node with a bad uplink is better than
// none). An operator's `takeover` here overrides the uplink: the scores of that moment no longer
// count as worse, until either score changes (a new loss, or a recovery, is a new decision).
// A group the peer cannot take (nobody has held it for a deadtime, see `peerCannotTake`)
// is kept here until the handover ends.

export interface UplinkSettings {
  /** Uplink tracking on (`respawn … ipfail`, or tb_track_interface). Off: no probes, no score sent. */
  enabled: boolean;
  /** Worse than the peer this long before handing over (ha.cf deadping). */
  delayMs: number;
  /** How often the uplink is probed. */
  probeEveryMs: number;
}

export type UplinkState = 'off' | 'ok' | 'worse' | 'handing-over' | 'recovering';

export interface UplinkMeasurement {
  score: number;
  total: number;
  /** What failed, for status: e.g. `ping 10.0.0.1`, `interface eth1`. */
  failing: string[];
}

export interface UplinkStatus {
  state: UplinkState;
  /** Our last measured score and what it is out of; null until the first probe finished. */
  self: UplinkMeasurement | null;
  /** The score the peer last announced; null: unknown (never moves anything). */
  peer: number | null;
  /** When the current state began (core time). */
  since: number;
  /** Why the state is what it is, in words (also the reason a move happened or will happen). */
  why: string;
  /** The last handover this node made, for status and metrics. */
  lastHandover: { at: number; why: string } | null;
  handovers: number;
}

/** What can change; the machine logs each as the event `uplink-<change>`. */
export const UPLINK_CHANGES = ['worse', 'better-again', 'hand-over', 'recovering', 'recovered', 'cancelled'] as const;
export type UplinkChange = { kind: (typeof UPLINK_CHANGES)[number]; why: string };

export class UplinkTracker {
  private state: UplinkState;
  private since: number;
  private why = '';
  private own: UplinkMeasurement | null = null;
  private peerScore: number | null = null;
  private probeOutstanding = false;
  private nextProbeAt: number;
  private lastHandover: UplinkStatus['lastHandover'] = null;
  private handovers = 0;
  /** Scores (`ours/peer's`) an operator's takeover accepted as they were; null: none. */
  private overridden: string | null = null;
  /** Groups the peer could not take during this handover: kept here (see file comment). */
  private refused = new Set<string>();

  constructor(private settings: UplinkSettings, now: number) {
    this.state = settings.enabled ? 'ok' : 'off';
    this.since = now;
    this.nextProbeAt = now;
  }

  reconfigure(settings: UplinkSettings, now: number): void {
    this.settings = settings;
    if (!settings.enabled) this.enter('off', now, 'uplink tracking is off');
    else if (this.state === 'off') this.enter('ok', now, 'no score difference');
  }

  /** A probe finished. total 0 with something configured means the probe itself failed: unknown. */
  measured(measurement: UplinkMeasurement | null): void {
    this.probeOutstanding = false;
    if (this.settings.enabled) this.own = measurement;
  }

  /** Our score as announced in heartbeats (null: unknown or tracking off). */
  announced(): number | null {
    return this.settings.enabled && this.own !== null ? this.own.score : null;
  }

  /** A probe should be asked for now (call probeSent() when it is). */
  probeDue(now: number): boolean {
    return this.settings.enabled && !this.probeOutstanding && now >= this.nextProbeAt;
  }

  probeSent(now: number): void {
    this.probeOutstanding = true;
    this.nextProbeAt = now + this.settings.probeEveryMs;
  }

  nextWakeAt(): number {
    if (!this.settings.enabled) return Infinity;
    const probe = this.probeOutstanding ? Infinity : this.nextProbeAt;
    if (this.state === 'worse') return Math.min(probe, this.since + this.settings.delayMs);
    if (this.state === 'recovering') return Math.min(probe, this.since + 2 * this.settings.delayMs);
    return probe;
  }

  /**
   * Re-evaluate with what we know of the peer. `peerScore` null: unknown; `peerCanTake` false:
   * the peer is dead, unknown, in standby or leaving.
   */
  update(now: number, peer: { score: number | null; canTake: boolean }): UplinkChange | null {
    this.peerScore = peer.score;
    if (!this.settings.enabled) return null;
    const self = this.own?.score ?? null;
    const scores = `${self}/${peer.score}`;
    if (this.overridden !== null && this.overridden !== scores) this.overridden = null;
    const worse = peer.canTake && self !== null && peer.score !== null && self < peer.score && this.overridden === null;
    const overridden = this.overridden === null ? '' : ' (accepted by an operator takeover until a score changes)';
    const comparison = `our uplink score ${self ?? 'unknown'}, ${peer.canTake ? `the peer's ${peer.score ?? 'unknown'}` : 'the peer cannot take groups'}${overridden}`;
    switch (this.state) {
      case 'ok':
        if (worse) return this.enter('worse', now, `${comparison}: handing over in ${this.settings.delayMs} ms unless it recovers`, 'worse');
        this.why = peer.score === null ? `${comparison}: nothing moves on an unknown score` : comparison;
        return null;
      case 'worse':
        if (!worse) return this.enter('ok', now, comparison, 'better-again');
        if (now - this.since < this.settings.delayMs) return null;
        this.handovers += 1;
        this.lastHandover = { at: now, why: `${comparison} for ${Math.round(now - this.since)} ms` };
        return this.enter('handing-over', now, `${comparison}: groups handed to the peer`, 'hand-over');
      case 'handing-over':
        if (!peer.canTake) return this.enter('ok', now, `${comparison}: handover ended, keeping the groups here`, 'cancelled');
        if (!worse) return this.enter('recovering', now, `${comparison}: eligible again after ${2 * this.settings.delayMs} ms without a worse score`, 'recovering');
        return null;
      case 'recovering':
        if (!peer.canTake) return this.enter('ok', now, `${comparison}: handover ended, keeping the groups here`, 'cancelled');
        if (worse) {
          this.state = 'handing-over';
          this.since = now;
          this.why = `${comparison}: groups handed to the peer`;
          return null;
        }
        if (now - this.since < 2 * this.settings.delayMs) return null;
        return this.enter('ok', now, comparison, 'recovered');
      case 'off':
        return null;
    }
  }

  /**
   * Our own process stalled (machine.ts forgiveLocalStall): the time spent "worse" passed while we
   * were not looking, and the peer's score we compare with may be as old as the stall (its newer
   * frames are still queued). A pending handover waits a full delay again from now.
   */
  stalled(now: number): void {
    this.since = this.state === 'worse' ? now : this.since;
  }

  /** The operator ran takeover here: the scores as they are now do not move our groups away. */
  operatorTakeover(now: number): UplinkChange | null {
    if (!this.settings.enabled) return null;
    this.overridden = `${this.own?.score ?? null}/${this.peerScore}`;
    if (this.state === 'ok') return null;
    return this.enter('ok', now, 'operator takeover: the uplink scores as they are move nothing until one changes', 'cancelled');
  }

  /** Why we must not hold `group` now (we hand our groups over), or null. */
  handsOver(group: string): string | null {
    if (this.state !== 'handing-over' && this.state !== 'recovering') return null;
    if (this.refused.has(group)) return null;
    return `uplink worse than the peer's (${this.own?.score ?? '?'} < ${this.peerScore ?? '?'})`;
  }

  /** Nobody held `group` for a deadtime while we handed it over: keep it here until the handover ends. */
  peerCannotTake(group: string): boolean {
    if (this.handsOver(group) === null) return false;
    this.refused.add(group);
    return true;
  }

  status(): UplinkStatus {
    return { state: this.state, self: this.own, peer: this.peerScore, since: this.since, why: this.why, lastHandover: this.lastHandover, handovers: this.handovers };
  }

  private enter(state: UplinkState, now: number, why: string, kind?: UplinkChange['kind']): UplinkChange | null {
    this.state = state;
    this.since = now;
    this.why = why;
    if (state === 'ok' || state === 'off') this.refused.clear();
    return kind ? { kind, why } : null;
  }
}
