// The simulated world: two machines, each running a real FailoverMachine, joined by two
// simulated links (udp, serial) with per-direction cut/loss/delay/duplication, a manual clock
// (discrete event queue), a seeded PRNG, simulated resource scripts with configurable duration
// and failures, and — for checking invariants against reality rather than claims — the state each
// resource ACTUALLY has on each machine.
//
// Fault knobs beyond the network (used by the soak): hung hooks (a hook runs until the daemon's
// kill timeout and then fails), kill -9 of the daemon with its resources left running (the next
// boot reclaims them, as src/daemon/reclaim.ts does), duplicate-address detection (an IPaddr start
// fails while the other machine has the address up, as IPaddr's arping probe does), a lost state
// file (the next boot starts at generation 1 and without standby) and configuration drift (a node
// configured with its haresources lines in another order). With duplicate-address detection the
// machines also probe a suspect peer's addresses ahead of deadtime (dad-probe: the answer says
// whether the other machine runs the address), and a start that carries such a probe skips the
// check — what it then doubles is what the dad properties judge (properties/dad.ts).
//
// Frames pass through the daemon's codec: encode + sign → link → decode + authenticate → per-link
// replay window (wire.ts; the soak copies most frames instead, for speed). Nothing is shared by
// reference between the two machines.

import { FailoverMachine } from '../../src/core/machine.js';
import type { Placement } from '../../src/core/placements.js';
import type { AutoFailback } from '../../src/core/desired.js';
import type { CoreConfig, CoreGroup, Effect, Event, HookKind, Outcome, ResourceAction } from '../../src/core/types.js';
import type { Message } from '../../src/protocol/message.js';
import { EventQueue } from './event-queue.js';
import { mulberry32, type Rng } from '../support/prng.js';
import { wireEnd, type WireEnd, type WireMode } from './wire.js';

export type NodeName = 'a' | 'b';
export const NODES: readonly NodeName[] = ['a', 'b'];
export const LINKS = ['udp', 'serial'] as const;
export type LinkName = (typeof LINKS)[number];

/** What a resource is really doing on a machine. Anything but `stopped` counts as running. */
export type Actual = 'stopped' | 'starting' | 'running' | 'stopping';

export interface WorldOptions {
  seed: number;
  autoFailback: AutoFailback;
  pingNodes: boolean;
  /** Uplink tracking (ipfail) over the ping node: each node's score is 1 while it reaches it, else 0. */
  uplink: boolean;
  fence: boolean;
  /** The fence hook succeeds without killing the peer (a storage or switch-port fence): the peer lives on. */
  softFence: boolean;
  escalate: boolean;
  /** Monitor the `httpd` resource of group 0. */
  monitor: boolean;
  keepaliveMs: number;
  warntimeMs: number;
  deadtimeMs: number;
  initdeadMs: number;
  scriptMs: { start: number; stop: number; monitor: number };
  /** Extra random duration added to each script run, 0..jitter ms. */
  scriptJitterMs: number;
  /** Record a transcript (scenarios); soak runs leave it off for speed. */
  transcript: boolean;
  /** Frames through the real codec (default) or copied (fast soak schedules); see wire.ts. */
  wire: WireMode;
  /** Duplicate-address detection: an IPaddr start fails while the other machine runs that address. */
  dad: boolean;
  /** How long a hung hook runs before the daemon kills it (and reports it failed). */
  hookHangMs: number;
  /** Transition notifications configured (master/backup/fault/stop hooks in the notify lane). */
  notify: boolean;
}

/** A duplicate-address probe a machine asked for (dad-probe), as the world carried it out. */
export interface DadProbeRecord {
  group: number;
  issuedAt: number;
  /** null until answered. */
  free: boolean | null;
}

export const defaultOptions: WorldOptions = {
  seed: 1,
  autoFailback: 'on',
  pingNodes: false,
  uplink: false,
  fence: false,
  softFence: false,
  escalate: false,
  monitor: false,
  keepaliveMs: 1000,
  warntimeMs: 2000,
  deadtimeMs: 4000,
  initdeadMs: 8000,
  scriptMs: { start: 200, stop: 100, monitor: 50 },
  scriptJitterMs: 0,
  transcript: true,
  wire: 'codec',
  dad: false,
  hookHangMs: 15000,
  notify: false,
};

const DIRECTION_KEYS: Record<LinkName, Record<NodeName, string>> = {
  udp: { a: 'udp:a>b', b: 'udp:b>a' },
  serial: { a: 'serial:a>b', b: 'serial:b>a' },
};

export const HOOK_MS = 20;
export const PING_MS = 10;
/** A duplicate-address probe: one ARP probe and its wait. */
export const DAD_PROBE_MS = 10;
export const LINK_DELAY_MS: Record<LinkName, number> = { udp: 1, serial: 15 };

export function makeGroups(monitor: boolean): CoreGroup[] {
  const monitorSpec = monitor ? { intervalMs: 2000, timeoutMs: 1000, failuresBeforeRestart: 2, maxRestarts: 1 } : undefined;
  return [
    { index: 0, key: 'IPaddr::10.0.0.1/24/eth0', owner: 'a', resources: [{ id: 'IPaddr::10.0.0.1/24/eth0' }, monitorSpec ? { id: 'httpd', monitor: monitorSpec } : { id: 'httpd' }] },
    { index: 1, key: 'IPaddr::10.0.0.2/24/eth0', owner: 'b', resources: [{ id: 'IPaddr::10.0.0.2/24/eth0' }] },
  ];
}

/**
 * `drift`: this node's haresources lists the groups in reverse order. The digest stays the same:
 * src/config/digest.ts hashes the groups in key order, so a reorder is the same configuration.
 */
export function makeConfig(self: NodeName, o: WorldOptions, drift = false): CoreConfig {
  const groups = makeGroups(o.monitor);
  return {
    self,
    peer: self === 'a' ? 'b' : 'a',
    keepaliveMs: o.keepaliveMs,
    warntimeMs: o.warntimeMs,
    deadtimeMs: o.deadtimeMs,
    initdeadMs: o.initdeadMs,
    autoFailback: o.autoFailback,
    groups: drift ? groups.reverse().map((g, index) => ({ ...g, index })) : groups,
    links: [...LINKS],
    configDigest: 'aaaaaa',
    pingNodesConfigured: o.pingNodes,
    fenceBeforeTakeover: o.fence,
    escalateOnStopFailure: o.escalate,
    notifyTransitions: o.notify,
    ...(o.uplink ? { uplink: { enabled: true, delayMs: o.deadtimeMs, probeEveryMs: o.keepaliveMs } } : {}),
    dadPreProbe: o.dad,
  };
}

/** The group only a node with other groups (withOtherGroups) lists. */
export const EXTRA_GROUP_KEY = 'IPaddr::10.0.0.3/24/eth0';

/**
 * Drift in the group SET, not only the order: `config` plus a group the peer does not list
 * (owned by `owner`), under a digest whose group part differs (src/protocol/message.ts
 * sameGroups), so the two nodes cannot read each other's claims.
 */
export function withOtherGroups(config: CoreConfig, owner: NodeName): CoreConfig {
  const extra: CoreGroup = { index: config.groups.length, key: EXTRA_GROUP_KEY, owner, resources: [{ id: EXTRA_GROUP_KEY }] };
  return { ...config, configDigest: 'bbbb' + config.configDigest.slice(4), groups: [...config.groups, extra] };
}

/**
 * Owner lines that differ (the same keys): `config` with group `key` given to `owner`, under a
 * digest whose group part differs (src/protocol/message.ts sameGroups), so the two nodes are in
 * group drift but list the same keys (src/core/drift.ts "Owners only").
 */
export function withOwnerLine(config: CoreConfig, key: string, owner: NodeName): CoreConfig {
  const groups = config.groups.map((g) => (g.key === key ? { ...g, owner } : g));
  return { ...config, configDigest: 'cccc' + config.configDigest.slice(4), groups };
}

interface Direction {
  cut: boolean;
  loss: number;
  /** Added to every frame's delay. */
  fixedDelayMs: number;
  /** Random extra delay, 0..extraDelayMs (reorders frames). */
  extraDelayMs: number;
  dup: number;
}

interface Fault {
  match: string;
  remaining: number;
}

export class SimNode {
  up = false;
  paused = false;
  generation = 0;
  standby = false;
  /** Operator moves as last persisted (src/core/placements.ts). */
  placements: Placement[] = [];
  machine: FailoverMachine | null = null;
  /** Bumped at every kill/boot/stop so completions of a previous life are dropped. */
  incarnation = 0;
  inbox: Event[] = [];
  wire: WireEnd;
  actual = new ActualMap();
  /** Resources whose stop failed in this life: they may run on regardless of any protocol. */
  stopFailed = new Set<string>();
  failStart: Fault[] = [];
  failStop: Fault[] = [];
  fenceFails = false;
  /** Hook run time by kind (default HOOK_MS): a hung notifier is a long one. */
  hookMs: Partial<Record<HookKind, number>> = {};
  pingReachable = true;
  config: CoreConfig;
  lastSendKey = '';
  /** The next this-many hooks hang until the daemon kills them (hookHangMs), then fail. */
  hangHooks = 0;
  /** A hook of this life is hung until this time (-Infinity: none), and which one. */
  hookHungUntil = -Infinity;
  hungHook = '';
  /** The daemon was killed with -9 and its resources keep running until the next boot reclaims them. */
  orphaned = false;
  /** The peer's newest status heard in this life (by generation, then seq) and when it was heard. */
  heard: Message | null = null;
  heardAt: number | null = null;
  /** When this life's current pause began (null: not paused) and its finished pauses. */
  pausedAt: number | null = null;
  pauses: { from: number; to: number }[] = [];
  /** This life's duplicate-address probes, by opId. */
  dadProbes = new Map<number, DadProbeRecord>();

  constructor(
    readonly name: NodeName,
    options: WorldOptions,
  ) {
    this.config = makeConfig(name, options);
    this.wire = wireEnd(options.wire, name, ['a', 'b']);
    for (const g of this.config.groups) for (const r of g.resources) this.actual.set(r.id, 'stopped');
  }

  get peer(): NodeName {
    return this.name === 'a' ? 'b' : 'a';
  }

  running(resource: string): boolean {
    return (this.actual.get(resource) ?? 'stopped') !== 'stopped';
  }
}

/** What runs on a machine, with a change counter so observers can skip work when nothing changed. */
export class ActualMap extends Map<string, Actual> {
  changes = 0;

  override set(id: string, state: Actual): this {
    this.changes += 1;
    return super.set(id, state);
  }
}

export interface WorldObserver {
  /**
   * A start was issued on `node` for `resource` (checked against the peer's actual state);
   * `dadProbe`: it skips duplicate-address detection on the strength of that probe.
   */
  startIssued?(world: World, node: SimNode, resource: string, dadProbe?: number): void;
  /** A hook was started on `node`, with the environment the machine gave it. */
  hookRun?(world: World, node: SimNode, hook: HookKind, env: Record<string, string>): void;
  /** Called after every processed queue entry. */
  afterStep?(world: World): void;
  /** A machine logged an event (called before the effects that follow it are carried out). */
  logged?(world: World, node: SimNode, event: string, level: string): void;
  /** A hook finished (`hung`: it was killed after hookHangMs). */
  hookDone?(world: World, node: SimNode, hook: string, ok: boolean, hung: boolean): void;
}

export class World {
  now = 0;
  readonly rng: Rng;
  readonly options: WorldOptions;
  readonly nodes: Record<NodeName, SimNode>;
  readonly lines: string[] = [];
  private queue = new EventQueue();
  private directions = new Map<string, Direction>();
  observer: WorldObserver = {};
  /** Number of machine.step calls, for performance reporting. */
  steps = 0;
  /** Bumped whenever link settings or pauses change (lets observers cache derived facts). */
  version = 0;

  constructor(options: Partial<WorldOptions> = {}) {
    this.options = { ...defaultOptions, ...options };
    this.rng = mulberry32(this.options.seed);
    this.nodes = { a: new SimNode('a', this.options), b: new SimNode('b', this.options) };
    for (const link of LINKS) for (const d of ['a>b', 'b>a']) this.directions.set(`${link}:${d}`, { cut: false, loss: 0, fixedDelayMs: 0, extraDelayMs: 0, dup: 0 });
  }

  // ------------------------------------------------------------ time

  /** Run every queued action up to and including `until`. */
  runUntil(until: number): void {
    for (;;) {
      const at = this.queue.peekAt();
      if (at === undefined || at > until) break;
      const entry = this.queue.pop()!;
      this.now = entry.at;
      entry.run();
      this.observer.afterStep?.(this);
    }
    this.now = until;
  }

  advance(ms: number): void {
    this.runUntil(this.now + ms);
  }

  schedule(delayMs: number, run: () => void): void {
    this.queue.push(this.now + delayMs, run);
  }

  record(node: NodeName | '-', text: string): void {
    if (this.options.transcript) this.lines.push(`${String(this.now).padStart(6)} ${node} ${text}`);
  }

  // ------------------------------------------------------------ network

  direction(link: LinkName, from: NodeName): Direction {
    return this.directions.get(DIRECTION_KEYS[link][from])!;
  }

  /** Apply `change` to the chosen links and directions. */
  setLinks(links: readonly LinkName[], froms: readonly NodeName[], change: Partial<Direction>): void {
    this.version += 1;
    for (const link of links) for (const from of froms) Object.assign(this.direction(link, from), change);
  }

  /** A link carries frames both ways without loss (the premise of the safety invariant). */
  linkWorksBothWays(link: LinkName): boolean {
    return NODES.every((from) => {
      const d = this.direction(link, from);
      return !d.cut && d.loss === 0 && d.fixedDelayMs + d.extraDelayMs < this.options.keepaliveMs;
    });
  }

  anyLinkWorksBothWays(): boolean {
    return LINKS.some((l) => this.linkWorksBothWays(l));
  }

  private transmit(from: SimNode, message: Message, links: readonly string[]): void {
    const frame = from.wire.encode(message);
    for (const link of links as LinkName[]) {
      const d = this.direction(link, from.name);
      if (d.cut || (d.loss > 0 && this.rng() < d.loss)) continue;
      const copies = d.dup > 0 && this.rng() < d.dup ? 2 : 1;
      for (let i = 0; i < copies; i++) {
        const jitter = d.extraDelayMs > 0 ? Math.floor(this.rng() * d.extraDelayMs) : 0;
        this.schedule(LINK_DELAY_MS[link] + d.fixedDelayMs + jitter + i, () => this.receive(this.nodes[from.peer], link, frame));
      }
    }
  }

  private receive(to: SimNode, link: LinkName, frame: string | Message): void {
    if (!to.up) return;
    const message = to.wire.decode(frame, link);
    if (!message) return;
    this.deliver(to, { type: 'heard', now: this.now, link, message });
  }

  // ------------------------------------------------------------ machines

  boot(name: NodeName): void {
    const node = this.nodes[name];
    if (node.up) return;
    this.version += 1;
    node.up = true;
    node.paused = false;
    node.inbox = [];
    node.wire = wireEnd(this.options.wire, name, ['a', 'b']);
    node.generation += 1;
    node.incarnation += 1;
    node.lastSendKey = '';
    node.heard = null;
    node.heardAt = null;
    node.pausedAt = null;
    node.pauses = [];
    node.dadProbes = new Map();
    node.hookHungUntil = -Infinity;
    if (node.orphaned) this.reclaim(node);
    node.machine = new FailoverMachine(node.config, { generation: node.generation, standby: node.standby, placements: node.placements, now: this.now });
    this.record(name, `boot generation=${node.generation}${node.standby ? ' standby' : ''}`);
    this.scheduleTick(node, node.incarnation, 0);
  }

  /**
   * The node's state file is gone (disk replaced, tmpfs, restored snapshot): its next boot starts
   * again at generation 1 and without standby, whatever the peer remembers.
   */
  loseState(name: NodeName): void {
    const node = this.nodes[name];
    node.generation = 0;
    node.standby = false;
    node.placements = [];
    this.record(name, 'state file lost');
  }

  /** Power off: the process and every resource on the machine are gone. */
  kill(name: NodeName, why = 'kill'): void {
    const node = this.nodes[name];
    if (!node.up) return;
    this.down(node);
    for (const id of node.actual.keys()) node.actual.set(id, 'stopped');
    node.stopFailed.clear();
    node.orphaned = false;
    this.record(name, `${why}: machine down, resources gone`);
  }

  /** kill -9 of the daemon only: what runs keeps running (a start in flight completes). */
  killDaemon(name: NodeName): void {
    const node = this.nodes[name];
    if (!node.up) return;
    this.down(node);
    for (const [id, state] of node.actual) node.actual.set(id, state === 'starting' || state === 'running' ? 'running' : 'stopped');
    node.orphaned = [...node.actual.values()].some((state) => state !== 'stopped');
    this.record(name, `kill -9 of the daemon: resources left ${node.orphaned ? 'running' : 'stopped'}`);
  }

  /** Start-up reclaim (src/daemon/reclaim.ts): stop whatever a killed daemon left running. */
  private reclaim(node: SimNode): void {
    for (const id of node.actual.keys()) node.actual.set(id, 'stopped');
    node.stopFailed.clear();
    node.orphaned = false;
    this.record(node.name, 'startup-reclaim: leftovers stopped');
  }


  private down(node: SimNode): void {
    this.version += 1;
    node.up = false;
    node.paused = false;
    node.machine = null;
    node.inbox = [];
    node.incarnation += 1;
  }

  pause(name: NodeName): void {
    const node = this.nodes[name];
    if (!node.up || node.paused) return;
    node.paused = true;
    node.pausedAt = this.now;
    this.version += 1;
    this.record(name, 'paused (SIGSTOP)');
  }

  resume(name: NodeName): void {
    const node = this.nodes[name];
    if (!node.up || !node.paused) return;
    node.paused = false;
    node.pauses.push({ from: node.pausedAt ?? this.now, to: this.now });
    node.pausedAt = null;
    this.version += 1;
    this.record(name, 'resumed (SIGCONT)');
    const inbox = node.inbox;
    node.inbox = [];
    this.step(node, { type: 'tick', now: this.now });
    for (const event of inbox) this.deliver(node, { ...event, now: this.now });
  }

  private scheduleTick(node: SimNode, incarnation: number, delay: number): void {
    this.schedule(delay, () => {
      if (node.incarnation !== incarnation) return;
      if (!node.paused) this.deliver(node, { type: 'tick', now: this.now });
      this.scheduleTick(node, incarnation, this.options.keepaliveMs / 2);
    });
  }

  /** Hand an event to a node's machine (queued while paused, dropped while down). */
  deliver(node: SimNode, event: Event): void {
    if (!node.up) return;
    if (node.paused) {
      if (event.type !== 'tick') node.inbox.push(event);
      return;
    }
    this.step(node, event);
  }

  private step(node: SimNode, event: Event): void {
    if (!node.machine) return;
    this.steps += 1;
    if (event.type === 'heard' && event.message.from === node.peer) this.noteHeard(node, event.message);
    const effects = node.machine.step(event);
    for (const effect of effects) this.perform(node, effect);
  }

  private noteHeard(node: SimNode, m: Message): void {
    node.heardAt = this.now;
    const h = node.heard;
    if (!h || m.generation > h.generation || (m.generation === h.generation && m.seq > h.seq)) node.heard = m;
  }

  // ------------------------------------------------------------ effects

  private perform(node: SimNode, effect: Effect): void {
    switch (effect.type) {
      case 'send':
        this.recordSend(node, effect.message);
        return this.transmit(node, effect.message, effect.links ?? LINKS);
      case 'run-resource':
        return this.runResource(node, effect.opId, effect.resource, effect.action, effect.dadProbe);
      case 'dad-probe':
        return this.dadProbe(node, effect.opId, effect.group);
      case 'run-hook':
        return this.runHook(node, effect.opId, effect.hook, effect.env);
      case 'ping-probe':
        this.record(node.name, 'ping-probe');
        return this.ping(node);
      case 'reannounce':
        return this.record(node.name, `reannounce group ${effect.group}`);
      case 'log':
        this.observer.logged?.(this, node, effect.event, effect.level);
        if (effect.level !== 'debug' && this.options.transcript) this.record(node.name, `${effect.level} ${effect.event}${formatFields(effect.fields)}`);
        return;
      case 'persist': {
        node.standby = effect.state.standby;
        node.placements = effect.state.placements;
        const renumbered = effect.state.generation !== node.generation ? ` generation=${effect.state.generation}` : '';
        node.generation = effect.state.generation;
        return this.record(node.name, `persist standby=${effect.state.standby} role=${effect.state.role}${renumbered}`);
      }
      case 'stopped':
        this.record(node.name, 'stopped: process exits');
        this.down(node);
        return;
    }
  }

  private recordSend(node: SimNode, m: Message): void {
    if (!this.options.transcript) return;
    const n = node.config.groups.length;
    const bits = (x: number) => Array.from({ length: n }, (_, i) => ((x >>> i) & 1 ? '1' : '0')).join('');
    const key = `${m.type === 2 ? 'goodbye' : 'status'} role=${m.role} holds=${bits(m.claims.holds)} wants=${bits(m.claims.wants)} grants=${bits(m.claims.grants)}${m.standby ? ' standby' : ''}`;
    if (key === node.lastSendKey) return;
    node.lastSendKey = key;
    this.record(node.name, `send ${key}`);
  }

  private scriptDuration(base: number): number {
    return base + (this.options.scriptJitterMs > 0 ? Math.floor(this.rng() * this.options.scriptJitterMs) : 0);
  }

  private runResource(node: SimNode, opId: number, resource: string, action: ResourceAction, dadProbe?: number): void {
    const incarnation = node.incarnation;
    let refused = false;
    if (action === 'start') {
      this.record(node.name, `run start ${resource}${dadProbe !== undefined ? ` (address probed free: probe ${dadProbe})` : ''}`);
      this.observer.startIssued?.(this, node, resource, dadProbe);
      // The address probe runs before the address is added: a refused start never holds it. A
      // start whose check was done ahead (dadProbe) does not probe again, as IPaddr does.
      refused = this.options.dad && dadProbe === undefined && this.addressInUse(this.nodes[node.peer], resource);
      if (!refused) node.actual.set(resource, 'starting');
    } else if (action === 'stop') {
      this.record(node.name, `run stop ${resource}`);
      if (node.running(resource)) node.actual.set(resource, 'stopping');
    }
    const base = action === 'start' ? this.options.scriptMs.start : action === 'stop' ? this.options.scriptMs.stop : this.options.scriptMs.monitor;
    this.schedule(this.scriptDuration(base), () => {
      if (node.incarnation !== incarnation) return;
      const outcome = refused ? 'failed' : this.finishResource(node, resource, action);
      if (action !== 'monitor' || outcome !== 'ok') this.record(node.name, `done ${action} ${resource} ${outcome}`);
      this.deliver(node, { type: 'resource-done', now: this.now, opId, outcome, reason: outcome === 'ok' ? '' : 'simulated' });
    });
  }

  private finishResource(node: SimNode, resource: string, action: ResourceAction): Outcome {
    if (action === 'start') {
      if (consumeFault(node.failStart, resource)) {
        node.actual.set(resource, 'stopped');
        return 'failed';
      }
      node.actual.set(resource, 'running');
      return 'ok';
    }
    if (action === 'stop') {
      if (consumeFault(node.failStop, resource)) {
        node.actual.set(resource, 'running');
        node.stopFailed.add(resource);
        return 'failed';
      }
      node.actual.set(resource, 'stopped');
      return 'ok';
    }
    return node.actual.get(resource) === 'running' ? 'ok' : 'not-running';
  }

  /** What an ARP probe for the address `resource` sees: the other machine has it up. */
  private addressInUse(other: SimNode, resource: string): boolean {
    return resource.startsWith('IPaddr') && other.actual.get(resource) === 'running';
  }

  /** IPaddr's `probe` of every address of the group, answered after DAD_PROBE_MS. */
  private dadProbe(node: SimNode, opId: number, group: number): void {
    const incarnation = node.incarnation;
    const record: DadProbeRecord = { group, issuedAt: this.now, free: null };
    node.dadProbes.set(opId, record);
    this.record(node.name, `dad-probe group ${group}`);
    this.schedule(DAD_PROBE_MS, () => {
      if (node.incarnation !== incarnation) return;
      const resources = node.config.groups[group]?.resources ?? [];
      record.free = !resources.some((r) => this.addressInUse(this.nodes[node.peer], r.id));
      this.record(node.name, `dad-result group ${group} ${record.free ? 'free' : 'in-use'}`);
      this.deliver(node, { type: 'dad-result', now: this.now, opId, free: record.free });
    });
  }

  private runHook(node: SimNode, opId: number, hook: HookKind, env: Record<string, string>): void {
    const incarnation = node.incarnation;
    const hung = node.hangHooks > 0;
    if (hung) {
      node.hangHooks -= 1;
      node.hookHungUntil = this.now + this.options.hookHangMs;
      node.hungHook = hook;
    }
    this.record(node.name, `hook ${hook}${hung ? ' (hangs)' : ''}`);
    this.observer.hookRun?.(this, node, hook, env);
    this.schedule(hung ? this.options.hookHangMs : (node.hookMs[hook] ?? HOOK_MS), () => {
      if (node.incarnation !== incarnation) return;
      const ok = !hung && (hook !== 'fence' || !node.fenceFails);
      this.record(node.name, `hook-done ${hook} ${ok ? 'ok' : hung ? 'killed after hanging' : 'failed'}`);
      this.observer.hookDone?.(this, node, hook, ok, hung);
      if (hook === 'fence' && ok && !this.options.softFence) this.kill(node.peer, `fenced by ${node.name}`);
      this.deliver(node, { type: 'hook-done', now: this.now, opId, ok, reason: ok ? '' : hung ? 'killed after the stop timeout' : 'simulated fence failure' });
      // The escalation hook of a real installation reboots the machine (Heartbeat: reboot -nf).
      if (hook === 'escalate' && ok) this.kill(node.name, 'escalation: self-fence');
    });
  }

  private ping(node: SimNode): void {
    const incarnation = node.incarnation;
    this.schedule(PING_MS, () => {
      if (node.incarnation !== incarnation) return;
      const reachable = node.pingReachable ? 1 : 0;
      this.record(node.name, `ping-result ${reachable}/1`);
      this.deliver(node, { type: 'ping-result', now: this.now, reachable, total: 1 });
    });
  }

  /** Resource ids in config order. */
  resourceIds(): string[] {
    return this.nodes.a.config.groups.flatMap((g) => g.resources.map((r) => r.id));
  }
}

function consumeFault(faults: Fault[], resource: string): boolean {
  const fault = faults.find((f) => f.remaining > 0 && resource.includes(f.match));
  if (!fault) return false;
  fault.remaining -= 1;
  return true;
}

export function addFault(list: Fault[], match: string, count: number): void {
  list.push({ match, remaining: count });
}

function formatFields(fields: Record<string, unknown> | undefined): string {
  if (!fields) return '';
  return Object.entries(fields)
    .map(([k, v]) => ` ${k}=${String(v)}`)
    .join('');
}
