// The daemon's Prometheus metrics, kept in a prom-client registry: gauges and counters read from
// the same status report as `twinbeat status --json` at scrape time (so the two never disagree),
// histograms the daemon observes as things happen (heartbeat inter-arrival per link, resource
// action duration), and the process metrics of prom-client's collectDefaultMetrics. Every known
// label value — drop reasons (src/protocol/drops.ts), core events (src/core/events.ts), link
// states, roles — exists from the first scrape at 0, so an `increase()` alert fires on the first
// occurrence. Metric names are part of the operator contract: only add, never rename.
// Touches nothing outside the registry; the HTTP side is metrics.ts.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ROLE_CODES } from '../protocol/message.js';
import { DROP_REASONS } from '../protocol/drops.js';
import { CORE_EVENTS } from '../core/events.js';
import { hookKinds, type HookKind, type Outcome, type ResourceAction } from '../core/types.js';
import { ran } from './notify.js';
import type { UplinkState } from '../core/uplink.js';
import type { LinkState } from '../core/links.js';
import type { StatusReport } from './status-report.js';
import type { WorldActions } from './loop.js';

/** What the metrics read at scrape time. */
export interface MetricsSources {
  report(): StatusReport;
  /** Core events logged since start, by event name (Loop.coreEvents()). */
  coreEvents(): Record<string, number>;
}

export interface DaemonMetricsOptions {
  /** Link names known at start: their histograms exist (empty) from the first scrape. */
  links?: readonly string[];
  /** Resource ids known at start: their action-duration histograms exist from the first scrape. */
  resources?: readonly string[];
  /**
   * prom-client's process and Node.js metrics (CPU, RSS, descriptors, heap, GC, event-loop lag).
   * Read at scrape time, except the event-loop-lag sampler, whose period this sets (ms): the
   * library's 10 ms default would wake an otherwise idle daemon 100 times a second.
   */
  processMetrics?: { eventLoopSampleMs: number } | false;
}

/**
 * Event-loop-lag sampling period of the process metrics, ms. prom-client's 10 ms default is a
 * timer wake-up every 10 ms; once a second is enough to see a stall of the loop (which the core's
 * local-stall guard reports anyway) and costs nothing measurable at idle.
 */
export const METRICS_EVENT_LOOP_SAMPLE_MS = 1000;

/**
 * `list` as given, when it names every member of the union T: a member added to the type but not
 * to a list below is a compile error, so its series could not be missing at the first scrape.
 */
const everyOf = <T extends string>() => <const L extends readonly T[]>(list: L & ([T] extends [L[number]] ? unknown : { missing: Exclude<T, L[number]> })): L => list;

export const ROLES = Object.keys(ROLE_CODES);
export const PEER_STATES = everyOf<StatusReport['peer']['state']>()(['alive', 'dead', 'unknown']);
export const UPLINK_STATES = everyOf<UplinkState>()(['off', 'ok', 'worse', 'handing-over', 'recovering']);
export const LINK_STATES = everyOf<LinkState>()(['init', 'up', 'late', 'dead']);
export const RESOURCE_ACTIONS = everyOf<ResourceAction>()(['start', 'stop', 'status', 'monitor']);
/** What a hook run can come to (the runner's outcomes for hooks). */
export const HOOK_OUTCOMES: readonly Outcome[] = ['ok', 'failed', 'timed-out', 'not-installed'];

/** Seconds. Heartbeats come every keepalive (typically 0.1–2 s); deadtime is rarely over 30 s. */
export const INTER_ARRIVAL_BUCKETS = [0.05, 0.1, 0.2, 0.5, 1, 1.5, 2, 3, 5, 10, 30];
/** Seconds. Dummy takes ms, IPaddr with DAD and ARP ~1 s, a database start can take a minute. */
export const ACTION_DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

const seconds = (ms: number): number => ms / 1000;
const flag = (b: boolean): number => (b ? 1 : 0);

/** One sample per possible value, 1 for the current one (Prometheus "state set"). */
function setStates(g: Gauge<string>, states: readonly string[], current: string, labels: Record<string, string>, key: string): void {
  for (const s of states) g.set({ ...labels, [key]: s }, flag(s === current));
  if (!states.includes(current)) g.set({ ...labels, [key]: current }, 1);
}

export class DaemonMetrics {
  readonly registry = new Registry();
  /** The report of the scrape in progress: built once per scrape, read by every collect(). */
  private current: { report: StatusReport; events: Record<string, number> } | null = null;
  private readonly lastAccepted = new Map<string, number>();
  private readonly interArrival: Histogram<'link'>;
  private readonly actionDuration: Histogram<'resource' | 'action'>;
  private readonly hookRuns: Counter<'hook' | 'outcome'>;

  constructor(
    private readonly sources: MetricsSources,
    opts: DaemonMetricsOptions = {},
  ) {
    const registers = [this.registry];
    // A gauge whose samples are recomputed from the scrape's report: reset, then fill.
    const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge<string>, r: StatusReport) => void) => {
      const self = this;
      new Gauge({ name, help, labelNames, registers, collect() {
        this.reset();
        if (self.current !== null) fill(this, self.current.report);
      } });
    };
    // A counter mirrored from a running total the daemon keeps (link counters, core events).
    const counter = (name: string, help: string, labelNames: string[], fill: (add: (labels: Record<string, string>, n: number) => void) => void) => {
      const self = this;
      new Counter({ name, help, labelNames, registers, collect() {
        this.reset();
        if (self.current !== null) fill((labels, n) => this.inc(labels, n));
      } });
    };

    gauge('twinbeat_info', 'Constant 1; labels name this node, its peer, the version and the shared configuration digest.', ['node', 'peer', 'version', 'config_digest'], (g, r) =>
      g.set({ node: r.self.name, peer: r.peer.name, version: r.daemon.version, config_digest: r.configDigest.self }, 1));
    gauge('twinbeat_uptime_seconds', 'Seconds since this daemon started.', [], (g, r) => g.set(seconds(r.daemon.uptimeMs)));
    gauge('twinbeat_role', 'Role this node announces: 1 for the current role.', ['node', 'role'], (g, r) => setStates(g, ROLES, r.self.role, { node: r.self.name }, 'role'));
    gauge('twinbeat_standby', '1 while this node is in operator standby.', ['node'], (g, r) => g.set({ node: r.self.name }, flag(r.self.standby === true)));
    gauge('twinbeat_generation', 'Boot counter of each node (the peer\'s as last heard).', ['node'], (g, r) => {
      g.set({ node: r.self.name }, r.self.generation ?? 0);
      if (r.peer.generation !== null) g.set({ node: r.peer.name }, r.peer.generation);
    });
    gauge('twinbeat_peer_alive', '1 while any link hears the peer.', ['peer'], (g, r) => g.set({ peer: r.peer.name }, flag(r.peer.state === 'alive')));
    gauge('twinbeat_peer_state', 'Peer state: 1 for the current one.', ['peer', 'state'], (g, r) => setStates(g, PEER_STATES, r.peer.state, { peer: r.peer.name }, 'state'));
    gauge('twinbeat_peer_last_heard_seconds', 'Seconds since any accepted frame from the peer (absent if never).', ['peer'], (g, r) => {
      if (r.peer.lastHeardAgeMs !== null) g.set({ peer: r.peer.name }, seconds(r.peer.lastHeardAgeMs));
    });
    gauge('twinbeat_config_digest_match', '1 if the peer runs the same shared configuration (absent until it is heard; the digest is a label of twinbeat_info).', ['peer'], (g, r) => {
      if (r.configDigest.match !== null) g.set({ peer: r.peer.name }, flag(r.configDigest.match));
    });

    gauge('twinbeat_link_up', '1 while the peer is heard on the link in time (state up).', ['link', 'kind'], (g, r) => r.links.forEach((l) => g.set({ link: l.name, kind: l.kind }, flag(l.state === 'up'))));
    gauge('twinbeat_link_state', 'Link liveness: 1 for the current state.', ['link', 'state'], (g, r) => r.links.forEach((l) => setStates(g, LINK_STATES, l.state, { link: l.name }, 'state')));
    gauge('twinbeat_link_medium_up', '0 while the medium itself is down (device missing, socket error).', ['link'], (g, r) => r.links.forEach((l) => g.set({ link: l.name }, flag(l.mediumDown === null))));
    gauge('twinbeat_link_last_heard_seconds', 'Seconds since the peer was last heard on the link (absent if never).', ['link'], (g, r) =>
      r.links.forEach((l) => l.lastHeardAgeMs !== null && g.set({ link: l.name }, seconds(l.lastHeardAgeMs))));
    counter('twinbeat_link_frames_sent_total', 'Frames sent on the link.', ['link'], (add) => this.report().links.forEach((l) => add({ link: l.name }, l.framesSent)));
    counter('twinbeat_link_frames_received_total', 'Frames received on the link (before decoding).', ['link'], (add) => this.report().links.forEach((l) => add({ link: l.name }, l.framesReceived)));
    counter('twinbeat_link_drops_total', 'Frames dropped on the link, by reason (every known reason from 0).', ['link', 'reason'], (add) => {
      for (const l of this.report().links) {
        for (const reason of DROP_REASONS) add({ link: l.name, reason }, l.drops[reason] ?? 0);
        for (const [reason, n] of Object.entries(l.drops)) if (!(DROP_REASONS as readonly string[]).includes(reason)) add({ link: l.name, reason }, n);
      }
    });

    gauge('twinbeat_uplink_score', 'Uplink score (ping targets reached plus tracked interfaces up) of each node: ours as measured, the peer\'s as announced (absent while unknown or tracking off).', ['node'], (g, r) => {
      if (r.uplink?.self) g.set({ node: r.self.name }, r.uplink.self.score);
      if (r.uplink && r.uplink.peer !== null) g.set({ node: r.peer.name }, r.uplink.peer);
    });
    gauge('twinbeat_uplink_state', 'Uplink tracking state: 1 for the current one (worse: moving after deadping unless it recovers; handing-over: our groups go to the peer).', ['state'], (g, r) =>
      setStates(g, UPLINK_STATES, r.uplink?.state ?? 'off', {}, 'state'));
    counter('twinbeat_uplink_handovers_total', 'Times this node handed its groups to the peer for a worse uplink.', [], (add) => add({}, this.report().uplink?.handovers ?? 0));
    gauge('twinbeat_group_held', '1 while the group is started, running or stopping on this node.', ['group'], (g, r) => r.groups.forEach((x) => g.set({ group: x.key }, flag(x.phase !== 'stopped'))));
    gauge('twinbeat_groups_held', 'Groups started, running or stopping on this node.', [], (g, r) => g.set(r.groups.filter((x) => x.phase !== 'stopped').length));
    gauge('twinbeat_group_holders', 'Nodes holding the group as far as this node knows: 0 nobody, 2 split brain.', ['group'], (g, r) => r.groups.forEach((x) => g.set({ group: x.key }, x.holders.length)));
    gauge('twinbeat_group_no_eligible_holder', '1 while nobody may hold the group (this node not eligible, the peer dead, in standby or declining it).', ['group'], (g, r) => r.groups.forEach((x) => g.set({ group: x.key }, flag(x.noEligibleHolder !== null))));
    gauge('twinbeat_resource_running', '1 while the resource runs on this node.', ['group', 'resource'], (g, r) =>
      r.groups.forEach((x) => x.resources.forEach((res) => g.set({ group: x.key, resource: res.id }, flag(res.state === 'running')))));
    gauge('twinbeat_resource_monitor_failures', 'Consecutive tb_monitor failures.', ['resource'], (g, r) =>
      r.groups.forEach((x) => x.resources.forEach((res) => g.set({ resource: res.id }, res.monitorFailures))));
    gauge('twinbeat_resource_restarts', 'Local restarts by tb_monitor while the group has been here.', ['resource'], (g, r) =>
      r.groups.forEach((x) => x.resources.forEach((res) => g.set({ resource: res.id }, res.restarts))));
    counter('twinbeat_core_events_total', 'Core events since start, by the event name in the log (every known event from 0).', ['event'], (add) => {
      const events = this.current?.events ?? {};
      for (const event of CORE_EVENTS) add({ event }, events[event] ?? 0);
      for (const [event, n] of Object.entries(events)) if (!CORE_EVENTS.includes(event)) add({ event }, n);
    });

    this.interArrival = new Histogram({
      name: 'twinbeat_heartbeat_interarrival_seconds',
      help: 'Time between two accepted frames from the peer on the link: the jitter deadtime must tolerate.',
      labelNames: ['link'], buckets: INTER_ARRIVAL_BUCKETS, registers,
    });
    for (const link of opts.links ?? []) this.interArrival.zero({ link });
    this.actionDuration = new Histogram({
      name: 'twinbeat_resource_action_duration_seconds',
      help: 'Duration of resource script runs (start, stop, status, monitor), whatever their outcome.',
      labelNames: ['resource', 'action'], buckets: ACTION_DURATION_BUCKETS, registers,
    });
    for (const resource of opts.resources ?? []) for (const action of RESOURCE_ACTIONS) this.actionDuration.zero({ resource, action });

    this.hookRuns = new Counter({
      name: 'twinbeat_hook_runs_total',
      help: 'Hook runs (fence, escalate and the notifications: local-failure, remote-failure, master, backup, fault, stop with the generic notify script) by outcome; timed-out = killed at its timeout. Hooks not configured are not counted.',
      labelNames: ['hook', 'outcome'], registers,
    });
    for (const hook of hookKinds) for (const outcome of HOOK_OUTCOMES) this.hookRuns.inc({ hook, outcome }, 0);

    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: opts.processMetrics.eventLoopSampleMs });
  }

  private report(): StatusReport {
    return this.current!.report;
  }

  /** A frame from the peer was accepted on `link` at `at` (ms, the daemon's clock). */
  frameAccepted(link: string, at: number): void {
    const previous = this.lastAccepted.get(link);
    this.lastAccepted.set(link, at);
    if (previous !== undefined && at >= previous) this.interArrival.observe({ link }, seconds(at - previous));
  }

  /** A resource script run finished (any outcome), after `durationMs`. */
  resourceActionDone(resource: string, action: ResourceAction, durationMs: number): void {
    this.actionDuration.observe({ resource, action }, seconds(durationMs));
  }

  /** A hook (or a notification's scripts) ran and came to `outcome`. */
  hookRan(hook: HookKind, outcome: Outcome): void {
    this.hookRuns.inc({ hook, outcome });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text for one scrape: one status report, every collector reads it. */
  async render(): Promise<string> {
    this.current = { report: this.sources.report(), events: this.sources.coreEvents() };
    try {
      return await this.registry.metrics();
    } finally {
      this.current = null;
    }
  }
}

/** The exposition text for one report (tests, tools): a fresh registry without process metrics. */
export function renderMetrics(report: StatusReport, coreEvents: Record<string, number> = {}): Promise<string> {
  return new DaemonMetrics({ report: () => report, coreEvents: () => coreEvents }).render();
}

/** The world actions with each resource script run's duration observed (metrics on), or as they are. */
export function observedActions(actions: WorldActions, metrics: DaemonMetrics | null): WorldActions {
  if (metrics === null) return actions;
  return {
    ...actions,
    runResource: async (group, resourceId, action, options) => {
      const result = await actions.runResource(group, resourceId, action, options);
      metrics.resourceActionDone(resourceId, action, result.durationMs);
      return result;
    },
    runHook: async (hook, env) => {
      const result = await actions.runHook(hook, env);
      if (ran(result)) metrics.hookRan(hook, result.outcome);
      return result;
    },
  };
}
