// The latest warntime at which the duplicate-address pre-probe (src/core/dad-preprobe.ts) still
// ends before deadtime: it goes out at warntime of silence and takes tb_dad_timeout plus the time
// to run IPaddr's probe. Later than that, every takeover with the check on waits for the probe
// after deadtime (issue 13: ~15 ms at 10/50 with warntime 30). `check` advises it (a notice with
// FILE:LINE, validate.ts); the bench shares it with Heartbeat, where warntime only logs.
// Pure: constants and arithmetic.

/**
 * What the pre-probe costs beyond its ARP wait, and the tick that sends it after warntime:
 * spawn, bash, `ip`, `timeout`, `arping` start-up and exit, 12–17 ms on the 2-core lab machine
 * under load 1–4 (scripts/bench/README.md, "Takeover breakdown": armed start spawn → verdict
 * minus tb_dad_timeout), plus up to a few ms from the last frame to the tick that sees warntime.
 */
export const PRE_PROBE_ALLOWANCE_MS = 17;

/** The latest warntime whose pre-probe ends by deadtime (may be ≤ 0: none does). */
export function preProbeWarntimeMs(deadtimeMs: number, dadTimeoutMs: number): number {
  return deadtimeMs - dadTimeoutMs - PRE_PROBE_ALLOWANCE_MS;
}

/** The address scripts whose start is probed ahead (they know `probe` and `gated-start`): ours in resources.d. */
export const PROBING_SCRIPTS: readonly string[] = ['IPaddr', 'IPv6addr'];
