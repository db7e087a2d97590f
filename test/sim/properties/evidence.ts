// Property family: verdicts on the peer rest on real evidence. Why: a node that declares its peer
// dead (or deaf) on evidence it did not really observe takes resources over from a live peer; a
// long local pause or a flap's silences must not count as the peer's failure. Checked during
// disruptions too. Test code only: touches nothing outside test/sim.
//   fresh-evidence    a peer-dead verdict needs D of silence observed while awake: pauses longer
//                     than K (SIGSTOP, VM freeze) are no evidence (stall guard), during disruption too.
//   deaf-evidence     a peer-deaf verdict (one-way failure) is drawn only after the peer's frames
//                     kept arriving (no gap over W + K) for D (silence is the peer-dead rule's to
//                     judge; links dying one after the other in a flap once made it fire).

import { NODES, type NodeName, type SimNode } from '../world.js';
import type { Context } from './context.js';

/** The run of frames a node has heard from its peer. */
interface HeardRun {
  /** The peer's frames have arrived since this time without a gap longer than W + K. */
  from: number | null;
  /** The node's last-heard time as last seen. */
  seen: number | null;
}

export class Evidence {
  private heard: Record<NodeName, HeardRun> = { a: { from: null, seen: null }, b: { from: null, seen: null } };

  constructor(private readonly c: Context) {}

  /** fresh-evidence: the silence behind a peer-dead verdict was observed while awake. */
  peerDead(node: SimNode): void {
    if (node.heardAt === null) return;
    const w = this.c.world;
    const from = node.heardAt;
    const asleep = node.pauses.filter((p) => p.to - p.from > w.options.keepaliveMs).reduce((sum, p) => sum + Math.max(0, Math.min(p.to, w.now) - Math.max(p.from, from)), 0);
    const awake = w.now - from - asleep;
    if (awake < w.options.deadtimeMs) this.c.fail('fresh-evidence', `${node.name} declares its peer dead after ${awake} ms of awake silence (last heard t=${from}, ${asleep} ms paused; deadtime ${w.options.deadtimeMs})`);
  }

  /** Runs of frames heard from the peer (deaf-evidence): a gap longer than W + K starts a new run. */
  trackHeardRuns(): void {
    const w = this.c.world;
    for (const n of NODES) {
      const node = w.nodes[n];
      const run = this.heard[n];
      if (node.heardAt === run.seen) continue;
      const gap = node.heardAt === null || run.seen === null ? Infinity : node.heardAt - run.seen;
      if (gap > w.options.warntimeMs + w.options.keepaliveMs) run.from = node.heardAt;
      run.seen = node.heardAt;
    }
  }

  /**
   * deaf-evidence: a one-way verdict (peer-deaf) needs the peer's frames to have kept arriving for
   * the deadtime before it (no gap over W + K); silence, or the first frames after one, is no
   * evidence (a node paused in that time is not judged: its stall is forgiven).
   */
  peerDeaf(node: SimNode): void {
    const w = this.c.world;
    const o = w.options;
    this.trackHeardRuns();
    if (node.pausedAt !== null || node.pauses.some((p) => p.to >= w.now - 2 * o.deadtimeMs)) return;
    const from = this.heard[node.name].from;
    if (from === null || w.now - from < o.deadtimeMs) {
      this.c.fail('deaf-evidence', `${node.name} declares its peer deaf (one-way failure) although its frames arrive only since t=${from}: silence is not deafness`);
    }
  }
}
