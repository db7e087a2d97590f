// Items 4 and 5 measured on running pairs: idle CPU and memory of each node's daemon (its whole
// process tree), and what the heartbeats cost on the wire: Ethernet bytes per packet sent on the
// LAN port and bytes per second on the serial line (counted by the baud relay).
// Reads /proc and interface counters of the lab it is given; touches nothing else.
import { NODES, type NodeName } from '../lab/lab-config.js';
import { LAB_NET } from '../lab/addresses.js';
import { sleep } from '../lab/process.js';
import { treeCpuSeconds, treeRssMb, processCount } from './proc-tree.js';
import type { BenchPair } from './pair.js';

export interface NodeIdleCost {
  /** CPU seconds used per minute of wall time (60 = one full core). */
  cpuSecondsPerMinute: number;
  /** The same as a share of one core, %. */
  cpuPercentOfCore: number;
  /** Highest resident set (all processes of the daemon) seen, MB. */
  rssMb: number;
  processes: number;
  /** LAN port: packets sent per second and their average size (Ethernet frame bytes). */
  lanPacketsPerSecond: number;
  lanBytesPerPacket: number;
}

export interface IdleResult {
  nodes: Record<NodeName, NodeIdleCost>;
  /** Serial line, per direction: bytes per second and the share of a 19200-baud line it fills. */
  serialBytesPerSecond: number | null;
  serialUtilisationPercent: number | null;
  serialDroppedBytes: number | null;
}

async function lanCounters(pair: BenchPair, node: NodeName): Promise<{ packets: number; bytes: number }> {
  const { stdout } = await pair.lab.nodeNs(node).exec(['cat', `/sys/class/net/${LAB_NET.lanIf}/statistics/tx_packets`, `/sys/class/net/${LAB_NET.lanIf}/statistics/tx_bytes`]);
  const [packets, bytes] = stdout.trim().split('\n').map(Number);
  return { packets: packets ?? 0, bytes: bytes ?? 0 };
}

/**
 * Idle means steady state: start-up (loading the program, the owner starting its group with its
 * burst of gratuitous ARPs) is not idle cost. Measured on this 2-core VM, a twinbeat daemon's
 * first seconds cost ~0.5 CPU s, which over a 10 s quick window read as 4 % of a core.
 */
const WARMUP_MS = 5_000;

export async function measureIdle(pairs: BenchPair[], durationMs: number, baud: number): Promise<IdleResult[]> {
  await Promise.all(pairs.map((pair) => pair.startBoth()));
  await sleep(WARMUP_MS);
  const before = await Promise.all(
    pairs.map(async (pair) => ({
      cpu: NODES.map((node) => treeCpuSeconds(pair.daemonPid(node) ?? -1)),
      lan: await Promise.all(NODES.map((node) => lanCounters(pair, node))),
      serial: pair.cable.stats(),
    })),
  );
  const started = Date.now();
  const rss = pairs.map(() => NODES.map(() => 0));
  while (Date.now() - started < durationMs) {
    for (const [i, pair] of pairs.entries()) {
      NODES.forEach((node, j) => (rss[i]![j] = Math.max(rss[i]![j]!, treeRssMb(pair.daemonPid(node) ?? -1))));
    }
    await sleep(Math.min(2_000, durationMs));
  }
  const seconds = (Date.now() - started) / 1000;
  const results: IdleResult[] = [];
  for (const [i, pair] of pairs.entries()) {
    const nodes = {} as Record<NodeName, NodeIdleCost>;
    for (const [j, node] of NODES.entries()) {
      const pid = pair.daemonPid(node) ?? -1;
      const cpu = treeCpuSeconds(pid) - before[i]!.cpu[j]!;
      const lan = await lanCounters(pair, node);
      const packets = lan.packets - before[i]!.lan[j]!.packets;
      nodes[node] = {
        cpuSecondsPerMinute: round((cpu / seconds) * 60, 3),
        cpuPercentOfCore: round((cpu / seconds) * 100, 2),
        rssMb: round(rss[i]![j]!, 1),
        processes: processCount(pid),
        lanPacketsPerSecond: round(packets / seconds, 1),
        lanBytesPerPacket: packets > 0 ? round((lan.bytes - before[i]!.lan[j]!.bytes) / packets, 1) : 0,
      };
    }
    let serialBytesPerSecond: number | null = null;
    let serialUtilisationPercent: number | null = null;
    let serialDroppedBytes: number | null = null;
    if (pair.serial) {
      const now = pair.cable.stats();
      const perDirection = Math.max(now.aToB - before[i]!.serial.aToB, now.bToA - before[i]!.serial.bToA) / seconds;
      serialBytesPerSecond = round(perDirection, 1);
      serialUtilisationPercent = round(((perDirection * 10) / baud) * 100, 1);
      serialDroppedBytes = now.dropped - before[i]!.serial.dropped;
    }
    results.push({ nodes, serialBytesPerSecond, serialUtilisationPercent, serialDroppedBytes });
  }
  return results;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
