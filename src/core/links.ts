// Per-link liveness, as Heartbeat judges it (HEARTBEAT.md §5.3-5.4) but per medium: a link is
// `up` while the peer's status frames arrive on it, `late` once nothing came for warntime,
// `dead` once nothing came for deadtime. Before the peer is first heard on a link the link is
// `init`: it becomes dead after initdead from our start — or after deadtime once the peer has
// been heard on another link (start-up is over; a link that never worked must not delay the
// detection of the peer's death by initdead). The PEER is dead only when every
// link is dead: one dead link is a warning, never a reason to move resources.

export type LinkState = 'init' | 'up' | 'late' | 'dead';

export interface LinkView {
  name: string;
  state: LinkState;
  /** Monotonic ms of the last frame heard on this link, or null. */
  lastHeardAt: number | null;
  /** The medium itself reported down (device vanished, socket error). */
  mediumUp: boolean;
  mediumReason: string;
}

/** One state change, for the machine to turn into a log line. */
export interface LinkChange {
  link: string;
  from: LinkState;
  to: LinkState;
  /** Silence that caused the change, ms (0 for `up`). */
  silentMs: number;
}

interface Timing {
  warntimeMs: number;
  deadtimeMs: number;
  initdeadMs: number;
}

interface TrackedLink extends LinkView {
  /** Reference point for silence: last heard, or our start (shifted by local stalls). */
  since: number;
}

export class LinkTracker {
  private links = new Map<string, TrackedLink>();
  /** The peer has been heard on some link: initdead no longer applies to links still in init. */
  private heardEver = false;

  constructor(
    names: readonly string[],
    now: number,
    private timing: Timing,
  ) {
    for (const name of names) this.add(name, now);
  }

  private add(name: string, now: number): void {
    this.links.set(name, { name, state: 'init', lastHeardAt: null, mediumUp: true, mediumReason: '', since: now });
  }

  /** Adopt new timings and link names (config reload); known links keep their state. */
  reconfigure(names: readonly string[], now: number, timing: Timing): void {
    this.timing = timing;
    for (const name of names) if (!this.links.has(name)) this.add(name, now);
    for (const name of [...this.links.keys()]) if (!names.includes(name)) this.links.delete(name);
  }

  /** A frame from the peer arrived on `name`. Unknown link names are ignored (returns null). */
  heard(name: string, now: number): LinkChange | null {
    const link = this.links.get(name);
    if (!link) return null;
    const from = link.state;
    this.heardEver = true;
    link.lastHeardAt = now;
    link.since = now;
    link.state = 'up';
    return from === 'up' ? null : { link: name, from, to: 'up', silentMs: 0 };
  }

  medium(name: string, up: boolean, reason: string): boolean {
    const link = this.links.get(name);
    if (!link || (link.mediumUp === up && link.mediumReason === reason)) return false;
    link.mediumUp = up;
    link.mediumReason = reason;
    return true;
  }

  /** Advance time: returns the links that became late or dead. */
  tick(now: number): LinkChange[] {
    const changes: LinkChange[] = [];
    for (const link of this.links.values()) {
      const silentMs = now - link.since;
      const next = this.stateAfter(link.state, silentMs);
      if (next !== link.state) {
        changes.push({ link: link.name, from: link.state, to: next, silentMs });
        link.state = next;
      }
    }
    return changes;
  }

  private stateAfter(state: LinkState, silentMs: number): LinkState {
    if (state === 'init') return silentMs >= (this.heardEver ? this.timing.deadtimeMs : this.timing.initdeadMs) ? 'dead' : 'init';
    if (state === 'dead') return 'dead';
    if (silentMs >= this.timing.deadtimeMs) return 'dead';
    if (silentMs >= this.timing.warntimeMs) return 'late';
    return state;
  }

  /** The earliest time at which tick() would change some link's state (Infinity: none). */
  nextChangeAt(): number {
    let at = Infinity;
    for (const link of this.links.values()) {
      const after = this.silenceBeforeNextState(link.state);
      if (after !== null) at = Math.min(at, link.since + after);
    }
    return at;
  }

  private silenceBeforeNextState(state: LinkState): number | null {
    if (state === 'init') return this.heardEver ? this.timing.deadtimeMs : this.timing.initdeadMs;
    if (state === 'up') return Math.min(this.timing.warntimeMs, this.timing.deadtimeMs);
    if (state === 'late') return this.timing.deadtimeMs;
    return null;
  }

  /** Our own process stalled for `ms`: that time is not evidence against the peer. */
  extend(ms: number): void {
    for (const link of this.links.values()) if (link.state !== 'dead') link.since += ms;
  }

  /** True when every link is dead: the only condition under which the peer is dead. */
  allDead(): boolean {
    for (const link of this.links.values()) if (link.state !== 'dead') return false;
    return this.links.size > 0;
  }

  /** True once some link has heard the peer and is not dead. */
  anyHeard(): boolean {
    for (const link of this.links.values()) if (link.state === 'up' || link.state === 'late') return true;
    return false;
  }

  views(): LinkView[] {
    return [...this.links.values()].map(({ since: _since, ...view }) => ({ ...view }));
  }
}
