// The time bounds the soak's properties allow, derived from a world's timing options. One place,
// so a property file and the README state the same numbers. Test code only: touches nothing
// outside test/sim.
//
// Notation: K = keepalive, D = deadtime, S = the longest script run, N = number of resources,
// T = the non-owner's tie delay K + D/2.

import { LINK_DELAY_MS, type WorldOptions } from '../world.js';

export interface Bounds {
  heal: number;
  takeover: number;
  deafYield: number;
  tie: number;
  standby: number;
}

export function boundsFor(o: WorldOptions, resources: number): Bounds {
  const maxScript = Math.max(o.scriptMs.start, o.scriptMs.stop, o.scriptMs.monitor) + o.scriptJitterMs;
  const tie = o.keepaliveMs + Math.floor(o.deadtimeMs / 2);
  return {
    // + D: damping lets a group fail back to a returning peer only once it was heard for a deadtime.
    heal: 2 * o.keepaliveMs + 4 * LINK_DELAY_MS.serial + 3 * resources * maxScript + o.deadtimeMs,
    takeover: o.deadtimeMs + 2 * o.keepaliveMs + tie + 100 + 2 * resources * maxScript,
    deafYield: o.deadtimeMs + 2 * o.keepaliveMs + 2 * resources * maxScript + 4 * LINK_DELAY_MS.serial + 500,
    tie,
    standby: 3 * resources * maxScript + 500,
  };
}
