// The order in which a group's resources are started and stopped, as ResourceManager does it:
// start left to right, stop right to left. A plan is a list of steps carried out one at a time;
// when a start fails, the plan turns into "stop what may be running, in reverse" and the group is
// released (and marked failed here) instead of being left half up. Pure.

export type PlanKind = 'start' | 'stop' | 'restart' | 'rollback';

export interface PlanStep {
  resource: number;
  action: 'start' | 'stop';
}

export interface Plan {
  kind: PlanKind;
  steps: PlanStep[];
  next: number;
  /** Why the plan runs, for logs and status. */
  reason: string;
  /** A start whose duplicate-address check is done: the probe that found the addresses free. */
  dadProbe?: number;
}

const range = (count: number): number[] => Array.from({ length: count }, (_, i) => i);

export function startPlan(resourceCount: number, reason: string): Plan {
  return { kind: 'start', steps: range(resourceCount).map((resource) => ({ resource, action: 'start' })), next: 0, reason };
}

export function stopPlan(resourceCount: number, reason: string): Plan {
  return { kind: 'stop', steps: range(resourceCount).reverse().map((resource) => ({ resource, action: 'stop' })), next: 0, reason };
}

/** Stop one resource and start it again (monitor-driven local restart). */
export function restartPlan(resource: number, reason: string): Plan {
  return { kind: 'restart', steps: [{ resource, action: 'stop' }, { resource, action: 'start' }], next: 0, reason };
}

/**
 * After a failed start: stop, in reverse, every resource that may be running — all of them up to
 * and including the one that failed (its start may have half-happened; stops are idempotent).
 */
export function rollbackPlan(upToResource: number, reason: string): Plan {
  return { kind: 'rollback', steps: range(upToResource + 1).reverse().map((resource) => ({ resource, action: 'stop' })), next: 0, reason };
}

export function currentStep(plan: Plan): PlanStep | undefined {
  return plan.steps[plan.next];
}
