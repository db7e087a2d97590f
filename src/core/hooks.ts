// One ordered queue for every hook (local-failure, remote-failure, fence, escalate): hooks run
// one at a time, in the order they were asked for, so a notification can never overtake the
// fence it reports on (keepalived #996: notify scripts racing under flapping).

import type { Effect, HookKind } from './types.js';

export interface QueuedHook {
  hook: HookKind;
  env: Record<string, string>;
}

export interface RunningHook extends QueuedHook {
  opId: number;
}

export class HookQueue {
  private waiting: QueuedHook[] = [];
  private running: RunningHook | null = null;

  /** Queue a hook; returns the effect to emit now if nothing else is running. */
  enqueue(hook: QueuedHook, nextOpId: () => number): Effect[] {
    this.waiting.push(hook);
    return this.startNext(nextOpId);
  }

  /** A hook finished: returns the finished hook (null if the opId is not ours) and what to run next. */
  finish(opId: number, nextOpId: () => number): { done: RunningHook | null; effects: Effect[] } {
    if (!this.running || this.running.opId !== opId) return { done: null, effects: [] };
    const done = this.running;
    this.running = null;
    return { done, effects: this.startNext(nextOpId) };
  }

  private startNext(nextOpId: () => number): Effect[] {
    if (this.running) return [];
    const next = this.waiting.shift();
    if (!next) return [];
    this.running = { ...next, opId: nextOpId() };
    return [{ type: 'run-hook', opId: this.running.opId, hook: next.hook, env: next.env }];
  }

  pending(): { running: HookKind | null; queued: HookKind[] } {
    return { running: this.running?.hook ?? null, queued: this.waiting.map((h) => h.hook) };
  }
}
