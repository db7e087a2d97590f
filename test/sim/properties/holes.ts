// Issue 12's holes as a switch of the soak (SOAK_HOLES): which of the faults and strict
// properties added for them (all fixed) a run keeps. The default soak keeps every one; for
// comparison, SOAK_HOLES keeps only the listed ones (a comma list, or `none`):
//   standby (holes 1, 2)  property standby-trap (holders.ts).
//   generation (hole 3)   fault: a node restarts without its state file (a lower generation).
//   drift (hole 4)        fault: node b lists the haresources lines in reverse order (odd seeds)
//                         or another group set (even seeds: an extra group owned by a or b);
//                         else sometimes owner lines that differ (soak.ts conflictingOwners):
//                         property drift-owner (drift.ts).
//   notify (hole 7)       property notify-delay (liveness.ts, gate.ts).
//   flap (hole 10)        properties flap-damping and flap-owner (flap.ts).
//   moves (issue 15)      fault: per-group move/standby/clear commands (also on both nodes at
//                         once); property move-honoured (moves.ts).
// Test code only: touches nothing outside test/sim.

export type Hole = 'standby' | 'generation' | 'drift' | 'notify' | 'flap' | 'moves';
export const HOLES: readonly Hole[] = ['standby', 'generation', 'drift', 'notify', 'flap', 'moves'];

/** SOAK_HOLES: unset, `1` or `all` = every hole (the default soak); `none` or `0` = none; else a comma list. */
export function parseHoles(value: string | undefined): ReadonlySet<Hole> {
  if (value === undefined || value === '' || value === '1' || value === 'all') return new Set(HOLES);
  if (value === '0' || value === 'none') return new Set();
  const names = value.split(',').map((v) => v.trim());
  const unknown = names.filter((n) => !(HOLES as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`SOAK_HOLES: unknown hole(s) ${unknown.join(', ')}; known: ${HOLES.join(', ')}`);
  return new Set(names as Hole[]);
}
