// Item 3: false takeovers. Every pair soaks at the same time under the same conditions: CPU
// stress (stress-ng, more workers than cores, in a namespace of its own so every worker is found
// and killed) and 5 % loss on each node's LAN port. A false takeover is the backup acquiring the
// floating IP while the primary's daemon is alive.
import { availableParallelism } from 'node:os';
import { Netns } from '../lab/netns.js';
import { sleep, uniquePrefix } from '../lab/process.js';
import { addEgressLoss, droppedPackets } from './loss.js';
import { watchAcquisitions } from './takeover-watch.js';
import { LAB_PREFIX, type BenchPair } from './pair.js';

export const LOSS_PERCENT = 5;

export interface SoakResult {
  falseTakeovers: number;
  /** When they happened, seconds into the soak. */
  atSeconds: number[];
  /** The primary's daemon died during the soak (then a takeover is no false one). */
  primaryDied: boolean;
  lossDropped: number;
}

/** stress-ng workers: more than cores, so the daemons compete for CPU with runnable hogs. */
export function stressWorkers(): number {
  return availableParallelism() * 2;
}

export async function soak(pairs: BenchPair[], durationMs: number): Promise<SoakResult[]> {
  await Promise.all(pairs.map((pair) => pair.startBoth()));
  for (const pair of pairs) for (const node of ['alpha', 'bravo'] as const) await addEgressLoss(pair.lab.nodeNs(node), LOSS_PERCENT);
  const watches = pairs.map((pair) => watchAcquisitions(pair.lab, 'bravo'));
  const stressNs = await Netns.create(`${uniquePrefix(LAB_PREFIX)}-s`);
  try {
    stressNs.spawn(['stress-ng', '--cpu', String(stressWorkers()), '--timeout', `${Math.ceil(durationMs / 1000) + 30}s`]);
    await sleep(durationMs);
  } finally {
    await stressNs.destroy();
  }
  const results: SoakResult[] = [];
  for (const [i, pair] of pairs.entries()) {
    const watch = watches[i]!;
    await watch.stop();
    const atSeconds = watch.acquisitions().map((ms) => Math.round(ms / 100) / 10);
    const lossDropped = (await droppedPackets(pair.lab.nodeNs('alpha'))) + (await droppedPackets(pair.lab.nodeNs('bravo')));
    results.push({ falseTakeovers: atSeconds.length, atSeconds, primaryDied: pair.daemonPid('alpha') === undefined, lossDropped });
  }
  return results;
}
