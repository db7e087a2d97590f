// The rules of the failover core as properties of the simulated world, checked on every soak
// schedule (soak.ts drives the faults; these files only watch). Each property judges what
// ACTUALLY happens on the machines (resources running, frames delivered, hooks run), using a
// machine's status() only to learn which verdict it acted on. This file wires every family to the
// world's observer and to what the soak tells it, in one fixed order, and exports what the soak
// and its tests use. Test code only: touches nothing outside test/sim.
//
// Notation (bounds.ts): K = keepalive, D = deadtime, S = the longest script run, N = number of
// resources, T = the non-owner's tie delay K + D/2. "disrupted": no link carries frames both
// ways without loss, or a node is paused; "aftermath": a disruption and the HEAL bound after it
// (disruption.ts).
//
// The properties, by family; each file states its properties with their bounds, and why:
//   holders.ts     safety (1), stop-before-start (4), deaf-yield, standby-trap: two holders,
//                  or nobody.
//   liveness.ts    takeover (2), heal (3), settled, notify-delay: everything runs again in time.
//   evidence.ts    fresh-evidence, deaf-evidence: verdicts on the peer rest on real evidence.
//   gate.ts        tie-delay, isolated, fence-first, one-fence (6): the takeover gate.
//   operators.ts   standby-persisted, takeover-wins, race-winner, standby-operators (5).
//   moves.ts       move-honoured: per-group moves (issue 15).
//   stability.ts   never-both-defer (7), damping (8).
//   flap.ts        flap-damping, flap-owner: flapping incidents (hole 10).
//   drift.ts       drift-heal, drift-start, drift-owner: haresources that differ (hole 4).
//   notify.ts      notify-order: transition notifications.
//   uplink.ts      uplink-move: uplink tracking (ipfail).
//   escalation.ts  escalation: a failed stop reboots the node.
//   dad.ts         dad-fresh, dad-orphan: duplicate-address detection ahead of deadtime (issue 13).
//   outage.ts      outage accounting (a measurement, no property).
// Shared by the families: context.ts (the world, violations, shared per-node facts, helpers),
// disruption.ts, bounds.ts; holes.ts: SOAK_HOLES, which of issue 12's faults and strict
// properties a run keeps (all by default).

import { NODES, World, type NodeName, type SimNode } from '../world.js';
import { hookLane, type HookKind } from '../../../src/core/types.js';
import type { Bounds } from './bounds.js';
import { Context } from './context.js';
import { checkDadSkip } from './dad.js';
import { watchEscalation } from './escalation.js';
import { Evidence } from './evidence.js';
import { Flap } from './flap.js';
import { TakeoverGate } from './gate.js';
import { HOLES, type Hole } from './holes.js';
import { Holders } from './holders.js';
import { Liveness, type Checked } from './liveness.js';
import { checkMovesHonoured } from './moves.js';
import { NotifyOrder } from './notify.js';
import { Operators } from './operators.js';
import { OutageAccount, type Outage } from './outage.js';
import { Stability } from './stability.js';
import { Uplink } from './uplink.js';

export { boundsFor, type Bounds } from './bounds.js';
export { HOLES, parseHoles, type Hole } from './holes.js';
export type { Checked } from './liveness.js';
export type { Outage } from './outage.js';

export class Properties {
  readonly violations: string[];
  readonly checked: Checked;
  readonly outage: Outage;
  readonly bounds: Bounds;
  private readonly c: Context;
  private readonly holders: Holders;
  private readonly liveness: Liveness;
  private readonly outages: OutageAccount;
  private readonly evidence: Evidence;
  private readonly gate: TakeoverGate;
  private readonly operators: Operators;
  private readonly stability: Stability;
  private readonly flap: Flap;
  private readonly notify: NotifyOrder;
  private readonly uplink: Uplink;

  constructor(
    readonly world: World,
    readonly seed: number,
    readonly holes: ReadonlySet<Hole> = new Set(HOLES),
  ) {
    const c = (this.c = new Context(world, seed, holes));
    this.violations = c.violations;
    this.bounds = c.bounds;
    this.holders = new Holders(c);
    this.liveness = new Liveness(c, this.holders);
    this.checked = this.liveness.checked;
    this.outages = new OutageAccount(c);
    this.outage = this.outages.outage;
    this.evidence = new Evidence(c);
    this.gate = new TakeoverGate(c);
    this.operators = new Operators(c);
    this.stability = new Stability(c);
    this.flap = new Flap(c);
    this.notify = new NotifyOrder(c);
    this.uplink = new Uplink(c);
    world.observer = {
      afterStep: () => this.afterStep(),
      startIssued: (_w, node, resource, dadProbe) => this.onStart(node, resource, dadProbe),
      logged: (_w, node, event, level) => this.onLog(node, event, level),
      hookRun: (_w, node, hook, env) => {
        if (hook === 'fence') this.gate.fenceStarted(node);
        if (hookLane(hook) === 'notify') this.notify.started(node, hook, env);
      },
      hookDone: (_w, node, hook, ok) => {
        if (hookLane(hook as HookKind) === 'notify') this.notify.done(node);
        this.gate.hookDone(node, hook, ok);
      },
    };
  }

  fail(property: string, what: string): void {
    this.c.fail(property, what);
  }

  // ------------------------------------------------------------ what the soak tells us

  touch(node: NodeName): void {
    this.c.touch(node);
  }

  /** An operator command was delivered; `standbyByPeer`: the node was in standby by the peer's takeover just before. */
  commanded(node: NodeName, command: string, standbyByPeer: boolean): void {
    this.operators.commanded(node, command, standbyByPeer);
  }

  /** The node is in standby because it honoured the peer's takeover (not by its operator). */
  standbyByPeer(node: NodeName): boolean {
    return this.operators.standbyByPeer(node);
  }

  pingChanged(node: NodeName, reachable: boolean): void {
    this.c.touch(node);
    if (!reachable) this.gate.pingLost(node);
    this.uplink.pingChanged(node);
  }

  stateFileLost(node: NodeName): void {
    this.c.disruption.stateFileLost(node);
    this.c.watch[node].operatorStandbyAt = null;
    this.operators.stateFileLost(node);
  }

  /** A flapping incident begins and lasts `ms` (plus a deadtime): fences are counted in it (hole 10). */
  incidentStarts(ms: number, firstCycleMs: number): void {
    this.flap.incidentStarts(ms, firstCycleMs);
  }

  /** `node` crashed or was killed (daemon or machine): check what it persisted, then watch the survivor. */
  crashed(node: NodeName): void {
    this.operators.crashed(node);
    this.liveness.nodeDown(node);
  }

  /** `node` went down (crash or graceful stop): the survivor must take over. */
  nodeDown(node: NodeName): void {
    this.liveness.nodeDown(node);
  }

  /** Links were healed; if that ended a disruption, check the pair heals. */
  healed(wasDisrupted: boolean): void {
    this.liveness.healed(wasDisrupted);
  }

  disrupted(): boolean {
    return this.c.disruption.disrupted();
  }

  noteDisruption(): void {
    this.c.disruption.noteDisruption();
  }

  /** After the final calm. */
  checkSettled(): void {
    if (!this.liveness.checkSettled()) return;
    const w = this.world;
    if (w.options.notify) for (const n of NODES) this.notify.checkToldState(w.nodes[n]);
    if (this.holes.has('moves')) checkMovesHonoured(this.c);
  }

  // ------------------------------------------------------------ what the world tells us

  /** Runs after every simulated step: what it derives from the machines' actual state is cached. */
  private afterStep(): void {
    if (this.c.machinesChanged()) {
      this.outages.machinesChanged();
      this.holders.machinesChanged();
    }
    this.c.disruption.noteDisruption();
    this.evidence.trackHeardRuns();
    this.outages.account();
    this.operators.checkStandbyIsOperators();
    this.stability.sample();
    this.holders.afterStep();
  }

  private onStart(node: SimNode, resource: string, dadProbe?: number): void {
    this.c.disruption.noteDisruption();
    if (dadProbe !== undefined) checkDadSkip(this.c, node, resource, dadProbe);
    const group = node.config.groups.find((g) => g.resources.some((r) => r.id === resource))!;
    if (group.resources[0]!.id === resource) {
      this.gate.groupStarted(node, group.key);
      if (!this.world.nodes[node.peer].running(resource)) this.flap.groupMoved(group.key, node.name);
    }
    this.holders.startIssued(node, resource);
  }

  private onLog(node: SimNode, event: string, level: string): void {
    const watch = this.c.watch[node.name];
    switch (event) {
      case 'uplink-hand-over':
        this.uplink.handOver(node);
        return;
      case 'peer-dead':
        this.gate.peerDead(node.name);
        if (level === 'warn') this.evidence.peerDead(node);
        return;
      case 'peer-deaf':
        this.flap.peerDeaf(node.name);
        this.evidence.peerDeaf(node);
        return;
      case 'peer-hears-us':
      case 'core-start': // a new life of the daemon starts without a verdict
        this.flap.peerHears(node.name);
        return;
      case 'release-start':
        this.flap.releaseStarted(node);
        return;
      case 'group-failed':
      case 'failed-mark-cleared':
        watch.failedMarkAt = this.world.now;
        return;
      case 'stop-failed':
        if (this.world.options.escalate) watchEscalation(this.c, node);
        return;
      case 'command-standby':
        watch.operatorStandbyAt = this.world.now;
        return;
      case 'command-takeover':
      case 'command-online':
      // The death or stop of the peer cancels standby (Heartbeat semantics), persisted.
      case 'standby-cancelled':
        watch.operatorStandbyAt = null;
        return;
      case 'peer-alive':
        this.c.disruption.accepted(node.peer);
        return;
      case 'peer-stable':
        // The incident is over: a later death needs a new fence.
        this.gate.peerStable(node.name);
        return;
    }
  }
}
