// Runs a range of soak seeds and sums up what was checked; shared by soak.test.ts and the
// mutation harness (scripts/mutate-core.ts), which imports it from a mutated copy of dist/.
// Test code only: touches nothing outside test/sim.

import { Soak } from './soak.js';
import { parseHoles, type Checked, type Hole, type Outage } from './properties/index.js';

export interface SoakRange {
  /** First seed (SOAK_FROM), default 1. */
  from: number;
  /** Number of seeds (SOAK_SEEDS). */
  seeds: number;
  /** Faults per schedule (SOAK_FAULTS). */
  faults: number;
  /** Issue 12's holes whose faults and strict properties are kept (SOAK_HOLES; default: all). */
  holes?: ReadonlySet<Hole>;
  /** Stop after this many failing seeds. */
  maxFailures: number;
}

export interface SoakSummary {
  /** Seeds run (fewer than asked when maxFailures was reached). */
  ran: number;
  failingSeeds: number[];
  /** The violations of the failing seeds, each seed's list ending with its schedule. */
  violations: string[];
  checked: Checked;
  outage: Outage;
  steps: number;
  simulatedMs: number;
}

export function soakRangeFromEnv(env: NodeJS.ProcessEnv = process.env): SoakRange {
  return {
    from: Number(env['SOAK_FROM'] ?? 1),
    seeds: Number(env['SOAK_SEEDS'] ?? 10000),
    faults: Number(env['SOAK_FAULTS'] ?? 8),
    holes: parseHoles(env['SOAK_HOLES']),
    maxFailures: 20,
  };
}

export function runSoaks(range: SoakRange): SoakSummary {
  const summary: SoakSummary = { ran: 0, failingSeeds: [], violations: [], checked: { takeover: 0, heal: 0, settled: 0 }, outage: { total: 0, nobodyEligible: 0 }, steps: 0, simulatedMs: 0 };
  for (let seed = range.from; seed < range.from + range.seeds; seed++) {
    const result = new Soak(seed, { holes: range.holes }).run(range.faults);
    summary.ran += 1;
    summary.steps += result.steps;
    summary.simulatedMs += result.simulatedMs;
    for (const key of ['takeover', 'heal', 'settled'] as const) summary.checked[key] += result.checked[key];
    summary.outage.total += result.outage.total;
    summary.outage.nobodyEligible += result.outage.nobodyEligible;
    if (result.violations.length > 0) {
      summary.failingSeeds.push(seed);
      summary.violations.push(...result.violations);
      if (summary.failingSeeds.length >= range.maxFailures) break;
    }
  }
  return summary;
}
