// Re-opening a medium that is not there yet or went away (a USB serial adapter unplugged, a
// network device without its address at boot): one attempt at a time, exponential backoff from
// `minMs` doubling to `maxMs`, quiet while failing. Links report the outage themselves (once,
// as a medium event), pass `onOpened` to report the recovery and `onFailed` to say, at a rate
// they choose, why it is still down. No I/O of its own: timers only.
//
// Every attempt ends: one that throws counts as failed, and so does one that has not settled
// after `attemptTimeoutMs` (an open stuck in the thread pool, a native callback that never
// comes). Its signal is then aborted: the link must give up whatever that attempt opens later.
// While two given-up attempts are still pending no further one starts: an open that blocks in
// the kernel holds one of libuv's four thread-pool threads, and a new attempt every few seconds
// would take them all (then the state file and status hang too). One fresh try next to one
// stuck is worth it (the stuck one may wait on the old device, the new one find the new).

export interface ReopenOptions {
  /** First delay, ms; doubled after each failed attempt. */
  minMs: number;
  /** Cap of the delay, ms: the longest a returning medium waits to be used. */
  maxMs: number;
  /** An attempt not settled after this long counts as failed, ms (default 5 s). */
  attemptTimeoutMs?: number;
}

/** One open attempt: null on success, else why it failed. `abandoned` aborts when the Reopener stops waiting for it. */
export type OpenAttempt = (abandoned: AbortSignal) => Promise<Error | null>;

const DEFAULT_ATTEMPT_TIMEOUT_MS = 5_000;
/** No new attempt starts while this many given-up ones are still pending (each may hold a thread-pool thread). */
const MAX_STUCK_ATTEMPTS = 2;

export class Reopener {
  private timer: NodeJS.Timeout | null = null;
  private delayMs: number;
  private stopped = false;
  private inFlight: AbortController | null = null;
  /** Attempts given up on (timed out) that have not settled yet. */
  private givenUpPending = 0;

  constructor(
    private readonly options: ReopenOptions,
    /** One open attempt (a rejection counts as a failure). */
    private readonly attempt: OpenAttempt,
    private readonly onOpened: () => void,
    /** Called after every failed attempt with why; the link decides what to log. */
    private readonly onFailed: (error: Error) => void = () => undefined,
  ) {
    this.delayMs = options.minMs;
  }

  /** Start trying (no-op while a try is already scheduled or running, or after stop). */
  schedule(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => void this.tryOnce(), this.delayMs);
  }

  /** The next outage starts again from the shortest delay. */
  reset(): void {
    this.delayMs = this.options.minMs;
  }

  /** A try is scheduled or running: the medium will be tried again without being asked. */
  get scheduled(): boolean {
    return this.timer !== null;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.inFlight?.abort();
    this.inFlight = null;
  }

  private async tryOnce(): Promise<void> {
    if (this.givenUpPending >= MAX_STUCK_ATTEMPTS) {
      // Not while a stuck attempt still holds a thread: look again after the delay.
      this.timer = null;
      this.schedule();
      return;
    }
    const abandon = new AbortController();
    this.inFlight = abandon;
    const error = await attemptOnce(this.attempt, abandon, this.options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS, () => {
      this.givenUpPending++;
      return () => this.givenUpPending--;
    });
    // The timer stays set during the attempt, so schedule() cannot start a second one.
    this.timer = null;
    this.inFlight = null;
    if (this.stopped) return;
    if (error) {
      this.delayMs = Math.min(this.options.maxMs, this.delayMs * 2);
      this.schedule();
      this.onFailed(error);
      return;
    }
    this.reset();
    this.onOpened();
  }
}

/**
 * One attempt's outcome, never a promise left hanging: a throw or a rejection is a failure, and
 * so is an attempt not settled after `timeoutMs` (then `abandon` is aborted, so the attempt gives
 * up what it opens later). Links use it for their first open too (exported).
 */
export function attemptOnce(
  attempt: OpenAttempt,
  abandon: AbortController,
  timeoutMs: number = DEFAULT_ATTEMPT_TIMEOUT_MS,
  /** Called when the attempt is given up; what it returns is called once that attempt settles after all. */
  onGivenUp: () => () => void = () => () => undefined,
): Promise<Error | null> {
  // An attempt that throws is a failed one: left uncaught it would keep the Reopener's timer
  // set, and schedule() would never try again (the medium stays down for good).
  const outcome = Promise.resolve()
    .then(() => attempt(abandon.signal))
    .catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  let timeout: NodeJS.Timeout | undefined;
  const givenUp = new Promise<Error>((resolve) => {
    timeout = setTimeout(() => {
      abandon.abort();
      const settledLate = onGivenUp();
      void outcome.then(settledLate);
      resolve(new Error(`the open attempt did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  return Promise.race([outcome, givenUp]).finally(() => clearTimeout(timeout));
}
