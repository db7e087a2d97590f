// Figures derived from one bench run's results, for the tables: each system's configured
// detection time and what its takeover costs beyond it, and the headline comparison — the
// outage at each system's most aggressive setting that kept zero false takeovers in the soak,
// as a ratio to the best of the other systems. Pure: results in, figures out.
import { keepalivedDetectionMs } from './keepalived.js';
import type { BenchResults, CableKind, OutageEntry } from './results.js';
import type { SystemName } from './systems.js';
import type { Timing } from './timing.js';

/**
 * How long the system is configured to wait before it declares the peer dead: deadtime for
 * twinbeat and Heartbeat, the backup's Master_Down_Interval for keepalived.
 */
export function detectionMs(system: SystemName, timing: Timing): number {
  return system === 'keepalived' ? keepalivedDetectionMs(timing) : timing.deadtimeMs;
}

/** Median outage − configured detection time, ms (null: no failover measured). */
export function overheadMs(entry: OutageEntry, settings: readonly Timing[]): number | null {
  const timing = settings.find((t) => t.label === entry.setting);
  if (!timing || !entry.spread) return null;
  return entry.spread.median - detectionMs(entry.system, timing);
}

export interface HeadlineEntry {
  system: SystemName;
  /** The most aggressive setting (shortest detection time) with zero false takeovers, or null. */
  setting: string | null;
  cable: CableKind;
  /** Median outage there, ms. */
  medianMs: number | null;
  /** medianMs ÷ the best (lowest) median among the other systems. */
  ratioToBestPeer: number | null;
}

/**
 * Per system: among the settings whose soak saw no false takeover (and whose primary lived),
 * the one with the shortest detection time, and its median outage on the line the soak used
 * (19200 baud; keepalived has none).
 */
export function headline(r: BenchResults, systems: readonly SystemName[]): HeadlineEntry[] {
  const entries = systems.map((system): HeadlineEntry => {
    const cable: CableKind = system === 'keepalived' ? 'none' : '19200 baud';
    const clean = r.settings.filter((t) => r.soak.some((s) => s.system === system && s.setting === t.label && s.falseTakeovers === 0 && !s.primaryDied));
    const best = [...clean].sort((a, b) => detectionMs(system, a) - detectionMs(system, b))[0];
    const median = best ? (r.outage.find((o) => o.system === system && o.setting === best.label && o.cable === cable)?.spread?.median ?? null) : null;
    return { system, setting: best?.label ?? null, cable, medianMs: median, ratioToBestPeer: null };
  });
  for (const entry of entries) {
    const peers = entries.filter((e) => e !== entry && e.medianMs !== null).map((e) => e.medianMs as number);
    if (entry.medianMs !== null && peers.length > 0) entry.ratioToBestPeer = entry.medianMs / Math.min(...peers);
  }
  return entries;
}
