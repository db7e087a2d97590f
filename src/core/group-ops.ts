// GroupOps: the mechanics of running a group on this node, once FailoverMachine has decided what
// should happen — start and stop plans issued one resource action at a time, their results
// (rollback after a failed start, the stuck state after a failed stop), failed marks, and the
// periodic monitors with their restarts and failover. It touches only the GroupRuntime it is
// handed and reaches the outside through its OpsHost (log, effects, operation ids, hooks); it
// decides nothing about the peer: WHEN to start, release or clear a mark is machine.ts's call.

import { currentStep, restartPlan, rollbackPlan, startPlan, stopPlan, type Plan } from './group-plan.js';
import type { GroupRuntime } from './group-state.js';
import type { CoreConfig, Effect, HookKind, LogLevel, Outcome } from './types.js';

/** What GroupOps may use of the machine that owns it. */
export interface OpsHost {
  now(): number;
  config(): CoreConfig;
  /** A graceful stop is in progress. */
  leaving(): boolean;
  log(level: LogLevel, event: string, message: string, fields?: Record<string, unknown>): void;
  emit(effect: Effect): void;
  opId(): number;
  hook(kind: HookKind, detail: Record<string, string>): void;
  /** The duplicate-address probe `probe` still lets a start of group `index` skip its own check. */
  dadProbeUsable(index: number, probe: number): boolean;
}

export class GroupOps {
  constructor(private readonly host: OpsHost) {}

  // ---------------------------------------------------------------- start and release

  /**
   * Start group `g` (stopped here), resource by resource; `how` says why we may. `dadProbe`: the
   * pre-probe that found its addresses free (dad-preprobe.ts), passed on to every start step.
   */
  start(g: GroupRuntime, index: number, how: string, dadProbe?: number): void {
    this.host.log('info', 'takeover-start', `starting group ${g.group.key}: ${how}`, { group: g.group.key });
    g.phase = 'starting';
    const plan = startPlan(g.group.resources.length, how);
    if (dadProbe !== undefined) plan.dadProbe = dadProbe;
    this.runPlan(g, index, plan);
  }

  /** Stop group `g` (running here) in reverse order; `why` is the decision's reason. */
  release(g: GroupRuntime, index: number, why: string): void {
    this.host.log('info', 'release-start', `stopping group ${g.group.key} (reverse order): ${why}`, { group: g.group.key });
    g.phase = 'stopping';
    this.runPlan(g, index, stopPlan(g.group.resources.length, why));
  }

  // ---------------------------------------------------------------- plans and resource ops

  private runPlan(g: GroupRuntime, index: number, plan: Plan): void {
    g.plan = plan;
    this.issueStep(g, index);
  }

  private issueStep(g: GroupRuntime, index: number): void {
    const step = g.plan && currentStep(g.plan);
    if (!g.plan || !step) return this.planFinished(g);
    const resource = g.group.resources[step.resource]!;
    g.op = { opId: this.host.opId(), resource: step.resource, action: step.action };
    g.resources[step.resource]!.state = step.action === 'start' ? 'starting' : 'stopping';
    // Checked at every step: a later resource may start after the probe stopped being usable.
    const probe = g.plan.dadProbe;
    const checked = step.action === 'start' && probe !== undefined && this.host.dadProbeUsable(index, probe) ? { dadProbe: probe } : {};
    this.host.emit({ type: 'run-resource', opId: g.op.opId, group: index, resource: resource.id, action: step.action, ...checked });
  }

  /** A start or stop of the group's current plan step finished. */
  stepDone(g: GroupRuntime, index: number, resource: number, action: 'start' | 'stop', outcome: Outcome, reason: string): void {
    const plan = g.plan;
    const id = g.group.resources[resource]!.id;
    const r = g.resources[resource]!;
    if (!plan) return;
    if (outcome === 'ok') {
      r.state = action === 'start' ? 'running' : 'stopped';
      if (action === 'start') r.nextMonitorAt = this.host.now() + (g.group.resources[resource]!.monitor?.intervalMs ?? 0);
      plan.next += 1;
      return this.issueStep(g, index);
    }
    if (action === 'stop') return this.stopFailed(g, resource, outcome, reason);
    r.state = 'stopped';
    this.host.log('error', 'start-failed', `start of ${id} failed (${outcome}${reason ? `: ${reason}` : ''}): stopping group ${g.group.key} in reverse`, { group: g.group.key, resource: id, outcome });
    g.phase = 'stopping';
    const upTo = plan.kind === 'restart' ? g.group.resources.length - 1 : resource;
    this.runPlan(g, index, rollbackPlan(upTo, `start of ${id} failed`));
  }

  private stopFailed(g: GroupRuntime, resource: number, outcome: Outcome, reason: string): void {
    const id = g.group.resources[resource]!.id;
    g.resources[resource]!.state = 'stop-failed';
    g.plan = null;
    g.phase = 'stop-failed';
    this.host.log('error', 'stop-failed', `stop of ${id} failed (${outcome}${reason ? `: ${reason}` : ''}): group ${g.group.key} may still run here and stays claimed; operator action needed`, { group: g.group.key, resource: id, outcome });
    if (this.host.leaving()) this.host.log('error', 'stop-blocked', 'graceful stop cannot finish: a group failed to stop');
    if (this.host.config().escalateOnStopFailure) this.host.hook('escalate', { TWINBEAT_GROUP: g.group.key, TWINBEAT_RESOURCE: id, TWINBEAT_REASON: 'stop-failed' });
  }

  private planFinished(g: GroupRuntime): void {
    const plan = g.plan!;
    g.plan = null;
    if (plan.kind === 'start' || plan.kind === 'restart') {
      g.phase = 'running';
      this.host.log('info', plan.kind === 'start' ? 'group-started' : 'resource-restarted', `group ${g.group.key} running`, { group: g.group.key });
      return;
    }
    g.phase = 'stopped';
    for (const r of g.resources) {
      r.monitorFailures = 0;
      r.restarts = 0;
    }
    this.host.log('info', 'group-stopped', `group ${g.group.key} stopped here`, { group: g.group.key });
    if (plan.kind === 'rollback') this.markFailed(g, plan.reason);
  }

  // ---------------------------------------------------------------- failed marks

  private markFailed(g: GroupRuntime, why: string): void {
    g.failedHere = true;
    g.failedSince = null;
    g.failedAt = this.host.now();
    this.host.log('error', 'group-failed', `group ${g.group.key} marked failed on this node: ${why}; releasing it to ${this.host.config().peer}`, { group: g.group.key });
    this.host.hook('local-failure', { TWINBEAT_GROUP: g.group.key, TWINBEAT_REASON: why });
  }

  /** Let the group run here again (operator takeover, the peer failed it too, a retry). */
  clearFailedMark(g: GroupRuntime, why: string): void {
    if (!g.failedHere) return;
    g.failedHere = false;
    g.failedSince = null;
    g.failedAt = null;
    this.host.log('info', 'failed-mark-cleared', `group ${g.group.key} may run here again: ${why}`, { group: g.group.key });
  }

  // ---------------------------------------------------------------- monitoring

  /** Issue the monitors that are due on a running group with nothing else in flight. */
  runMonitors(g: GroupRuntime, index: number): void {
    if (g.phase !== 'running' || g.op || g.plan) return;
    g.group.resources.forEach((resource, i) => {
      const r = g.resources[i]!;
      if (!resource.monitor || g.op || this.host.now() < r.nextMonitorAt) return;
      g.op = { opId: this.host.opId(), resource: i, action: 'monitor' };
      this.host.emit({ type: 'run-resource', opId: g.op.opId, group: index, resource: resource.id, action: 'monitor' });
    });
  }

  monitorDone(g: GroupRuntime, index: number, resource: number, outcome: Outcome, reason: string): void {
    const spec = g.group.resources[resource]!;
    const r = g.resources[resource]!;
    const monitor = spec.monitor;
    if (!monitor || g.phase !== 'running') return;
    r.nextMonitorAt = this.host.now() + monitor.intervalMs;
    if (outcome === 'ok') {
      r.monitorFailures = 0;
      return;
    }
    r.monitorFailures += 1;
    this.host.log('warn', 'monitor-failed', `monitor of ${spec.id}: ${outcome}${reason ? ` (${reason})` : ''}, ${r.monitorFailures}/${monitor.failuresBeforeRestart}`, { group: g.group.key, resource: spec.id, outcome });
    if (r.monitorFailures < monitor.failuresBeforeRestart) return;
    r.monitorFailures = 0;
    if (r.restarts < monitor.maxRestarts) {
      r.restarts += 1;
      this.host.log('warn', 'resource-restart', `restarting ${spec.id} here (${r.restarts}/${monitor.maxRestarts})`, { group: g.group.key, resource: spec.id });
      return this.runPlan(g, index, restartPlan(resource, 'monitor'));
    }
    this.host.log('error', 'monitor-failover', `${spec.id} keeps failing after ${monitor.maxRestarts} restarts: failing group ${g.group.key} over to ${this.host.config().peer}`, { group: g.group.key, resource: spec.id });
    g.phase = 'stopping';
    this.runPlan(g, index, rollbackPlan(g.group.resources.length - 1, `monitor of ${spec.id} failed`));
  }
}
