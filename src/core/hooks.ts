// The machine's hook queues: two lanes (types.ts hookLane), each running one hook at a time in
// the order asked for. `takeover` carries fence and escalate, the path to starting or stopping
// groups; `notify` carries local-failure and remote-failure. Within a lane a notification can
// never overtake an earlier one (keepalived #996: notify scripts racing under flapping); across
// lanes a remote-failure report may run beside the fence, and a hung notifier never delays it.
// Transition notifications (master/backup/fault/stop, transitions.ts) ride the notify lane with a
// key (their group or node): a newer one replaces the one of the same key still waiting
// (coalesced), so a flapping group leaves one waiting notification, never a backlog.
// Pure bookkeeping: touches only its own queues and returns the run-hook effects to emit.

import { hookLane, type Effect, type HookKind, type HookLane } from './types.js';

export interface QueuedHook {
  hook: HookKind;
  env: Record<string, string>;
  /** Coalescing key (transition notifications: the group or node); keyless hooks are never coalesced. */
  key?: string;
}

export interface Enqueued {
  effects: Effect[];
  /** A keyless notification dropped because too many waited (the oldest). */
  dropped: QueuedHook | null;
  /** Keyed notifications that will not run: superseded by a newer one of the same key, or back to what already ran. */
  coalesced: QueuedHook[];
}

export interface RunningHook extends QueuedHook {
  opId: number;
}

/**
 * Keyless notifications waiting behind a hung notifier are bounded: the oldest is dropped beyond
 * this (a flapping link must not build an unbounded backlog of reports about the past). Keyed
 * ones are bounded by coalescing: at most one waits per key (per group, plus the node).
 */
export const MAX_WAITING_NOTIFICATIONS = 8;

class Lane {
  private waiting: QueuedHook[] = [];
  running: RunningHook | null = null;
  /** Per key, the hook kind last started (what the notifier was last told). */
  private lastStarted = new Map<string, HookKind>();

  constructor(private readonly maxWaiting: number) {}

  /** Queue a hook; returns the effect to run now (if the lane is idle) and what was dropped or coalesced. */
  enqueue(hook: QueuedHook, nextOpId: () => number): Enqueued {
    const coalesced = hook.key === undefined ? [] : this.coalesce(hook);
    if (coalesced.includes(hook)) return { effects: [], dropped: null, coalesced };
    this.waiting.push(hook);
    const keyless = this.waiting.filter((h) => h.key === undefined);
    const dropped = keyless.length > this.maxWaiting ? keyless[0]! : null;
    if (dropped) this.waiting.splice(this.waiting.indexOf(dropped), 1);
    return { effects: this.startNext(nextOpId), dropped, coalesced };
  }

  /**
   * A newer notification of the same key replaces the waiting one; if that brings the key back to
   * what its notifier was last told (master → backup → master while master still runs), the
   * newer one is not needed either. Order is kept: what remains waits at the newest position.
   */
  private coalesce(hook: QueuedHook): QueuedHook[] {
    const i = this.waiting.findIndex((h) => h.key === hook.key);
    if (i < 0) return [];
    const [superseded] = this.waiting.splice(i, 1);
    return this.lastStarted.get(hook.key!) === hook.hook ? [superseded!, hook] : [superseded!];
  }

  idle(): boolean {
    return this.running === null && this.waiting.length === 0;
  }

  finish(opId: number, nextOpId: () => number): { done: RunningHook | null; effects: Effect[] } {
    if (!this.running || this.running.opId !== opId) return { done: null, effects: [] };
    const done = this.running;
    this.running = null;
    return { done, effects: this.startNext(nextOpId) };
  }

  queued(): HookKind[] {
    return this.waiting.map((h) => h.hook);
  }

  private startNext(nextOpId: () => number): Effect[] {
    if (this.running) return [];
    const next = this.waiting.shift();
    if (!next) return [];
    this.running = { ...next, opId: nextOpId() };
    if (next.key !== undefined) this.lastStarted.set(next.key, next.hook);
    return [{ type: 'run-hook', opId: this.running.opId, hook: next.hook, env: next.env }];
  }
}

export class HookQueue {
  private readonly lanes: Record<HookLane, Lane> = { takeover: new Lane(Infinity), notify: new Lane(MAX_WAITING_NOTIFICATIONS) };

  /** Queue a hook in its lane; returns the effect to emit now (if its lane is idle) and any dropped or coalesced notification. */
  enqueue(hook: QueuedHook, nextOpId: () => number): Enqueued {
    return this.lanes[hookLane(hook.hook)].enqueue(hook, nextOpId);
  }

  /** A hook finished: returns the finished hook (null if the opId is not ours) and what its lane runs next. */
  finish(opId: number, nextOpId: () => number): { done: RunningHook | null; effects: Effect[] } {
    for (const lane of Object.values(this.lanes)) {
      const result = lane.finish(opId, nextOpId);
      if (result.done) return result;
    }
    return { done: null, effects: [] };
  }

  /** Nothing running or waiting in the notify lane (a graceful stop lets its last reports run out). */
  notifyIdle(): boolean {
    return this.lanes.notify.idle();
  }

  /** Running and waiting hooks, takeover lane first. */
  pending(): { running: HookKind[]; queued: HookKind[] } {
    const lanes = [this.lanes.takeover, this.lanes.notify];
    return { running: lanes.flatMap((l) => (l.running ? [l.running.hook] : [])), queued: lanes.flatMap((l) => l.queued()) };
  }
}
