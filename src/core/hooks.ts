// The machine's hook queues: two lanes (types.ts hookLane), each running one hook at a time in
// the order asked for. `takeover` carries fence and escalate, the path to starting or stopping
// groups; `notify` carries local-failure and remote-failure. Within a lane a notification can
// never overtake an earlier one (keepalived #996: notify scripts racing under flapping); across
// lanes a remote-failure report may run beside the fence, and a hung notifier never delays it.
// Pure bookkeeping: touches only its own queues and returns the run-hook effects to emit.

import { hookLane, type Effect, type HookKind, type HookLane } from './types.js';

export interface QueuedHook {
  hook: HookKind;
  env: Record<string, string>;
}

export interface RunningHook extends QueuedHook {
  opId: number;
}

/**
 * Notifications waiting behind a hung notifier are bounded: the oldest is dropped beyond this
 * (a flapping link must not build an unbounded backlog of reports about the past).
 */
export const MAX_WAITING_NOTIFICATIONS = 8;

class Lane {
  private waiting: QueuedHook[] = [];
  running: RunningHook | null = null;

  constructor(private readonly maxWaiting: number) {}

  /** Queue a hook; returns the effect to run now (if the lane is idle) and any hook dropped. */
  enqueue(hook: QueuedHook, nextOpId: () => number): { effects: Effect[]; dropped: QueuedHook | null } {
    this.waiting.push(hook);
    const dropped = this.waiting.length > this.maxWaiting ? this.waiting.shift()! : null;
    return { effects: this.startNext(nextOpId), dropped };
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
    return [{ type: 'run-hook', opId: this.running.opId, hook: next.hook, env: next.env }];
  }
}

export class HookQueue {
  private readonly lanes: Record<HookLane, Lane> = { takeover: new Lane(Infinity), notify: new Lane(MAX_WAITING_NOTIFICATIONS) };

  /** Queue a hook in its lane; returns the effect to emit now (if its lane is idle) and any dropped notification. */
  enqueue(hook: QueuedHook, nextOpId: () => number): { effects: Effect[]; dropped: QueuedHook | null } {
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

  /** Running and waiting hooks, takeover lane first. */
  pending(): { running: HookKind[]; queued: HookKind[] } {
    const lanes = [this.lanes.takeover, this.lanes.notify];
    return { running: lanes.flatMap((l) => (l.running ? [l.running.hook] : [])), queued: lanes.flatMap((l) => l.queued()) };
  }
}
