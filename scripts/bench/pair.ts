// One system under test running as a pair in its own lab: the lab (scripts/lab), the bench's
// serial cable, and the daemons' root PIDs (for CPU and memory accounting).
// Creates and removes its lab (namespaces, processes, run directories); touches nothing else.
import type { ChildProcess } from 'node:child_process';
import { Lab, type NodeName } from '../lab/lab.js';
import { NODES } from '../lab/lab-config.js';
import { sleep, uniquePrefix } from '../lab/process.js';
import { benchCable, type BenchCable } from './bench-cable.js';
import type { SystemUnderTest } from './systems.js';
import { configuredBaud, type Timing } from './timing.js';

export const LAB_PREFIX = 'tb7';

export interface PairOptions {
  system: SystemUnderTest;
  timing: Timing;
  /** Serial line speed; 0 = unthrottled. Ignored for systems without a serial medium. */
  baud: number;
  /** Namespace name base (default LAB_PREFIX), so concurrent users of the machine can tell theirs apart. */
  prefix?: string;
}

export class BenchPair {
  private readonly daemons = new Map<NodeName, ChildProcess>();
  /** When each node's daemon was last started (performance.now()). */
  private readonly startedAt = new Map<NodeName, number>();

  private constructor(
    readonly lab: Lab,
    readonly cable: BenchCable,
    readonly options: PairOptions,
  ) {}

  static async create(options: PairOptions): Promise<BenchPair> {
    const prefix = uniquePrefix(options.prefix ?? LAB_PREFIX);
    const cable = benchCable(options.baud, `/tmp/${prefix}`);
    let lab: Lab | undefined;
    try {
      lab = await Lab.create({ prefix, serialCable: cable.factory });
      await options.system.configure(lab, options.timing, options.system.serial ? configuredBaud(options.baud) : null);
      return new BenchPair(lab, cable, options);
    } catch (err) {
      await cable.dispose();
      await lab?.destroy();
      throw err;
    }
  }

  get serial(): boolean {
    return this.options.system.serial;
  }

  start(node: NodeName): void {
    this.daemons.set(node, this.options.system.start(this.lab, node));
    this.startedAt.set(node, performance.now());
  }

  /** Root PID of the daemon on node (its process tree is the daemon's cost). */
  daemonPid(node: NodeName): number | undefined {
    const child = this.daemons.get(node);
    return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
  }

  /** The daemon's process on node as started (running or not). */
  daemonChild(node: NodeName): ChildProcess | undefined {
    return this.daemons.get(node);
  }

  /** Long enough for the backup to have heard the primary for a while. */
  settleMs(): number {
    const { keepaliveMs, deadtimeMs } = this.options.timing;
    return Math.max(1_500, deadtimeMs + 2 * keepaliveMs);
  }

  /**
   * Waits until alpha (the preferred node) serves the floating IP and its daemon is past its
   * start-up timing (SystemUnderTest.startupMs), then lets the pair settle: the steady state
   * every power cut starts from. Without the start-up wait a restarted Heartbeat was cut about
   * 3 s after its start, inside the 5 s in which it advertises deadtime + 2 s, and its 2nd and
   * later outages came out 2 s longer than its first (README, "Heartbeat's later power cuts").
   */
  async waitForAlpha(): Promise<void> {
    await this.lab.waitForHolders(['alpha'], 60_000 + 4 * this.options.timing.deadtimeMs);
    const started = this.startedAt.get('alpha');
    const startupLeft = started === undefined ? 0 : started + this.options.system.startupMs - performance.now();
    if (startupLeft > 0) await sleep(startupLeft);
    await sleep(this.settleMs());
  }

  /** Starts both daemons and waits for the steady state. */
  async startBoth(): Promise<void> {
    for (const node of NODES) this.start(node);
    await this.waitForAlpha();
  }

  async destroy(): Promise<void> {
    await this.cable.dispose();
    await this.lab.destroy();
  }
}
