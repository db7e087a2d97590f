// Heartbeat's time values (cluster-glue cl_misc.c:cl_get_msec()): a bare number is seconds and
// may have a fraction; `ms`/`msec` are milliseconds, `us`/`usec` microseconds. twinbeat also
// takes an explicit `s`. Anything else is rejected rather than guessed. Pure.

export type DurationResult = { ok: true; ms: number } | { ok: false; expected: string };

const unitMs: Record<string, number> = { '': 1000, s: 1000, ms: 1, msec: 1, us: 0.001, usec: 0.001 };

export const durationExpectation = 'a duration (seconds, or a number with ms, s or us)';

export function parseDuration(text: string): DurationResult {
  const match = /^(\d+(?:\.\d*)?|\.\d+)([a-z]*)$/i.exec(text);
  const factor = match ? unitMs[match[2]!.toLowerCase()] : undefined;
  if (!match || factor === undefined) return { ok: false, expected: durationExpectation };
  const ms = Number(match[1]) * factor;
  if (!Number.isFinite(ms)) return { ok: false, expected: durationExpectation };
  return { ok: true, ms };
}

/** The shortest exact way to write a millisecond count back: `2s`, `1.5s`, `200ms`. */
export function formatDuration(ms: number): string {
  if (ms >= 1000 && Number.isInteger(ms / 10)) return `${ms / 1000}s`;
  if (Number.isInteger(ms)) return `${ms}ms`;
  return `${Math.round(ms * 1000)}us`;
}
