// What must happen between "the peer is dead" and "start its groups" (split-brain defence):
//
//   tie-delay  when the peer's last heartbeat held nothing (both nodes starting, or a group
//              nobody runs), the node that does not own the first haresources group waits one
//              keepalive plus half a deadtime, so when both sides lose every link at once the
//              owner starts first (and the other's duplicate-address check then sees it). When
//              the peer held groups there is no tie to break: it was the holder, and if it is in
//              fact alive behind a cut it keeps them (the duplicate-address check or a ping node
//              stops us), so waiting would only lengthen every real failover — EXCEPT with
//              fencing: both sides of a cut would fence each other at the same instant (a fence
//              race can power off both: nobody holds), so the non-winner always waits;
//   pinging    with ping nodes configured, ask the edge to probe them: none reachable means WE
//              are the isolated one — take nothing over and release what we hold (`isolated`);
//              after a local stall that left the last reachable answer older than deadtime, an
//              open gate probes again before anything starts (stalled());
//   fencing    with fencing configured, the fence hook must succeed before anything starts;
//   open       takeover may proceed.
//
// A graceful goodbye from a peer that held nothing skips all of it (nothing to fence, no tie).
// One fence per incident: a successful fence stays valid until the machine reports the peer
// stable again (heard continuously for a deadtime, peerStable()); a peer that comes back only
// briefly (a flapping link) and goes silent again is not fenced a second time (`fence-kept`).
// While the peer stays dead, ping nodes are probed again every deadtime: losing them later also
// isolates us, finding them again reopens the gate.

import type { TakeoverGateState } from './status.js';

export interface GateSettings {
  keepaliveMs: number;
  deadtimeMs: number;
  tieWinner: boolean;
  pingNodesConfigured: boolean;
  fenceBeforeTakeover: boolean;
}

export type GateAction = { kind: 'probe' } | { kind: 'fence' } | { kind: 'fence-kept' } | { kind: 'opened' } | { kind: 'isolated' } | { kind: 'rejoined' };

export class TakeoverGate {
  state: TakeoverGateState = 'closed';
  private delayUntil = 0;
  private nextProbeAt = 0;
  private probeOutstanding = false;
  private fenced = false;
  /** When a probe last found a ping node reachable (the evidence the open gate rests on). */
  private reachableAt = -Infinity;
  /** A re-probe after a local stall: a reachable answer reopens the gate quietly, without a new fence. */
  private recheck = false;

  constructor(private settings: GateSettings) {}

  reconfigure(settings: GateSettings): void {
    this.settings = settings;
  }

  tieDelayMs(): number {
    return this.settings.tieWinner ? 0 : this.settings.keepaliveMs + Math.floor(this.settings.deadtimeMs / 2);
  }

  /**
   * The peer just became dead. `goodbye`: it said so itself. `peerHeld`: its last heartbeat held
   * at least one group, so it was the holder and there is no tie to break.
   */
  peerDied(now: number, how: { goodbye: boolean; peerHeld: boolean }): GateAction[] {
    this.probeOutstanding = false;
    if (how.goodbye && !how.peerHeld) {
      this.state = 'open';
      return [{ kind: 'opened' }];
    }
    this.state = 'tie-delay';
    const tie = !how.peerHeld || this.settings.fenceBeforeTakeover;
    this.delayUntil = tie ? now + this.tieDelayMs() : now;
    return this.tick(now);
  }

  peerAlive(): void {
    this.state = 'closed';
    this.probeOutstanding = false;
    this.recheck = false;
  }

  /**
   * Our own process stalled (SIGSTOP, a frozen VM: awareness.ts). Probes run every deadtime while
   * the gate is open, but not while we were stopped: if the last reachable answer is now older
   * than deadtime, the gate waits for a fresh probe before anything starts (a takeover retry due
   * at the moment of the resume would otherwise start on evidence from before the stall, while
   * in fact we may be the isolated side).
   */
  stalled(now: number): GateAction[] {
    if (this.state !== 'open' || !this.settings.pingNodesConfigured || now - this.reachableAt <= this.settings.deadtimeMs) return [];
    this.state = 'pinging';
    this.recheck = true;
    return this.probe(now);
  }

  /** The peer has been heard continuously for a deadtime: the incident is over, a later death needs a new fence. */
  peerStable(): void {
    this.fenced = false;
  }

  tick(now: number): GateAction[] {
    if (this.state === 'tie-delay' && now >= this.delayUntil) return this.afterDelay(now);
    const probeDue = (this.state === 'open' || this.state === 'isolated') && this.settings.pingNodesConfigured;
    if (probeDue && !this.probeOutstanding && now >= this.nextProbeAt) return this.probe(now);
    return [];
  }

  private afterDelay(now: number): GateAction[] {
    if (this.settings.pingNodesConfigured) {
      this.state = 'pinging';
      return this.probe(now);
    }
    return this.fenceOrOpen();
  }

  private probe(now: number): GateAction[] {
    this.probeOutstanding = true;
    this.nextProbeAt = now + this.settings.deadtimeMs;
    return [{ kind: 'probe' }];
  }

  private fenceOrOpen(): GateAction[] {
    if (this.settings.fenceBeforeTakeover && !this.fenced) {
      this.state = 'fencing';
      return [{ kind: 'fence' }];
    }
    this.state = 'open';
    return this.settings.fenceBeforeTakeover ? [{ kind: 'fence-kept' }, { kind: 'opened' }] : [{ kind: 'opened' }];
  }

  pingResult(reachable: number, now: number): GateAction[] {
    if (!this.probeOutstanding) return [];
    this.probeOutstanding = false;
    if (this.state === 'closed') return [];
    if (reachable === 0) {
      this.recheck = false;
      const was = this.state;
      this.state = 'isolated';
      return was === 'isolated' ? [] : [{ kind: 'isolated' }];
    }
    this.reachableAt = now;
    if (this.state === 'pinging' && this.recheck) {
      this.recheck = false;
      this.state = 'open';
      return [];
    }
    if (this.state === 'pinging') return this.fenceOrOpen();
    if (this.state === 'isolated') return [{ kind: 'rejoined' }, ...this.fenceOrOpen()];
    return [];
  }

  /** The fence hook finished. On failure we wait out another tie delay and try again. */
  fenceResult(ok: boolean, now: number): GateAction[] {
    // A fence that succeeded covers the incident even when a frame sent before it arrived meanwhile.
    if (ok) this.fenced = true;
    if (this.state !== 'fencing') return [];
    if (ok) {
      this.state = 'open';
      return [{ kind: 'opened' }];
    }
    this.state = 'tie-delay';
    this.delayUntil = now + this.settings.keepaliveMs + Math.floor(this.settings.deadtimeMs / 2);
    return [];
  }

  /** When tick() next has something to do (Infinity: nothing timed pending). */
  nextWakeAt(): number {
    if (this.state === 'tie-delay') return this.delayUntil;
    const probing = (this.state === 'open' || this.state === 'isolated') && this.settings.pingNodesConfigured && !this.probeOutstanding;
    return probing ? this.nextProbeAt : Infinity;
  }

  isOpen(): boolean {
    return this.state === 'open';
  }

  isIsolated(): boolean {
    return this.state === 'isolated';
  }
}
