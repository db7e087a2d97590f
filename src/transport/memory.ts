// In-process link pairs for simulation and tests, over a programmable network: loss, delay with
// jitter, duplication, reordering and one- or two-way partitions. Time belongs to the caller:
// deliveries go through an injected scheduler, so a deterministic simulation decides when (and
// in which order) frames arrive. realTimeScheduler() is the convenience for real-time tests.
// Pure: in memory, no socket or device.
import { BaseLink } from './base.js';
import type { LinkDeps } from './log.js';
import { silentLog } from './log.js';
import type { Link } from './link.js';

export interface NetworkScheduler {
  /** Run fn at absolute time atMs (same clock as now()); equal times run in scheduling order. */
  schedule(atMs: number, fn: () => void): void;
  now(): number;
  /** Uniform in [0, 1); seed it for reproducible runs. */
  random(): number;
}

export type Direction = 'a->b' | 'b->a';

export interface NetworkController {
  /** Probability that a frame is lost (each direction, each copy). */
  setDrop(p: number): void;
  /** Fixed delay plus a uniform random jitter in [0, jitterMs). */
  setDelay(ms: number, jitterMs?: number): void;
  /** Probability that a frame arrives twice. */
  setDuplicate(p: number): void;
  /** Whether frames may overtake each other when jitter makes later frames faster. Off: FIFO. */
  setReorder(allowed: boolean): void;
  /** Partition: frames in that direction (or both) are lost until heal(). */
  cut(direction: Direction | 'both'): void;
  heal(): void;
  /** Puts raw text on the wire as if it came from the far end (noise, oversize, forgeries). */
  inject(direction: Direction, frame: string): void;
  /**
   * The medium of one side fails or returns (a serial adapter unplugged): that link reports it
   * once, and while down it neither sends nor receives.
   */
  setMedium(side: 'a' | 'b', up: boolean, reason?: string): void;
}

export interface MemoryPair {
  a: Link;
  b: Link;
  network: NetworkController;
}

class MemoryLink extends BaseLink {
  peer: MemoryLink | null = null;

  constructor(
    name: string,
    deps: LinkDeps,
    private readonly wire: (from: MemoryLink, frame: string) => void,
  ) {
    super(name, 'memory', deps);
  }

  async open(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
  }

  protected transmit(frame: string): void {
    if (!this.isMediumUp) {
      this.recorder.drops.count('send-failed');
      return;
    }
    this.recorder.sent(frame.length);
    this.wire(this, frame);
  }

  arrive(frame: string): void {
    if (this.isMediumUp) this.deliver(frame, frame.length);
  }

  medium(up: boolean, reason: string): void {
    this.setMedium(up, reason);
  }
}

export function createMemoryPair(nameA: string, nameB: string, scheduler: NetworkScheduler, log = silentLog): MemoryPair {
  let drop = 0;
  let delay = 0;
  let jitter = 0;
  let duplicate = 0;
  let reorder = false;
  const cutDirections = new Set<Direction>();
  const lastArrival: Record<Direction, number> = { 'a->b': -Infinity, 'b->a': -Infinity };

  const deps: LinkDeps = { now: () => scheduler.now(), log };
  const carry = (direction: Direction, to: MemoryLink, frame: string): void => {
    if (cutDirections.has(direction) || scheduler.random() < drop) return;
    let at = scheduler.now() + delay + (jitter > 0 ? scheduler.random() * jitter : 0);
    if (!reorder) at = Math.max(at, lastArrival[direction]);
    lastArrival[direction] = Math.max(lastArrival[direction], at);
    scheduler.schedule(at, () => to.arrive(frame));
  };
  const wire = (from: MemoryLink, frame: string): void => {
    const direction: Direction = from === a ? 'a->b' : 'b->a';
    const to = from === a ? b : a;
    carry(direction, to, frame);
    if (scheduler.random() < duplicate) carry(direction, to, frame);
  };
  const a = new MemoryLink(nameA, deps, wire);
  const b = new MemoryLink(nameB, deps, wire);

  const probability = (p: number): number => {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`probability must be within [0, 1], got ${p}`);
    return p;
  };
  const network: NetworkController = {
    setDrop: (p) => void (drop = probability(p)),
    setDelay: (ms, jitterMs = 0) => {
      if (!(ms >= 0 && jitterMs >= 0)) throw new RangeError('delay and jitter must be non-negative');
      delay = ms;
      jitter = jitterMs;
    },
    setDuplicate: (p) => void (duplicate = probability(p)),
    setReorder: (allowed) => void (reorder = allowed),
    cut: (direction) => {
      if (direction === 'both') ['a->b', 'b->a'].forEach((d) => cutDirections.add(d as Direction));
      else cutDirections.add(direction);
    },
    heal: () => cutDirections.clear(),
    inject: (direction, frame) => carry(direction, direction === 'a->b' ? b : a, frame),
    setMedium: (side, up, reason = up ? 'medium back' : 'medium failed') => (side === 'a' ? a : b).medium(up, reason),
  };
  return { a, b, network };
}

/** A scheduler on real timers (for contract tests and demos, not for deterministic simulation). */
export function realTimeScheduler(now: () => number = () => performance.now()): NetworkScheduler {
  return {
    now,
    random: Math.random,
    schedule: (atMs, fn) => void setTimeout(fn, Math.max(0, atMs - now())),
  };
}
