// The fastest timings this configuration's links can carry: the floor `twinbeat check` (and
// start and reload, which load the same way) puts under keepalive, warntime and deadtime. Pure:
// frame sizes come from the codec (src/protocol/frame-bound.ts), timer lateness is a measured
// constant, nothing else is consulted.
//
// The model, per link:
// - A frame's wire time on a serial line is bytes × 10 bits (8N1) / baud, for the longest frame
//   this pair can send (its node names, its group count, its signing method).
// - The frame interval: UDP sends one heartbeat per keepalive. A serial line is paced
//   (src/transport/line-pacer.ts): a frame goes out only when the previous one has left the wire,
//   and a newer one supersedes what waits. So a keepalive shorter than the wire time does not
//   overload the line; it just means the line carries a heartbeat every wire time (plus up to
//   1 ms: the pacer's flush timer rounds up to whole ms) instead of every keepalive.
// - Every timer in the chain (the sender's heartbeat tick, the pacer's flush, the receiver's
//   deadline tick) may fire late by the timer lateness L measured on the machine
//   (scripts/bench/timer-granularity.ts).
// The rules:
// - deadtime ≥ 2 × (interval + L) on every link: one lost frame never declares a link dead,
//   even when both intervals it spans run late (the pacer times each frame from the previous
//   one, so lateness adds up). Half of it is the warntime floor, so the default warntime
//   (deadtime/2) passes whenever deadtime does. A link falsely dead is not harmless: with the other link cut, it is a
//   false takeover (issue 13: 10/50 at 19200 baud).
// - warntime ≥ interval + L on every link: a link whose frames come on time never looks late.
// - keepalive ≥ max(2 × L, 5 ms + L), the local-stall guard (src/core/awareness.ts): a gap
//   between two events longer than keepalive counts as our own stall, and the loop ticks after
//   keepalive/2 of quiet (at least 5 ms); that quiet spell plus L must still fit in keepalive, or
//   ordinary timer lateness keeps forgiving the peer's silence.
import type { AuthMethod, Medium } from './types.js';
import { worstCaseFrameBytes } from '../protocol/frame-bound.js';
import { formatDuration } from './duration.js';

/**
 * setTimeout lateness (ms) the floor allows for, by scheduling class: the p99 measured with
 * scripts/bench/timer-granularity.ts (delays 1, 5, 10, 20 ms, 3-4 s each) on the 2-core build
 * machine while ~7 other engineers kept it busy (load average 7-9):
 * - SCHED_FIFO (`realtime on`, the default; `--realtime`): p99 0.15-0.31 ms idle and 0.08-0.21 ms
 *   with a busy normal-priority process per core; p99.9 up to 3.9 ms, max 7.5 ms. 1 ms is p99
 *   with a margin of three; one rarer late timer is what the second frame interval is for.
 * - normal priority (`realtime off`): p99 2.7-7.0 ms idle, 8.5-42.5 ms with a busy process per
 *   core. 7 ms covers the busy machine as it is; a saturated machine without realtime is what
 *   `realtime on` is for, and no floor makes it safe.
 */
export const TIMER_LATENESS_MS = { realtime: 1, normal: 7 } as const;

/**
 * The daemon loop's shortest quiet spell between ticks (src/daemon/main.ts tickPeriodMs: keepalive/2,
 * at least this): below 2 × this keepalive, the tick comes later than the stall guard's contract.
 */
export const LOOP_TICK_MIN_MS = 5;
/** The pacer's flush timer waits whole milliseconds (serial.ts: Math.ceil). */
const PACER_ROUNDING_MS = 1;
/** 8N1: start bit, 8 data bits, stop bit. */
const BITS_PER_BYTE = 10;

export interface FloorInput {
  keepaliveMs: number;
  realtime: boolean;
  nodes: readonly string[];
  groups: number;
  /** Method of the signing key (its tag length); the longest (sha256-sized) when unknown. */
  authMethod: AuthMethod | null;
  media: readonly Medium[];
}

export interface LinkCadence {
  /** How the link reads in a message: `serial /dev/ttyS0 at 19200 baud`, `ucast eth0`. */
  link: string;
  medium: Medium;
  /** Serial only: the longest frame (newline included) and its time on the wire. */
  frameBytes: number | null;
  wireMs: number | null;
  /** Time between two heartbeats on this link at the configured keepalive, before lateness. */
  intervalMs: number;
}

export interface TimingFloor {
  latenessMs: number;
  links: LinkCadence[];
  keepaliveMinMs: number;
  /** At the configured keepalive: the smallest values every link supports (whole ms, rounded up). */
  warntimeMinMs: number;
  deadtimeMinMs: number;
  /** The link that sets the deadtime floor (null with no media). */
  slowest: LinkCadence | null;
}

function describe(m: Medium): string {
  switch (m.kind) {
    case 'serial':
      return `serial ${m.device} at ${m.baud} baud`;
    case 'ucast':
      return `ucast ${m.dev} ${m.peer}`;
    case 'mcast':
      return `mcast ${m.dev} ${m.group}`;
    case 'bcast':
      return `bcast ${m.dev}`;
  }
}

/** Wire time of one frame and the interval the pacer allows at this keepalive. */
export function serialCadence(frameBytes: number, baud: number, keepaliveMs: number): { wireMs: number; intervalMs: number } {
  const wireMs = (frameBytes * BITS_PER_BYTE * 1000) / baud;
  return { wireMs, intervalMs: keepaliveMs >= wireMs ? keepaliveMs : wireMs + PACER_ROUNDING_MS };
}

export function timingFloor(input: FloorInput): TimingFloor {
  const latenessMs = input.realtime ? TIMER_LATENESS_MS.realtime : TIMER_LATENESS_MS.normal;
  const frameBytes = input.nodes.length === 0 ? 0 : worstCaseFrameBytes(input.nodes, input.groups, input.authMethod ?? 'sha256');
  const links = input.media.map((medium): LinkCadence => {
    if (medium.kind !== 'serial') return { link: describe(medium), medium, frameBytes: null, wireMs: null, intervalMs: input.keepaliveMs };
    return { link: describe(medium), medium, frameBytes, ...serialCadence(frameBytes, medium.baud, input.keepaliveMs) };
  });
  const slowest = links.reduce<LinkCadence | null>((a, b) => (a === null || b.intervalMs > a.intervalMs ? b : a), null);
  const interval = slowest?.intervalMs ?? input.keepaliveMs;
  return {
    latenessMs,
    links,
    keepaliveMinMs: Math.max(2 * latenessMs, LOOP_TICK_MIN_MS + latenessMs),
    warntimeMinMs: Math.ceil(interval + latenessMs),
    deadtimeMinMs: Math.ceil(2 * (interval + latenessMs)),
    slowest,
  };
}

export interface TimingProblem {
  directive: 'keepalive' | 'warntime' | 'deadtime';
  expected: string;
  got: string;
  hint: string;
}

/** Why the slowest link sets the floor, in words. */
function because(floor: TimingFloor, keepaliveMs: number): string {
  const slowest = floor.slowest;
  const late = `${formatDuration(floor.latenessMs)} timer lateness`;
  if (slowest === null || slowest.wireMs === null || slowest.frameBytes === null) return `a heartbeat every keepalive, ${late}`;
  const wire = `${slowest.frameBytes}-byte frames take ${slowest.wireMs.toFixed(1)} ms on ${slowest.link}`;
  return keepaliveMs >= slowest.wireMs
    ? `${wire}, a heartbeat every keepalive, ${late}`
    : `${wire}, so the line carries one every ${slowest.intervalMs.toFixed(1)} ms however short the keepalive, ${late}`;
}

/**
 * The fastest setting this configuration supports, in words: the lowest deadtime floor over the
 * keepalives worth trying (the stall guard's floor, and each serial line's wire time: a shorter
 * keepalive only makes the pacer wait for the whole-ms flush).
 */
function smallestSetting(input: FloorInput, f: TimingFloor): string {
  const candidates = [f.keepaliveMinMs, ...f.links.flatMap((l) => (l.wireMs === null ? [] : [Math.ceil(l.wireMs)]))].filter((k) => k >= f.keepaliveMinMs);
  let best = { keepaliveMs: f.keepaliveMinMs, deadtimeMs: Infinity };
  for (const keepaliveMs of candidates) {
    const deadtimeMs = timingFloor({ ...input, keepaliveMs }).deadtimeMinMs;
    if (deadtimeMs < best.deadtimeMs) best = { keepaliveMs, deadtimeMs };
  }
  return `smallest for this configuration: deadtime ${formatDuration(best.deadtimeMs)} at keepalive ${formatDuration(best.keepaliveMs)}`;
}

/**
 * The timings this configuration cannot carry, each with the smallest value that works.
 * Deadtime and warntime are judged at the configured keepalive.
 */
export function timingProblems(input: FloorInput & { warntimeMs: number; deadtimeMs: number }): TimingProblem[] {
  const floor = timingFloor(input);
  const out: TimingProblem[] = [];
  const roundedUp = (floorMs: number) => formatDuration(Math.ceil(floorMs));
  // Durations are parsed from decimal seconds (2.002 × 1000 = 2001.9999999999998): compare at
  // the microsecond resolution they are written and shown in.
  const below = (value: number, minimum: number) => Math.round(value * 1000) < minimum * 1000;
  const realtime = input.realtime ? 'under realtime (SCHED_FIFO)' : 'without realtime';
  if (below(input.keepaliveMs, floor.keepaliveMinMs)) {
    out.push({
      directive: 'keepalive',
      expected: `at least ${roundedUp(floor.keepaliveMinMs)}`,
      got: formatDuration(input.keepaliveMs),
      hint: `timers fire up to ${formatDuration(floor.latenessMs)} late ${realtime}; the local-stall guard needs keepalive/2 plus that to fit in keepalive${input.realtime ? '' : ' (realtime on allows less)'}`,
    });
  }
  const best = smallestSetting(input, floor);
  if (below(input.deadtimeMs, floor.deadtimeMinMs)) {
    out.push({
      directive: 'deadtime',
      expected: `at least ${roundedUp(floor.deadtimeMinMs)} at keepalive ${formatDuration(input.keepaliveMs)} (2 frame intervals, each with timer lateness, so one lost frame never kills a link)`,
      got: formatDuration(input.deadtimeMs),
      hint: `${because(floor, input.keepaliveMs)}; ${best}`,
    });
  }
  if (below(input.warntimeMs, floor.warntimeMinMs)) {
    out.push({
      directive: 'warntime',
      expected: `at least ${roundedUp(floor.warntimeMinMs)} at keepalive ${formatDuration(input.keepaliveMs)} (one frame interval plus timer lateness, so a link on time never looks late)`,
      got: formatDuration(input.warntimeMs),
      hint: because(floor, input.keepaliveMs),
    });
  }
  return out;
}
