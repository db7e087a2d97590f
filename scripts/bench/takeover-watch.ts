// Counts the times a node acquires the floating IP, from `ip -o monitor address` in its
// namespace: event-driven, so even a takeover that lasts a few milliseconds is seen, and no
// polling load is added to a machine under stress.
import type { ChildProcess } from 'node:child_process';
import { LAB_NET } from '../lab/addresses.js';
import type { Lab, NodeName } from '../lab/lab.js';

export interface TakeoverWatch {
  /** Acquisitions seen so far, with their time (ms since the watch started). */
  acquisitions(): number[];
  stop(): Promise<void>;
}

export function watchAcquisitions(lab: Lab, node: NodeName): TakeoverWatch {
  const ns = lab.nodeNs(node);
  const child: ChildProcess = ns.spawn(['ip', '-o', 'monitor', 'address'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const started = Date.now();
  const seen: number[] = [];
  let pending = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('Deleted') && line.includes(` ${LAB_NET.floating}/`)) seen.push(Date.now() - started);
    }
  });
  return {
    acquisitions: () => [...seen],
    stop: () => ns.stop(child, 'SIGTERM', 1_000),
  };
}
