// Item 1: the client-observed outage when the primary loses power. Repeatedly: the lab's probe
// asks the floating IP who serves it every 5 ms, alpha's power is cut (Lab.powerOff: SIGKILL of
// everything in its namespace, LAN cable unplugged, serial line quiet), the longest silence the
// client saw is recorded, alpha is powered on again and the service comes home (auto_failback on
// / keepalived preemption) before the next repetition, which starts only once the pair is back in
// the steady state of the first (pair.ts, waitForAlpha: past the restarted daemon's start-up).
import { sleep } from '../lab/process.js';
import type { BenchPair } from './pair.js';

/** How often the probe asks: fine enough to resolve a 50 ms target. */
export const PROBE_INTERVAL_MS = 5;

export interface OutageRun {
  outagesMs: number[];
  /** Repetitions where the failover did not happen or the client never saw it. */
  failures: string[];
}

/** `note` hears what happens when (wall clock), to match against a daemon's own log. */
export async function measureOutages(pair: BenchPair, repetitions: number, note: (what: string) => void = () => undefined): Promise<OutageRun> {
  const { lab } = pair;
  const run: OutageRun = { outagesMs: [], failures: [] };
  await pair.startBoth();
  for (let i = 0; i < repetitions; i++) {
    // The cut must find the backup passive, or the "outage" would be a flap that already happened.
    await lab.waitForHolders(['alpha'], 5_000);
    const probe = await lab.startProbe({ intervalMs: PROBE_INTERVAL_MS });
    await sleep(500);
    note(`repetition ${i + 1}: power cut at ${new Date().toISOString()}`);
    await lab.powerOff('alpha');
    let tookOver = true;
    await lab.waitForHolders(['bravo'], pair.options.timing.deadtimeMs + 20_000).catch(() => (tookOver = false));
    await sleep(300);
    const report = await probe.stop();
    const sawBravo = report.switches.some((s) => s.from === 'alpha' && s.to === 'bravo');
    if (tookOver && sawBravo) run.outagesMs.push(Math.round(report.longestGapMs * 10) / 10);
    else run.failures.push(`repetition ${i + 1}: ${tookOver ? 'the client never heard bravo' : 'bravo did not take over'}`);
    note(`repetition ${i + 1}: outage ${run.outagesMs.at(-1) ?? '-'} ms; alpha powered on at ${new Date().toISOString()}`);
    await lab.powerOn('alpha', { daemon: false });
    pair.start('alpha');
    await pair.waitForAlpha();
    note(`repetition ${i + 1}: alpha serves again, settled at ${new Date().toISOString()}`);
  }
  return run;
}
