// Monotonic time for the daemon. The core never reads a clock: the loop reads this one and
// passes `now` into every event, so a wall-clock step (NTP, operator `date -s`) cannot make a
// peer look dead or alive.

export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Monotonic milliseconds (fractional), from an arbitrary origin. */
  now(): number;
  /** Call `fn` once, `ms` milliseconds from now (0: on the next turn of the event loop). */
  after(ms: number, fn: () => void): Timer;
}

const origin = process.hrtime.bigint();

/** Monotonic ms since this module was loaded; never goes backwards. */
export function monotonicNow(): number {
  return Number(process.hrtime.bigint() - origin) / 1e6;
}

export const systemClock: Clock = {
  now: monotonicNow,
  after(ms, fn) {
    if (!(ms >= 0)) throw new RangeError(`after(): expected a delay >= 0 ms, got ${ms}`);
    const handle = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(handle) };
  },
};
