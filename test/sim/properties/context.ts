// What the soak's property families share (test/sim/properties/): the world watched, the
// violations found, the bounds, the disruption windows, when each node was last touched by
// something other than the network, the per-node facts more than one family reads, and the
// helpers several families need (which group a resource is in, who is eligible). Each shared fact
// has its one owner here; a fact only one family needs lives in that family's file. Test code
// only: touches nothing outside test/sim.

import { NODES, World, type NodeName, type SimNode } from '../world.js';
import type { CoreStatus, GroupStatus } from '../../../src/core/status.js';
import { boundsFor, type Bounds } from './bounds.js';
import { Disruption } from './disruption.js';
import type { Hole } from './holes.js';

/** Notification hooks: a hung one must not delay the takeover path (notify-delay). */
const NOTIFIERS = new Set(['local-failure', 'remote-failure', 'master', 'backup', 'fault', 'stop']);

/** What more than one family remembers about a node's current life. */
export interface NodeWatch {
  /** When the operator's own `standby` was accepted (null: none in force). */
  operatorStandbyAt: number | null;
  /** Last time a failed mark was set or cleared on this node. */
  failedMarkAt: number;
}

const newWatch = (): NodeWatch => ({ operatorStandbyAt: null, failedMarkAt: -Infinity });

export class Context {
  readonly violations: string[] = [];
  readonly resources: string[];
  readonly bounds: Bounds;
  readonly disruption: Disruption;
  /** Last time anything other than the network changed for a node (kill, boot, command, fault, pause). */
  readonly lastTouched: Record<NodeName, number> = { a: -Infinity, b: -Infinity };
  readonly watch: Record<NodeName, NodeWatch> = { a: newWatch(), b: newWatch() };
  /** The machines' actual state when it was last seen (machinesChanged). */
  private actualSeen = -1;

  constructor(
    readonly world: World,
    readonly seed: number,
    readonly holes: ReadonlySet<Hole>,
  ) {
    this.resources = world.resourceIds();
    this.bounds = boundsFor(world.options, this.resources.length);
    this.disruption = new Disruption(world, this.bounds.heal);
  }

  fail(property: string, what: string): void {
    if (this.violations.length < 5) this.violations.push(`t=${this.world.now} seed=${this.seed}: [${property}] ${what}`);
  }

  touch(node: NodeName): void {
    this.lastTouched[node] = this.world.now;
  }

  /** The machines' actual state (what runs where, who is up) changed since the last call. */
  machinesChanged(): boolean {
    const { a, b } = this.world.nodes;
    const changes = (a.actual.changes + b.actual.changes) * 4 + (a.up ? 2 : 0) + (b.up ? 1 : 0);
    if (changes === this.actualSeen) return false;
    this.actualSeen = changes;
    return true;
  }

  /**
   * A failed stop leaves its group running wherever it was (the stop sequence ends there),
   * whatever the protocol does (the machine keeps it claimed and escalates; the sim's escalation
   * hook reboots the machine). A daemon killed with -9 leaves its resources running too.
   */
  stuck(resource: string): boolean {
    const group = this.groupOf(resource);
    return NODES.some((n) => group.resources.some((r) => this.world.nodes[n].stopFailed.has(r.id)));
  }

  groupOf(resource: string) {
    return this.world.nodes.a.config.groups.find((g) => g.resources.some((r) => r.id === resource))!;
  }

  /** A node's status entry for group `key` (nodes with drifted configs index groups differently). */
  groupStatus(s: CoreStatus, key: string): GroupStatus {
    return s.groups.find((g) => g.key === key)!;
  }
}

/** A notification hook (local/remote-failure) of this life hung at some time since `since`. */
export function notifierHungSince(node: SimNode, since: number): boolean {
  return NOTIFIERS.has(node.hungHook) && node.hookHungUntil >= since;
}

export function runsAll(actual: Map<string, string>, ids: readonly string[]): boolean {
  for (const id of ids) if (actual.get(id) !== 'running') return false;
  return true;
}

export function eligibleFor(s: CoreStatus, g: GroupStatus): boolean {
  return !s.self.standby && !s.self.leaving && !g.failedHere;
}
