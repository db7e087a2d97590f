// Bounds a graceful stop (`twinbeat stop`, SIGTERM, SIGINT: whatever made the core leave). The
// core finishes a stop once every
// group is stopped; a stop script that fails or hangs leaves its group stop-failed (it may still
// run here), and the core then waits for an operator — which kept the daemon, `twinbeat stop`
// and systemd waiting forever. The guard ends that wait: as soon as the stop is stuck on failed
// stops with no script or hook still running (so the escalate hook has had its run), or at the
// latest when the configured start/stop timeouts have all run out, it says why and the daemon
// exits non-zero without a goodbye. The peer then declares this node dead and takes over through
// its fence hook, which is what an unreleasable resource calls for. Uses the injected clock.
import type { Config } from '../config/types.js';
import type { CoreStatus } from '../core/status.js';
import type { Clock, Timer } from './clock.js';
import { TRANSITION_SCRIPTS } from './notify.js';

/** The runner's SIGTERM→SIGKILL grace plus its wait after SIGKILL, per script (runner.ts defaults). */
const KILL_ALLOWANCE_MS = 2 * 2000;
const POLL_MS = 200;
/**
 * Until a stop begins the guard looks after the loop's steps (onStep: the loop steps at least
 * every tick period) and by its own timer only this rarely, as a backstop: polling every 200 ms
 * from start was 5 of an idle daemon's ~25 wake-ups a second, each building a full status.
 */
const IDLE_BACKSTOP_MS = 1000;

/**
 * Longest a graceful stop can legitimately take: a start in progress runs out, then the longest
 * group stops resource by resource, then one hook (escalate) runs; every script may also use
 * the runner's kill grace. With transition notifications, the core also lets the `stop`
 * notifications of every group and the node run out after the goodbye (each of them the state's
 * script and the generic one, killed at the notify timeout) before it reports `stopped`.
 */
export function stopDeadlineMs(config: Config): number {
  const longestGroup = Math.max(1, ...config.groups.map((g) => g.resources.length));
  const { startTimeoutMs, stopTimeoutMs } = config.ext;
  const notifying = TRANSITION_SCRIPTS.some((kind) => config.ext.hooks?.[kind] !== undefined);
  const notifications = notifying ? (config.groups.length + 1) * 2 * (Math.min(stopTimeoutMs, config.ext.notifyTimeoutMs) + KILL_ALLOWANCE_MS) : 0;
  return startTimeoutMs + KILL_ALLOWANCE_MS + (longestGroup + 1) * (stopTimeoutMs + KILL_ALLOWANCE_MS) + notifications;
}

/** Why the stop cannot finish by itself, or null while it may still. */
export function stuckStop(status: CoreStatus): string | null {
  const failed = status.groups.filter((g) => g.stopFailed);
  if (failed.length === 0) return null;
  if (!status.groups.every((g) => g.phase === 'stopped' || g.phase === 'stop-failed')) return null;
  if (status.hooks.running.length > 0 || status.hooks.queued.length > 0) return null;
  return `group${failed.length === 1 ? '' : 's'} ${failed.map((g) => g.key).join(', ')} failed to stop and may still run here`;
}

export class StopGuard {
  private timer: Timer | null = null;
  private deadline: number | null = null;
  private lastLookAt = -Infinity;
  private done = false;
  private resolveAbandoned!: (why: string) => void;
  /** Resolves with the reason when the stop is given up; never resolves otherwise. */
  readonly abandoned: Promise<string>;

  constructor(private readonly deps: { clock: Clock; status: () => CoreStatus; deadlineMs: () => number }) {
    this.abandoned = new Promise((resolve) => (this.resolveAbandoned = resolve));
  }

  /**
   * Watch the core's status; the deadline starts when it first reports a graceful stop
   * (self.leaving), however it was asked for (control socket, SIGTERM, SIGINT, a test handle).
   * Before that, a look after a loop step (onStep) at most every POLL_MS, and a backstop timer;
   * once stopping, every POLL_MS by timer.
   */
  start(): void {
    this.arm();
  }

  /** The loop stepped an event (LoopDeps.afterStep): look, if the last look is POLL_MS old. */
  onStep(now: number): void {
    if (this.deadline !== null || this.done || now - this.lastLookAt < POLL_MS) return;
    this.look();
    if (this.deadline === null || this.done) return; // the backstop timer stays as it is
    this.timer?.cancel(); // a stop began: poll by timer from now on
    this.arm();
  }

  private arm(): void {
    this.timer = this.deps.clock.after(this.deadline === null ? IDLE_BACKSTOP_MS : POLL_MS, () => {
      this.look();
      if (!this.done) this.arm();
    });
  }

  private look(): void {
    if (this.done) return;
    const status = this.deps.status();
    const now = this.deps.clock.now();
    this.lastLookAt = now;
    if (!status.self.leaving) return;
    if (this.deadline === null) this.deadline = now + this.deps.deadlineMs();
    const stuck = stuckStop(status);
    if (stuck !== null) return this.abandon(`graceful stop cannot finish: ${stuck}; exiting without a goodbye (the peer takes over after deadtime, fencing first)`);
    if (now >= this.deadline) this.abandon('graceful stop still not finished when the configured start/stop timeouts ran out; exiting without a goodbye');
  }

  private abandon(why: string): void {
    this.done = true;
    this.resolveAbandoned(why);
  }

  cancel(): void {
    this.done = true;
    this.timer?.cancel();
  }
}
