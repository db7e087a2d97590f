// Local-stall guard (Lifeguard's local-health idea, Cassandra's local-pause guard): if our own
// events arrive much later than the loop promises to deliver them (event-loop stall, SIGSTOP,
// VM freeze), the silence we observed on the links was gathered while WE were not looking. We
// extend the peer's deadlines by the stall instead of condemning it on stale evidence.
//
// Contract with the loop: a tick arrives at least every keepaliveMs / 2. A gap between two
// consecutive events longer than keepaliveMs is a stall; the whole gap is forgiven.
// Pure: time is passed in.

export class StallGuard {
  private lastEventAt: number;

  constructor(now: number, private keepaliveMs: number) {
    this.lastEventAt = now;
  }

  reconfigure(keepaliveMs: number): void {
    this.keepaliveMs = keepaliveMs;
  }

  /** Record an event at `now`; returns the stall length in ms to forgive, or 0. */
  observe(now: number): number {
    const gap = now - this.lastEventAt;
    if (now > this.lastEventAt) this.lastEventAt = now;
    return gap > this.keepaliveMs ? gap : 0;
  }
}
