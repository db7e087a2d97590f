// Re-opening a medium that is not there yet or went away (a USB serial adapter unplugged, a
// network device without its address at boot): one attempt at a time, exponential backoff from
// `minMs` doubling to `maxMs`, quiet while failing. Links report the outage themselves (once,
// as a medium event) and pass `onOpened` to report the recovery.

export interface ReopenOptions {
  /** First delay, ms; doubled after each failed attempt. */
  minMs: number;
  /** Cap of the delay, ms: the longest a returning medium waits to be used. */
  maxMs: number;
}

export class Reopener {
  private timer: NodeJS.Timeout | null = null;
  private delayMs: number;
  private stopped = false;

  constructor(
    private readonly options: ReopenOptions,
    /** One open attempt: null on success, else why it failed (a rejection counts as a failure). */
    private readonly attempt: () => Promise<Error | null>,
    private readonly onOpened: () => void,
  ) {
    this.delayMs = options.minMs;
  }

  /** Start trying (no-op while a try is already scheduled or after stop). */
  schedule(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => void this.tryOnce(), this.delayMs);
  }

  /** The next outage starts again from the shortest delay. */
  reset(): void {
    this.delayMs = this.options.minMs;
  }

  get scheduled(): boolean {
    return this.timer !== null;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async tryOnce(): Promise<void> {
    // An attempt that throws is a failed one: left uncaught it would keep the timer set, and
    // schedule() would never try again (the medium stays down for good).
    const error = await this.attempt().catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
    // The timer stays set during the attempt, so schedule() cannot start a second one.
    this.timer = null;
    if (this.stopped) return;
    if (error) {
      this.delayMs = Math.min(this.options.maxMs, this.delayMs * 2);
      this.schedule();
      return;
    }
    this.reset();
    this.onOpened();
  }
}
