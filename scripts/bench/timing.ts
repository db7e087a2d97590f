// The bench's comparable setting (heartbeat interval and dead time) and what follows from it for
// every system's configuration: the ha.cf options twinbeat and Heartbeat share and the baud
// written for a cable. Pure values: imported by systems.ts and by each system's module
// (heartbeat.ts, keepalived.ts), which systems.ts in turn imports — so it imports none of them.
import type { LabConfigOptions } from '../lab/lab-config.js';
import { directiveDefault } from '../../src/config/directives.js';
import { preProbeWarntimeMs } from '../../src/config/preprobe-warntime.js';

/** A comparable setting: heartbeat interval and dead time (keepalived: advert_int = keepalive). */
export interface Timing {
  label: string;
  keepaliveMs: number;
  deadtimeMs: number;
  /** twinbeat only: IPaddr's duplicate-address wait (tb_dad_timeout); default 100 ms. */
  dadTimeoutMs?: number;
  /** warntime for both twinbeat and Heartbeat (it only logs there); default benchWarntimeMs. */
  warntimeMs?: number;
}

/** `KEEPALIVE_MS/DEADTIME_MS` (the bench's --aggressive) as a Timing. */
export function parseTiming(label: string, text: string): Timing {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  if (!match) throw new Error(`--aggressive wants KEEPALIVE_MS/DEADTIME_MS, e.g. 20/50, not ${text}`);
  return { label, keepaliveMs: Number(match[1]), deadtimeMs: Number(match[2]) };
}

/** `100 ms / 500 ms`, `1 s / 5 s`: how the tables name a setting. */
export function timingLabel(t: Timing): string {
  const f = (ms: number): string => (ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);
  return `${f(t.keepaliveMs)} / ${f(t.deadtimeMs)}`;
}

/**
 * The `baud` written to ha.cf for a cable: the paced cable's real speed, and for the unthrottled
 * pty 115200, the fastest common RS-232 speed (a pty ignores it; twinbeat paces its frames by it).
 */
export function configuredBaud(cableBaud: number): number {
  return cableBaud === 0 ? 115200 : cableBaud;
}

/**
 * The bench's warntime: 3/5 of deadtime, or earlier when twinbeat's duplicate-address pre-probe
 * (sent at warntime of silence) would otherwise end after deadtime and hold up every takeover —
 * the latest warntime `check` advises (src/config/preprobe-warntime.ts). 10/50 with
 * tb_dad_timeout 13 ms: 20 ms instead of 30 (measured: scripts/bench/README.md, "Takeover
 * breakdown"). Heartbeat only logs at warntime, so sharing it keeps the comparison fair.
 */
export function benchWarntimeMs(timing: Timing): number {
  const threeFifths = Math.round((timing.deadtimeMs * 3) / 5);
  const dadMs = timing.dadTimeoutMs ?? directiveDefault('dadTimeout');
  const latest = preProbeWarntimeMs(timing.deadtimeMs, dadMs);
  return dadMs > 0 && latest >= 1 ? Math.min(threeFifths, latest) : threeFifths;
}

/**
 * The ha.cf settings twinbeat and Heartbeat share: the timing (warntime benchWarntimeMs, initdead twice
 * the dead time, at least 2 s), auto_failback on, ucast plus (optionally) serial at serialBaud.
 */
export function haCfOptions(timing: Timing, serialBaud: number | null): LabConfigOptions {
  return {
    keepalive: `${timing.keepaliveMs}ms`,
    deadtime: `${timing.deadtimeMs}ms`,
    warntime: `${timing.warntimeMs ?? benchWarntimeMs(timing)}ms`,
    initdead: `${Math.max(2 * timing.deadtimeMs, 2_000)}ms`,
    autoFailback: 'on',
    udp: true,
    serial: serialBaud !== null,
    baud: serialBaud ?? 19200,
  };
}
