// The one place where the pure core meets the world. Socket frames, medium changes, timer
// ticks, finished scripts and operator commands become core Events; the Effects each step
// returns are carried out strictly in the order returned, and one event is fully handled
// (including awaiting a persist) before the next is stepped. Work that takes time (scripts,
// ping probes) is started and answers later with its own event. Touches nothing directly: the
// world is reached through the links, codec, actions and clock it is given.
import type { Effect, Event, HookKind, PersistedState, ResourceAction } from '../core/types.js';
import type { CoreStatus } from '../core/status.js';
import type { FrameCodec } from '../protocol/frame-codec.js';
import { DropCounters, type DropCounts } from '../protocol/drops.js';
import type { Link } from '../transport/link.js';
import type { ScriptResult } from '../resources/result.js';
import type { Clock, Timer } from './clock.js';
import type { Logger } from './logger.js';

/** What the loop needs from FailoverMachine. */
export interface CoreMachine {
  step(event: Event): Effect[];
  status(): CoreStatus;
  /** When the core next needs a tick to act on time (Infinity: only the regular tick). */
  nextWakeAt(): number;
}

/** The slow parts of the world, each answering with a promise the loop turns into an event. */
/**
 * `dadProbe`: the opId of the probe that did this start's duplicate-address check ahead of
 * deadtime (core/dad-preprobe.ts); the edge releases that probe's armed start (actions.ts).
 */
export interface RunOptions {
  dadProbe?: number;
}

export interface WorldActions {
  runResource(group: number, resourceId: string, action: ResourceAction, options?: RunOptions): Promise<ScriptResult>;
  /** Probe the group's addresses for another holder (probe `opId`); `free`: no address got a reply. */
  probeAddresses(group: number, opId: number): Promise<{ free: boolean }>;
  runHook(hook: HookKind, env: Record<string, string>): Promise<ScriptResult>;
  /** Ping nodes and ping groups reachable; with uplink tracking also the tracked interfaces (actions.ts). */
  probePing(): Promise<{ reachable: number; total: number; interfaces?: { up: number; total: number }; failing?: string[] }>;
  reannounce(group: number): Promise<void>;
  persist(state: PersistedState): Promise<void>;
  /** Close every armed start (the daemon is stopping): nothing is added by them. */
  disarm(): Promise<void>;
}

export interface LoopDeps {
  machine: CoreMachine;
  links: readonly Link[];
  /** Frames ↔ messages: decode + authentication + per-link replay window (src/protocol). */
  codec: Pick<FrameCodec, 'encode' | 'decode'>;
  actions: WorldActions;
  clock: Clock;
  log: Logger;
  /**
   * Longest time between two events: with no frame, script or command arriving, a tick comes
   * at most this long after the last event (the core's stall guard needs one at least every
   * keepalive/2; it may come sooner).
   * Time-critical ticks come sooner, exactly when the core asks (nextWakeAt).
   */
  tickMs: number;
  /**
   * A core wake time at most this much later than the regular tick takes the regular tick's
   * place: one wake-up instead of two within a millisecond (at 100 ms / 500 ms the regular tick
   * after the mid-cycle one falls on the next heartbeat, ±1 ms). 0 (default): never later than
   * tickMs. The daemon allows it only where the stall guard's margin covers it (main.ts).
   */
  tickMergeMs?: number;
  /** Called after every stepped event (the systemd watchdog's proof that the loop is alive). */
  afterStep?: (now: number) => void;
  /** Observers (metrics): a frame from the peer was accepted on a link at `at`. */
  onFrameAccepted?: (link: string, at: number) => void;
}

/**
 * How early a Node timer may fire against the monotonic clock: Node counts a timeout from the
 * event loop's cached whole-millisecond time, so it can run up to ~1 ms before now + delay
 * (measured in the lab: 6 of the daemon's 24 timer callbacks a second, every one < 1 ms early).
 */
export const NODE_TIMER_EARLY_MS = 1;

export class Loop {
  private readonly log: Logger;
  private readonly coreLog: Logger;
  private chain: Promise<void> = Promise.resolve();
  private tickPending = false;
  /** The one timer: the next tick, at min(core's wake time, last event + tickMs). */
  private timer: Timer | null = null;
  /** When `timer` fires (clock ms). */
  private timerDue = 0;
  private done = false;
  private resolveStopped!: () => void;
  /** Per link: frames the codec refused after the link handed them over. */
  private readonly drops = new Map<string, DropCounters>();
  private readonly events: Record<string, number> = {};
  /** Resolves when the core reports a completed graceful stop. */
  readonly stopped: Promise<void>;

  constructor(private readonly deps: LoopDeps) {
    this.log = deps.log.child('loop');
    this.coreLog = deps.log.child('core');
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
    for (const link of deps.links) {
      const drops = new DropCounters();
      this.drops.set(link.name, drops);
      link.onEvent((event) => {
        if (event.kind === 'medium') {
          void this.dispatch({ type: 'link-medium', now: event.at, link: link.name, up: event.up, reason: event.reason });
          return;
        }
        const decoded = deps.codec.decode(event.frame, link.name);
        if (decoded.ok) {
          link.frameAccepted(event.at);
          deps.onFrameAccepted?.(link.name, event.at);
          void this.dispatch({ type: 'heard', now: event.at, link: link.name, message: decoded.message });
        } else {
          drops.count(decoded.reason);
          this.log.debug('frame-dropped', `dropped a frame on ${link.name}: ${decoded.reason}`, { link: link.name, reason: decoded.reason });
        }
      });
    }
  }

  /** Start ticking. The first tick is stepped at once, so the core can announce itself. */
  start(): void {
    this.tick();
  }

  /** Step one event; resolves once its effects have been carried out. */
  dispatch(event: Event): Promise<void> {
    const run = this.chain.then(() => this.process(event));
    this.chain = run.catch(() => {});
    return run;
  }

  status(): CoreStatus {
    return this.deps.machine.status();
  }

  /** Frames dropped after the link handed them over (decode, auth, replay), by reason. */
  protocolDrops(link: string): DropCounts {
    return this.drops.get(link)?.nonZero() ?? {};
  }

  /** How often the core logged each event (group-started, peer-dead, ...) since start: for metrics. */
  coreEvents(): Record<string, number> {
    return { ...this.events };
  }

  /** Stop ticking and ignore further events (after `stopped`, or when giving up). */
  close(): void {
    this.timer?.cancel();
    this.timer = null;
    this.done = true;
  }

  /**
   * Idle cost is wake-ups: instead of a fixed tick grid (which at keepalive/10 cost more CPU
   * than everything else together), one timer is armed for whichever comes first, the core's own
   * wake time or the regular tick. A busy loop never ticks idly. The delay is at least 1 ms so a
   * wake time the core does not act on cannot spin the loop.
   *
   * An armed timer that fires no later than wanted (within the millisecond) is kept, even when
   * it fires earlier: the regular tick is a bound ("at most tickMs after the last event"), so an
   * earlier tick keeps the stall guard's contract. A timer is only ever moved earlier. Moving it
   * later cost a wake-up each time: Node does not re-schedule its one libuv timer when the
   * earliest timer is cleared, so the cleared one still woke the process, for nothing — a peer's
   * frame a few ms after our own heartbeat did that every cycle (scripts/bench/README.md "Idle
   * cost: wake-ups").
   *
   * The core's wake time is armed NODE_TIMER_EARLY_MS later than asked: a tick before it finds
   * nothing due, and the loop then woke a second time a millisecond later. For the same reason
   * a core wake time just after the regular tick replaces it (tickMergeMs).
   */
  private rearm(): void {
    if (this.done) return;
    const now = this.deps.clock.now();
    const coreAt = this.deps.machine.nextWakeAt() + NODE_TIMER_EARLY_MS;
    const regularAt = now + this.deps.tickMs;
    const at = coreAt <= regularAt + (this.deps.tickMergeMs ?? 0) ? coreAt : regularAt;
    const due = now + Math.max(1, Math.ceil(at - now));
    if (this.timer !== null && this.timerDue < Math.max(at, now) + 1) return;
    this.timer?.cancel();
    this.timerDue = due;
    this.timer = this.deps.clock.after(due - now, () => {
      this.timer = null;
      this.tick();
    });
  }

  private tick(): void {
    // A stalled loop must not queue a backlog of ticks: one pending tick carries the latest time.
    if (this.tickPending || this.done) return;
    this.tickPending = true;
    void this.dispatch({ type: 'tick', now: this.deps.clock.now() });
  }

  private async process(event: Event): Promise<void> {
    if (event.type === 'tick') {
      this.tickPending = false;
      event = { type: 'tick', now: this.deps.clock.now() };
    }
    if (this.done) return;
    let effects: Effect[];
    try {
      effects = this.deps.machine.step(event);
    } catch (err) {
      // A broken core invariant: the daemon's state can no longer be trusted. Log it where the
      // operator looks, then let it crash (systemd restarts it; the peer takes over meanwhile).
      this.log.error('core-error', `the failover core failed on a ${event.type} event: ${(err as Error).stack ?? String(err)}`);
      throw err;
    }
    // Only a persist is awaited; the other effects are done when carryOut returns (no microtask
    // hop per effect on the heartbeat path).
    for (const effect of effects) {
      const pending = this.carryOut(effect);
      if (pending !== undefined) await pending;
    }
    this.deps.afterStep?.(this.deps.clock.now());
    this.rearm();
  }

  /** Carries out one effect; returns a promise only when the next effect must wait for it. */
  private carryOut(effect: Effect): Promise<void> | undefined {
    const { actions, clock } = this.deps;
    switch (effect.type) {
      case 'send': {
        let frame: string;
        try {
          frame = this.deps.codec.encode(effect.message);
        } catch (err) {
          // A message the wire cannot carry is a bug; say so loudly but keep the daemon alive.
          this.log.error('encode-failed', `cannot encode a ${effect.message.type} message: ${(err as Error).message}`);
          return;
        }
        const wanted = effect.links;
        for (const link of this.deps.links) if (wanted === undefined || wanted.includes(link.name)) link.send(frame);
        return;
      }
      case 'run-resource':
        void settle(actions.runResource(effect.group, effect.resource, effect.action, effect.dadProbe === undefined ? {} : { dadProbe: effect.dadProbe })).then((result) =>
          this.dispatch({ type: 'resource-done', now: clock.now(), opId: effect.opId, outcome: result.outcome, reason: result.reason }),
        );
        return;
      case 'run-hook':
        void settle(actions.runHook(effect.hook, effect.env)).then((result) =>
          this.dispatch({ type: 'hook-done', now: clock.now(), opId: effect.opId, ok: result.outcome === 'ok', reason: result.reason }),
        );
        return;
      case 'ping-probe':
        void actions.probePing().then(
          (r) => this.dispatch({ type: 'ping-result', now: clock.now(), ...r }),
          (err: Error) => {
            this.log.error('ping-probe-failed', `ping probe failed: ${err.message}`);
            return this.dispatch({ type: 'ping-result', now: clock.now(), reachable: 0, total: 0 });
          },
        );
        return;
      case 'dad-probe':
        // A probe that cannot run is no evidence that the address is free.
        void actions.probeAddresses(effect.group, effect.opId).then(
          (r) => this.dispatch({ type: 'dad-result', now: clock.now(), opId: effect.opId, free: r.free }),
          () => this.dispatch({ type: 'dad-result', now: clock.now(), opId: effect.opId, free: false }),
        );
        return;
      case 'reannounce':
        void actions.reannounce(effect.group).catch((err: Error) =>
          this.log.warn('reannounce-failed', `re-announcing group ${effect.group} failed: ${err.message}`, { group: effect.group }),
        );
        return;
      case 'log':
        this.events[effect.event] = (this.events[effect.event] ?? 0) + 1;
        this.coreLog.log(effect.level, effect.event, effect.message, effect.fields);
        return;
      case 'persist':
        return (async () => {
          try {
            await actions.persist(effect.state);
          } catch (err) {
            this.log.error('state-save-failed', `cannot save the state file: ${(err as Error).message}`);
          }
        })();
      case 'stopped':
        this.close();
        this.resolveStopped();
        return;
    }
  }
}

/** A runner promise that rejected anyway (it should not) becomes a failed result. */
function settle(p: Promise<ScriptResult>): Promise<ScriptResult> {
  return p.catch(
    (err: Error): ScriptResult => ({ outcome: 'failed', exitCode: null, signal: null, durationMs: 0, reason: `runner error: ${err.message}`, stdout: '', stderr: '' }),
  );
}
