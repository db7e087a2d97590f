// One direction of a paced serial line (pure: no I/O, time passed in), used by the baud relay.

export interface RelayStats {
  aToB: number;
  bToA: number;
  dropped: number;
}

/** One direction of the line: a bounded transmit buffer drained at the line rate. */
export class PacedDirection {
  private queue: Buffer[] = [];
  private queued = 0;
  private credit = 0;
  forwarded = 0;
  dropped = 0;

  constructor(
    private readonly bytesPerMs: number,
    private readonly bufferBytes: number,
    private readonly write: (chunk: Buffer) => void,
  ) {}

  private isCut = false;

  /** A cut line carries nothing and forgets what was in flight. */
  setCut(cut: boolean): void {
    this.isCut = cut;
    this.queue = [];
    this.queued = 0;
    this.credit = 0;
  }

  push(data: Buffer): void {
    if (this.isCut) return;
    if (this.bytesPerMs === Infinity) {
      this.forwarded += data.length;
      this.write(data);
      return;
    }
    const room = this.bufferBytes - this.queued;
    const kept = data.subarray(0, Math.max(0, room));
    this.dropped += data.length - kept.length;
    if (kept.length === 0) return;
    this.queue.push(kept);
    this.queued += kept.length;
  }

  /** Sends what the line could have carried in elapsedMs; an idle line saves no credit. */
  drain(elapsedMs: number): void {
    if (this.queued === 0) {
      this.credit = 0;
      return;
    }
    this.credit += elapsedMs * this.bytesPerMs;
    let budget = Math.floor(this.credit);
    if (budget === 0) return;
    this.credit -= budget;
    const out: Buffer[] = [];
    while (budget > 0 && this.queue.length > 0) {
      const head = this.queue[0] as Buffer;
      const take = Math.min(budget, head.length);
      out.push(head.subarray(0, take));
      if (take === head.length) this.queue.shift();
      else this.queue[0] = head.subarray(take);
      budget -= take;
      this.queued -= take;
    }
    const chunk = Buffer.concat(out);
    this.forwarded += chunk.length;
    this.write(chunk);
  }
}
