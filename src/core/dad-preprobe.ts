// Duplicate-address detection ahead of deadtime (issue 13): while the peer is SUSPECT (alive, but
// no link has heard it for warntime), ask the edge to probe the addresses of every group the peer
// runs (IPaddr's `probe`: one ARP probe / neighbour solicitation, as its start would send). When
// the peer is then declared dead, the answer is already known:
//   no reply  → the start may skip its own duplicate-address wait (the run-resource effect carries
//               the probe's opId as `dadProbe`; the edge tells IPaddr the check is done);
//   a reply   → nothing changes: the start runs IPaddr's own check, which refuses (and the
//               takeover is retried as before) — a peer killed with -9 that still answers for
//               the address is never doubled;
//   pending   → the start waits for the answer (it is due within the probe's wait), never longer
//               than the result could be used.
// A probe result counts only while it is CURRENT: issued after the last frame heard from the peer
// (taken during this silence, not before it) and at most two deadtimes before the start. Why two:
// the probe goes out at warntime and the peer is declared dead a deadtime after its last frame —
// later when our own stalls push the deadline back (awareness.ts) — and on a loaded machine the
// probe script alone took 70 ms at deadtime 50 (measured in the lab), so one deadtime threw away
// most answers. Two deadtimes still bound the window in which a silent peer could re-add an
// address it had dropped (it would have to restart the group while cut off from us). A stale,
// positive, failed or missing result never skips anything: the start does the full check, as
// before this module existed. It is judged again at every resource the start reaches (a later
// one may start after the peer was heard again). A probe is used once: a retry after a failed
// takeover does the full check.
//
// Pure bookkeeping: no clock (time is passed in), no effects; the machine emits the probes, logs
// and decides. May touch only its own state.

/** What a probe found: `free` only when every address of the group got no reply. */
export type PreProbeResult = 'pending' | 'free' | 'in-use';

interface PreProbe {
  opId: number;
  issuedAt: number;
  result: PreProbeResult;
  /** A start has relied on it (or decided without it): no later start may. */
  used: boolean;
}

/** The oldest probe a start may rely on: two deadtimes (see above). */
export function preProbeMaxAgeMs(deadtimeMs: number): number {
  return 2 * deadtimeMs;
}

/** What a start may do about duplicate-address detection. */
export type PreProbeVerdict = { kind: 'skip'; probe: number } | { kind: 'wait' } | { kind: 'check' };

export class AddressPreProbe {
  /** The latest probe per group (configuration position). */
  private latest = new Map<number, PreProbe>();

  private maxAgeMs: number;

  constructor(deadtimeMs: number) {
    this.maxAgeMs = preProbeMaxAgeMs(deadtimeMs);
  }

  /** New timings, or groups renumbered by a reload: every probe taken so far is forgotten. */
  reconfigure(deadtimeMs: number): void {
    this.maxAgeMs = preProbeMaxAgeMs(deadtimeMs);
    this.latest.clear();
  }

  /** Taken during the current silence (after the peer was last heard) and young enough to use. */
  private current(probe: PreProbe, now: number, lastHeardAt: number): boolean {
    return probe.issuedAt > lastHeardAt && now - probe.issuedAt <= this.maxAgeMs;
  }

  /** The one rule for skipping: a current probe that got no reply. */
  private provesFree(probe: PreProbe, now: number, lastHeardAt: number): boolean {
    return probe.result === 'free' && this.current(probe, now, lastHeardAt);
  }

  /**
   * Whether group `group` (a candidate: the peer is suspect and runs it) needs a new probe now:
   * none current, or the current one answered and is past half its usable age (a peer that stays
   * suspect for long is probed again, so the answer at deadtime is young).
   */
  due(group: number, now: number, lastHeardAt: number): boolean {
    const probe = this.latest.get(group);
    if (probe === undefined || !this.current(probe, now, lastHeardAt)) return true;
    return probe.result !== 'pending' && now - probe.issuedAt > this.maxAgeMs / 2;
  }

  issued(group: number, opId: number, now: number): void {
    this.latest.set(group, { opId, issuedAt: now, result: 'pending', used: false });
  }

  /** The start of `group` used (or ignored) its probe: a later start (a retry) checks in full. */
  consume(group: number): void {
    const probe = this.latest.get(group);
    if (probe !== undefined) probe.used = true;
  }

  /** The start that relied on probe `opId` may still skip the check for its next resource. */
  usable(group: number, opId: number, now: number, lastHeardAt: number): boolean {
    const probe = this.latest.get(group);
    return probe !== undefined && probe.opId === opId && this.provesFree(probe, now, lastHeardAt);
  }

  /** The edge answered probe `opId`; returns its group, or null for a probe no longer wanted. */
  answered(opId: number, free: boolean): number | null {
    for (const [group, probe] of this.latest) {
      if (probe.opId !== opId || probe.result !== 'pending') continue;
      probe.result = free ? 'free' : 'in-use';
      return group;
    }
    return null;
  }

  /**
   * What the start of `group` may do now that the peer is dead. `peerRanIt`: the peer's last
   * status said it was running the group (held and settled): only then is "no reply" evidence
   * that its addresses are gone rather than not yet added.
   */
  verdict(group: number, now: number, lastHeardAt: number, peerRanIt: boolean): PreProbeVerdict {
    const probe = this.latest.get(group);
    if (!peerRanIt || probe === undefined || probe.used || !this.current(probe, now, lastHeardAt)) return { kind: 'check' };
    if (probe.result === 'pending') return { kind: 'wait' };
    return this.provesFree(probe, now, lastHeardAt) ? { kind: 'skip', probe: probe.opId } : { kind: 'check' };
  }
}
