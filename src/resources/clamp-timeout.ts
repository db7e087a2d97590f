// One guard for every timer the resource runner and its gated starts set from configuration or
// options. Pure: no timers of its own.

/** setTimeout fires at once for NaN or values above 2^31-1 ms; keep a bad value from doing that. */
export function clampTimeout(ms: number): number {
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 1), 2 ** 31 - 1) : 2 ** 31 - 1;
}
