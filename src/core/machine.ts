// FailoverMachine: the pure failover core. Events in, effects out; no clock, no I/O, no
// randomness. src/daemon/loop.ts and test/sim are its only callers.
//
// THE PROTOCOL (a reconcile loop over status heartbeats; every status carries the full claims, so
// any lost frame is repaired by the next one):
//
// * Each node sends a Status every keepalive, and at once whenever its role, standby flag or
//   claims change. seq is +1 per status; ack(Generation|Seq) is the newest peer status accepted.
// * Per group both nodes compute the desired holder from shared inputs (desired.ts): peer dead →
//   me if eligible; me ineligible (standby, leaving, isolated, failed here) → peer; peer in
//   standby/leaving or plainly granting the group → me; peer demanding a takeover → peer; else
//   auto_failback on/legacy → owner, off → current single holder, else owner.
// * holds(G): from the moment a start is issued until a stop has completed successfully (a failed
//   stop keeps it set forever: "never report released what may still run").
//   wants(G): desired is me. grants(G): desired is not me AND I do not hold G AND I am past
//   start-up. (wants ∧ grants on every bit = takeover demand, see claims.ts.)
// * START G only if I want G, G is stopped here, I am past start-up, and either
//     - the peer is dead and the takeover gate (takeover-gate.ts: tie delay, ping nodes, fence)
//       is open, or
//     - the peer's latest status plainly grants G, does not hold G, and acknowledges a status of
//       mine at or after the one where I first announced this want (ack ≥ wantSince).
//   Because a grant is only given by a node that does not hold G and does not want G, and a want
//   is re-announced with a fresh seq whenever it lapses, two nodes that hear each other can never
//   both start G: each start would need a grant sent after the other's want was received, and
//   each grant precedes its sender's want — a causal cycle.
// * STOP G when I hold it (and it is running) and desired is not me. The peer then sees my grant
//   and starts: stop on one side completes before start on the other, by construction.
// * Split brain (every link dead while the peer lives) lets both start. When links return and both
//   hold G the desired rule has one answer (on: owner; off: both hold → owner); the other side
//   stops, and the keeper, seeing the peer's holds bit clear, emits `reannounce` (gratuitous ARP).
// * One-way failure: if the peer (which we hear) has acknowledged none of our statuses for
//   deadtime, it cannot hear us and believes us dead; we yield any group it claims (desired.ts).
// * Start-up: role `init` until the peer is heard or initdead expires; nothing starts in init.
// * Graceful stop: role `leaving` → ineligible for everything → groups stop in reverse → Goodbye
//   (holds nothing) → `stopped`. The peer treats Goodbye as immediate death without fencing.
// * Takeover command: clear my standby and, with the peer alive, demand every group; the peer
//   honours a demand that acknowledges its own last takeover by YIELDING (deferringToPeer, never
//   persisted): it releases what we want and leaves every group we hold with us until we die,
//   leave or enter standby. Only a node's own `standby` command persists. Both demanding at
//   once: the node whose name sorts first (JS string order, the same on both) wins, the other
//   yields; never both. With the peer dead or stopped, takeover simply clears standby (and the
//   yield): the dead-peer gate rules (tie delay, ping, fence) still apply.
// * Online command: clear standby and any yield without moving a group: the node becomes
//   eligible but defers to the peer for every group the peer holds (so auto_failback does not
//   pull them back by itself) until the peer dies, leaves or enters standby, or `takeover` here.
// * Availability first: the death or graceful stop of the peer cancels our standby (Heartbeat
//   §6.7 "death of either node cancels the standby"), with a warning: `standby-cancelled`.
// * Nobody eligible for a group (we are ineligible, the peer is dead, in standby or declines it)
//   for a deadtime: one ERROR `no-eligible-holder` per incident, shown in status.
// * Damping: the peer is stable once heard continuously (some link up) for a deadtime. A group
//   we alone hold fails back only to a stable peer (desired.ts rule 5), and a successful fence
//   covers the whole incident: a peer that returns briefly and goes silent again is not fenced
//   again (takeover-gate.ts). Neither ever delays a takeover from a dead peer.
//
// One small method per transition; each logs a greppable `event`.
// This file keeps step() and the decisions (who should hold each group, when a start or release
// may begin, when a failed mark lapses, what we announce). What the peer told us lives in
// peer-view.ts; how a decided start, stop, rollback or monitor is carried out lives in
// group-ops.ts; neither emits anything the machine did not ask for.
//
// CONTRACT WITH THE CALLER (src/daemon/loop.ts, test/sim/world.ts):
// * deliver a `tick` at least every keepaliveMs / 2 (a longer gap between events is taken as a
//   local stall and forgiven, see awareness.ts); `now` is monotonic ms on every event;
// * carry out effects in the order returned; `send` goes on every link (or `links`), the same
//   frame on each: the receiver's replay window must be per link, or the second link would look
//   dead;
// * answer every `run-resource` with one `resource-done` and every `run-hook` with one
//   `hook-done` carrying the same opId (opIds are unique and increasing per machine instance);
//   resource actions of different groups may run concurrently, the machine never issues two for
//   the same group, and never two hooks of the same lane at once (hooks.ts: fence/escalate and
//   the notifications run in separate lanes, so they may overlap); answer `ping-probe` with
//   `ping-result`;
// * `heard` only for frames that decoded, authenticated and passed the link's replay window.

import { MAX_GENERATION, MessageType, type Role, type StatusMessage } from '../protocol/message.js';
import { OWN_GROUPS_ONLY, allGroups, bit, keySetDigest, wireOrder } from './claims.js';
import { desiredHolder, type Holder } from './desired.js';
import { agreedOwner, driftHolder, ownersDriftWhy } from './drift.js';
import { GroupOps } from './group-ops.js';
import { HookQueue } from './hooks.js';
import { StallGuard } from './awareness.js';
import { LinkTracker, type LinkChange } from './links.js';
import { PeerView, type PeerState } from './peer-view.js';
import { checkGroupCommand, claimBits, peerDeclines, placedHolder, Placements, type GroupCommand, type Placement } from './placements.js';
import type { CoreStatus } from './status.js';
import { groupStatus, newGroupRuntime, type GroupRuntime, type SentContent } from './group-state.js';
import { racesOurDemand } from './takeover-race.js';
import { TakeoverGate, type GateAction, type GateSettings } from './takeover-gate.js';
import { TransitionTracker } from './transitions.js';
import { UplinkTracker, type UplinkSettings } from './uplink.js';
import { AddressPreProbe, type PreProbeVerdict } from './dad-preprobe.js';
import type { Command, CoreConfig, Effect, Event, HookKind, LogLevel, Outcome, PersistedState } from './types.js';

type Deferral = NonNullable<CoreStatus['self']['deferringToPeer']>;

/** Why standby and takeover are refused while the peer lists other groups (see drifted()). */
const DRIFT_REFUSAL = (peer: string): string => `${peer} runs a different shared configuration: no group moves until both run the same one`;

/** Failed marks cleared automatically (peer failed too) at most this often per group. */
const MAX_AUTOMATIC_FAILED_CLEARS = 2;
/**
 * A takeover that failed while the peer is dead is retried this many times, one deadtime apart.
 * The usual cause is transient: the peer's address still answers ARP (IPaddr's duplicate-address
 * check refuses) because the peer is yielding after a one-way cut, or its daemon crashed and is
 * about to reclaim. A start that keeps failing stops after the retries: no endless loop.
 */
const MAX_TAKEOVER_RETRIES = 2;

export class FailoverMachine {
  private config: CoreConfig;
  private generation: number;
  private seq = 0;
  private standby: boolean;
  /** Online but leaving the peer's groups with it (yielded to its takeover, or `online`): never persisted. */
  private deferring: Deferral | null = null;
  private leaving = false;
  private stopped = false;
  private commUp = false;
  private readonly peer: PeerView;
  private links: LinkTracker;
  private stall: StallGuard;
  private gate: TakeoverGate;
  /** Uplink tracking (ipfail): hands our groups to a peer with a better uplink (uplink.ts). */
  private uplink: UplinkTracker;
  /** Duplicate-address probes taken while the peer is suspect (issue 13). */
  private preProbe: AddressPreProbe;
  private hooks = new HookQueue();
  private readonly transitions = new TransitionTracker();
  /** Goodbye sent: only the last notifications may still run out (each killed at its timeout) before `stopped`. */
  private goodbyeSent = false;
  private readonly ops: GroupOps;
  private groups: GroupRuntime[];
  /** Each group's bit in the claims (claims.ts wireOrder), by configuration position. */
  private wireBits: number[] = [];
  /** keySetDigest of our group keys: the peer's drift word names the same groups when equal. */
  private keySet = 0;
  private nextOp = 1;
  private now: number;
  private lastSentAt = -Infinity;
  private lastSent: SentContent | null = null;
  private lastPersisted: PersistedState | null = null;
  private persistedPlacements = 0;
  /** The peer remembers a generation of ours we cannot exceed: said once. */
  private generationExhaustedLogged = false;
  private demand: { since: number | null; startedAt: number } | null = null;
  /** seq of our first status after our own last takeover command: demands must acknowledge it. */
  private ownTakeoverSeq = 0;
  private ownTakeoverSeqPending = false;
  /** seq of the last status that carried our demand (takeover-race.ts). */
  private lastDemandSeq = 0;
  private lastCommand: CoreStatus['lastCommand'] = null;
  private out: Effect[] = [];
  private started = false;
  /** The peer's claims changed: answer at once so handshakes take a round trip, not a keepalive. */
  private replyDue = false;
  /** Since when the peer has been alive and heard on some link without a gap of warntime (damping). */
  private peerHeardSince: number | null = null;
  private peerStableNow = false;
  /** The peer died since it was last stable: its return ends the incident only once it is stable. */
  private inIncident = false;
  /** Operator moves made on this node (placements.ts); persisted. */
  private readonly placements: Placements;

  constructor(config: CoreConfig, init: { generation: number; standby: boolean; now: number; placements?: readonly Placement[] }) {
    this.config = config;
    this.generation = init.generation;
    this.standby = init.standby;
    this.now = init.now;
    this.placements = new Placements(init.placements);
    this.peer = new PeerView(init.generation);
    this.ops = new GroupOps({
      now: () => this.now,
      config: () => this.config,
      leaving: () => this.leaving,
      log: (level, event, message, fields) => this.log(level, event, message, fields),
      emit: (effect) => this.out.push(effect),
      opId: () => this.opId(),
      hook: (kind, detail) => this.enqueueHook(kind, detail),
      dadProbeUsable: (index, probe) => this.peer.state === 'dead' && this.peerRan(index) && this.preProbe.usable(index, probe, this.now, this.lastHeardAt()),
    });
    this.links = new LinkTracker(config.links, init.now, this.timing(config));
    this.stall = new StallGuard(init.now, config.keepaliveMs);
    this.gate = new TakeoverGate(this.gateSettings(config));
    this.uplink = new UplinkTracker(uplinkSettings(config), init.now);
    this.preProbe = new AddressPreProbe(config.deadtimeMs);
    this.groups = config.groups.map((group) => newGroupRuntime(group));
    this.useWireOrder();
  }

  // ---------------------------------------------------------------- public API

  step(event: Event): Effect[] {
    this.out = [];
    if (this.stopped) return [];
    this.now = Math.max(this.now, event.now);
    if (!this.started) this.announceStart();
    if (this.goodbyeSent) return this.drainAfterGoodbye(event);
    const stalled = this.stall.observe(event.now);
    if (stalled > 0) this.forgiveLocalStall(stalled);
    switch (event.type) {
      case 'tick':
        break;
      case 'heard':
        this.onHeard(event.link, event.message);
        break;
      case 'link-medium':
        this.onLinkMedium(event.link, event.up, event.reason);
        break;
      case 'resource-done':
        this.onResourceDone(event.opId, event.outcome, event.reason);
        break;
      case 'hook-done':
        this.onHookDone(event.opId, event.ok, event.reason);
        break;
      case 'ping-result':
        this.uplink.measured(uplinkMeasurement(event));
        this.applyGate(this.gate.pingResult(event.reachable, event.now), `${event.reachable}/${event.total} ping nodes reachable`);
        break;
      case 'dad-result':
        this.onDadResult(event.opId, event.free);
        break;
      case 'command':
        this.onCommand(event.command);
        break;
      case 'group-command':
        this.onGroupCommand(event.command);
        break;
      case 'config':
        this.onConfig(event.config);
        break;
    }
    this.reconcile();
    this.noteTransitions();
    return this.out;
  }

  /** After the goodbye nothing is sent or started: hook results only, then `stopped` once the notify lane is idle. */
  private drainAfterGoodbye(event: Event): Effect[] {
    if (event.type === 'hook-done') this.onHookDone(event.opId, event.ok, event.reason);
    this.maybeFinishLeaving();
    return this.out;
  }

  /**
   * The earliest time at which a tick could change something that must happen on time: the
   * next heartbeat, a link going late or dead, the end of a tie delay or a ping probe. The loop
   * wakes the core then, so failure detection and heartbeats are as precise as the timer, not a
   * tick grid. Everything else (monitors, demand expiry, one-way detection) is checked at the
   * loop's regular tick, which also arrives at least every keepalive/2 (see awareness.ts).
   */
  nextWakeAt(): number {
    if (this.stopped || this.goodbyeSent) return Infinity;
    return Math.min(this.lastSentAt + this.config.keepaliveMs, this.links.nextChangeAt(), this.gate.nextWakeAt(), this.uplink.nextWakeAt());
  }

  status(): CoreStatus {
    const latest = this.peer.latest;
    const lastHeard = this.links.views().reduce<number | null>((max, l) => (l.lastHeardAt !== null && (max === null || l.lastHeardAt > max) ? l.lastHeardAt : max), null);
    const content = this.content();
    return {
      now: this.now,
      self: { name: this.config.self, role: this.role(), standby: this.standby, deferringToPeer: this.deferring, generation: this.generation, seq: this.seq, leaving: this.leaving },
      peer: {
        name: this.config.peer,
        state: this.peer.state,
        role: latest?.role ?? null,
        standby: latest?.standby ?? null,
        generation: latest?.generation ?? null,
        leftGracefully: this.peer.leftGracefully,
        lastHeardAgoMs: lastHeard === null ? null : this.now - lastHeard,
        stable: this.peerStableNow,
      },
      links: this.links.views().map((l) => ({
        name: l.name,
        state: l.state,
        lastHeardAgoMs: l.lastHeardAt === null ? null : this.now - l.lastHeardAt,
        mediumUp: l.mediumUp,
        mediumReason: l.mediumReason,
      })),
      groups: this.groups.map((g, i) => groupStatus(g, i, this.wireBits[i]!, content, latest?.claims, this.placements.get(g.group.key))),
      takeoverGate: this.gate.state,
      uplink: this.uplink.status(),
      configDigestMatch: this.peer.digestMatch,
      takeoverDemandPending: this.demand !== null,
      hooks: this.hooks.pending(),
      lastCommand: this.lastCommand,
    };
  }

  // ---------------------------------------------------------------- setup helpers

  private useWireOrder(): void {
    this.wireBits = wireOrder(this.groups.map((g) => g.group.key));
    this.peer.useWireOrder(this.wireBits);
    this.keySet = keySetDigest(this.groups.map((g) => g.group.key));
  }

  private timing(config: CoreConfig) {
    return { warntimeMs: config.warntimeMs, deadtimeMs: config.deadtimeMs, initdeadMs: config.initdeadMs };
  }

  private gateSettings(config: CoreConfig): GateSettings {
    return {
      keepaliveMs: config.keepaliveMs,
      deadtimeMs: config.deadtimeMs,
      tieWinner: config.groups[0] === undefined || config.groups[0].owner === config.self,
      pingNodesConfigured: config.pingNodesConfigured,
      fenceBeforeTakeover: config.fenceBeforeTakeover,
    };
  }

  private log(level: LogLevel, event: string, message: string, fields?: Record<string, unknown>): void {
    this.out.push(fields ? { type: 'log', level, event, message, fields } : { type: 'log', level, event, message });
  }

  private opId(): number {
    return this.nextOp++;
  }

  private enqueueHook(hook: HookKind, detail: Record<string, string>, key?: string): void {
    const env = { TWINBEAT_NODE: this.config.self, TWINBEAT_PEER: this.config.peer, TWINBEAT_HOOK: hook, ...detail };
    const { effects, dropped, coalesced } = this.hooks.enqueue(key === undefined ? { hook, env } : { hook, env, key }, () => this.opId());
    if (dropped) this.log('warn', 'hook-dropped', `too many notifications waiting behind a slow ${hook} hook: dropped the oldest (${dropped.hook})`, { hook: dropped.hook });
    for (const c of coalesced) this.log('info', 'hook-coalesced', `${c.hook} notification for ${c.key} superseded before it ran (a newer state of the same ${c.env['TWINBEAT_TYPE'] ?? 'key'} is queued)`, { hook: c.hook, key: c.key });
    this.out.push(...effects);
  }

  /** Queue a master/backup/fault/stop notification for each group or node state that changed (transitions.ts). */
  private noteTransitions(): void {
    if (!this.config.notifyTransitions) return;
    for (const t of this.transitions.observe(this.config.self, this.groups, this.leaving)) this.enqueueHook(t.state, t.env, t.key);
  }

  // ---------------------------------------------------------------- events

  private announceStart(): void {
    this.started = true;
    const standby = this.standby ? ' (in standby, as persisted)' : '';
    this.prunePlacements();
    this.log('info', 'core-start', `generation ${this.generation}${standby}: waiting for ${this.config.peer} or initdead (${this.config.initdeadMs} ms)`, { generation: this.generation });
    if (this.config.autoFailback === 'legacy') {
      this.log('warn', 'auto-failback-legacy', 'auto_failback legacy is handled like auto_failback on (groups return to their owner); set on or off explicitly');
    }
  }

  private forgiveLocalStall(ms: number): void {
    this.links.extend(ms);
    this.applyGate(this.gate.stalled(this.now), 'ping evidence older than deadtime after the stall');
    this.uplink.stalled(this.now);
    this.log('warn', 'local-stall', `our own events arrived ${ms} ms apart: deadlines extended, the peer is not blamed for our stall`, { stallMs: ms });
  }

  private onHeard(link: string, message: StatusMessage): void {
    if (message.from !== this.config.peer) {
      this.log('warn', 'unknown-sender', `frame from ${message.from} on ${link} ignored: the peer is ${this.config.peer}`, { link, from: message.from });
      return;
    }
    const change = this.links.heard(link, this.now);
    if (change) this.logLinkChange(change);
    const accepted = this.peer.accept(message);
    if (!accepted) return;
    if (accepted.restartedFrom !== null) {
      this.log('info', 'peer-restarted', `${this.config.peer} restarted (generation ${accepted.restartedFrom} → ${message.generation})`, { generation: message.generation });
    }
    if (accepted.claimsChanged) this.replyDue = true;
    this.catchUpGeneration(message.ackGeneration, message.ackSeq);
    this.checkDigest();
    if (message.type === MessageType.Goodbye) {
      this.log('info', 'peer-goodbye', `${this.config.peer} is stopping gracefully and holds nothing: taking over at once`);
    }
    if (message.role === 'leaving') this.cancelStandby(`${this.config.peer} is stopping`);
    this.honourTakeoverDemand(message);
  }

  /**
   * Our state file was lost (disk replaced, tmpfs, restored snapshot): we started under a lower
   * generation than the peer last heard from us, and its replay windows drop all our frames as
   * `old-generation`, so it would see us dead forever while we hear it. Its acknowledgements name
   * the generation it remembers (and, for our own generation, a sequence number we have not
   * reached in this run); we continue under the next one and persist it first, so the
   * peer hears us within a keepalive. No replay hole: the jump only ever raises our generation,
   * every frame is still signed and checked against the peer's window, and frames captured from
   * any earlier run carry a generation at or below the one the peer remembers, which its window
   * refuses. A replayed acknowledgement can only push us to a generation the peer really saw.
   */
  private catchUpGeneration(remembered: number, rememberedSeq: number): void {
    // Same generation: behind only if the peer acknowledges a status we have not sent in this run.
    if (remembered < this.generation || (remembered === this.generation && rememberedSeq <= this.seq)) return;
    if (remembered >= MAX_GENERATION) {
      if (!this.generationExhaustedLogged) {
        this.generationExhaustedLogged = true;
        this.log('error', 'generation-exhausted', `${this.config.peer} remembers generation ${remembered} of ours, the highest there is: it drops our frames until it restarts`, { remembered });
      }
      return;
    }
    const before = this.generation;
    this.generation = remembered + 1;
    this.seq = 0;
    this.peer.renumber(this.generation);
    for (const g of this.groups) {
      g.wantSince = null;
      g.failedSince = null;
    }
    this.ownTakeoverSeq = 0;
    this.lastDemandSeq = 0;
    this.ownTakeoverSeqPending = this.demand !== null;
    this.placements.renumbered();
    this.log('warn', 'generation-behind', `${this.config.peer} remembers generation ${remembered} of ours but we started as ${before} (state file lost or restored): continuing as generation ${this.generation}`, { from: before, to: this.generation });
    this.persistNow();
  }

  private logLinkChange(change: LinkChange): void {
    const fields = { link: change.link, silentMs: change.silentMs };
    if (change.to === 'up') this.log('info', 'link-up', `link ${change.link} hears ${this.config.peer}`, fields);
    else if (change.to === 'late') this.log('warn', 'link-late', `Late heartbeat: ${this.config.peer} on ${change.link}: silent ${change.silentMs} ms`, fields);
    else if (change.to === 'dead') this.log('warn', 'link-dead', `link ${change.link} is dead: nothing from ${this.config.peer} for ${change.silentMs} ms`, fields);
  }

  private onLinkMedium(link: string, up: boolean, reason: string): void {
    if (!this.links.medium(link, up, reason)) return;
    this.log(up ? 'info' : 'warn', up ? 'link-medium-up' : 'link-medium-down', `link ${link} medium ${up ? 'up' : 'down'}: ${reason}`, { link, reason });
  }

  private checkDigest(): void {
    const change = this.peer.checkDigest(this.config.configDigest);
    if (!change) return;
    if (!change.match) {
      const digest = this.peer.latest!.configDigest;
      this.log('error', 'config-drift', `${this.config.peer} runs a different shared configuration (its digest ${digest}, ours ${this.config.configDigest}): haresources and timings must be identical on both nodes`, { peerDigest: digest, ourDigest: this.config.configDigest });
    } else if (change.before === false) {
      this.log('info', 'config-drift-cleared', `${this.config.peer} now runs the same shared configuration`);
    }
  }

  /**
   * The peer's operator ran takeover: yield (not persisted) unless we are in standby anyway, the
   * demand predates our own last takeover, or the two demands overlapped (ours outstanding, or the
   * peer had seen it: takeover-race.ts) and we win by name order.
   */
  private honourTakeoverDemand(message: StatusMessage): void {
    if (this.standby || this.leaving || message.standby || message.type !== MessageType.Status) return;
    if (this.deferring === 'peer-takeover') return;
    if (this.peer.groupsMatch === false || !this.peer.demandsTakeover(this.groups.length)) return;
    if (!this.peer.acknowledges(this.ownTakeoverSeq)) return;
    const raced = racesOurDemand(message.ackGeneration, message.ackSeq, { generation: this.generation, firstSeq: this.ownTakeoverSeq, lastSeq: this.lastDemandSeq });
    // A per-group move here (placements.ts) is a standing demand too: the same race.
    if (this.demand || raced || this.groups.some((g) => g.announce === 'demand')) {
      if (this.winsTakeoverRace()) return;
      this.log('warn', 'takeover-race-lost', `${this.config.peer} demanded a takeover at the same time as we did: ${this.config.peer} wins by name order, yielding`);
    }
    this.demand = null;
    this.deferring = 'peer-takeover';
    this.log('info', 'yield-to-peer-takeover', `${this.config.peer} took over on operator request: yielding every group it wants (not persisted; ends when it dies, leaves or enters standby)`);
  }

  /** Simultaneous takeover demands: the node whose name sorts first keeps its demand. */
  private winsTakeoverRace(): boolean {
    return this.config.self < this.config.peer;
  }

  /** Availability first: a node in standby takes over when its peer dies or stops (Heartbeat §6.7). */
  private cancelStandby(why: string): void {
    if (!this.standby) return;
    this.standby = false;
    this.log('warn', 'standby-cancelled', `${why}: standby cancelled so the groups keep a holder (run standby again once ${this.config.peer} is back)`);
  }

  /** The yield lapses when the peer can no longer hold the groups it was given. */
  private endDeferral(why: string): void {
    if (!this.deferring) return;
    this.deferring = null;
    this.log('info', 'yield-ended', `no longer deferring to ${this.config.peer}: ${why}`);
  }

  private onResourceDone(opId: number, outcome: Outcome, reason: string): void {
    const index = this.groups.findIndex((g) => g.op?.opId === opId);
    const g = this.groups[index];
    if (!g || !g.op) {
      this.log('warn', 'unknown-op', `result for unknown operation ${opId} ignored`, { opId });
      return;
    }
    const op = g.op;
    g.op = null;
    if (op.action === 'monitor') this.ops.monitorDone(g, index, op.resource, outcome, reason);
    else this.ops.stepDone(g, index, op.resource, op.action, outcome, reason);
  }

  private onHookDone(opId: number, ok: boolean, reason: string): void {
    const { done, effects } = this.hooks.finish(opId, () => this.opId());
    if (!done) {
      this.log('warn', 'unknown-op', `hook result for unknown operation ${opId} ignored`, { opId });
      return;
    }
    this.log(ok ? 'info' : 'warn', ok ? 'hook-ok' : 'hook-failed', `hook ${done.hook} ${ok ? 'succeeded' : `failed: ${reason}`}`, { hook: done.hook });
    if (done.hook === 'fence') this.applyGate(this.gate.fenceResult(ok, this.now), reason);
    this.out.push(...effects);
  }

  private onCommand(command: Command): void {
    if (command === 'stop') return this.startLeaving();
    if (this.leaving) return this.refuse(command, 'a graceful stop is in progress');
    if (command === 'standby') {
      if (this.peer.state !== 'alive') return this.refuse(command, `${this.config.peer} is not alive: nobody could take the groups`);
      if (this.peer.unavailable()) return this.refuse(command, `${this.config.peer} is in standby or stopping: nobody could take the groups`);
      if (this.groupDrift()) return this.refuse(command, DRIFT_REFUSAL(this.config.peer));
      return this.enterStandby();
    }
    if (command === 'online') return this.goOnline();
    if (this.groupDrift()) return this.refuse(command, DRIFT_REFUSAL(this.config.peer));
    this.startTakeover();
  }

  private refuse(command: Command, reason: string): void {
    this.lastCommand = { command, accepted: false, reason, at: this.now };
    this.log('warn', 'command-refused', `${command} refused: ${reason}`, { command });
  }

  private accept(command: Command, reason: string): void {
    this.lastCommand = { command, accepted: true, reason, at: this.now };
    this.log('info', `command-${command}`, reason, { command });
  }

  private enterStandby(): void {
    this.standby = true;
    this.deferring = null;
    this.demand = null;
    this.accept('standby', `standby: releasing every group to ${this.config.peer}`);
  }

  private goOnline(): void {
    if (!this.standby && !this.deferring) return this.accept('online', 'online: already online');
    const peerHolds = this.peer.state === 'alive' && !this.peer.unavailable();
    this.standby = false;
    this.deferring = peerHolds ? 'online' : null;
    this.accept('online', peerHolds ? `online: eligible again; the groups ${this.config.peer} holds stay there until it fails or takeover here` : 'online: eligible again');
  }

  private startTakeover(): void {
    this.standby = false;
    this.deferring = null;
    const uplink = this.uplink.operatorTakeover(this.now);
    if (uplink) this.log('info', 'uplink-cancelled', uplink.why);
    for (const g of this.groups) this.ops.clearFailedMark(g, 'operator takeover');
    for (const p of this.placements.list()) if (p.node !== this.config.self) this.placements.clear(p.group);
    if (this.peer.state !== 'alive') {
      this.demand = null;
      return this.accept('takeover', `takeover: ${this.config.peer} is not alive: taking every group (the takeover gate still applies)`);
    }
    this.demand = { since: null, startedAt: this.now };
    this.ownTakeoverSeqPending = true;
    this.accept('takeover', `takeover: asking ${this.config.peer} to yield every group`);
  }

  private startLeaving(): void {
    if (this.leaving) return;
    this.leaving = true;
    this.demand = null;
    this.lastCommand = { command: 'stop', accepted: true, reason: 'graceful stop', at: this.now };
    this.log('info', 'release-all', `graceful stop: releasing every group in reverse order`);
  }

  // ---------------------------------------------------------------- operator moves (placements.ts)

  private onGroupCommand(command: GroupCommand): void {
    const check = checkGroupCommand(command, {
      self: this.config.self,
      peer: this.config.peer,
      groups: this.groups.map((g) => g.group.key),
      peerAlive: this.peer.state === 'alive',
      peerUnavailable: this.peer.unavailable(),
      drifted: this.groupDrift(),
      standby: this.standby,
      leaving: this.leaving,
      isolated: this.gate.isIsolated(),
      holdsHere: (key) => this.groups.some((g) => g.group.key === key && g.phase !== 'stopped'),
      peerHolds: (key) => this.peer.state === 'alive' && this.peer.holds(this.groups.findIndex((g) => g.group.key === key)),
    });
    const name = command.kind === 'standby' ? 'standby' : 'move';
    const group = typeof command.group === 'string' ? command.group.slice(0, 256) : '';
    if (!check.ok) {
      this.lastCommand = { command: name, group, accepted: false, reason: check.reason, at: this.now };
      this.log('warn', 'command-refused', `${name} ${command.kind === 'clear' ? '--clear ' : ''}refused: ${check.reason}`, { command: name });
      return;
    }
    if (check.placement) {
      this.placements.set(check.placement);
      if (check.placement.node === this.config.self) {
        const g = this.groups.find((x) => x.group.key === group);
        if (g) this.ops.clearFailedMark(g, 'operator moved it here');
        // Newer than the peer's takeover we yielded to, as a takeover here would be: our move's
        // demand goes out, and if the two overlapped the race is decided by name order.
        if (this.deferring === 'peer-takeover') this.endDeferral(`operator moved ${group} here`);
      }
    } else this.placements.clear(group);
    this.lastCommand = { command: name, group, accepted: true, reason: check.message, at: this.now };
    const clear = command.kind === 'clear';
    const standby = command.kind === 'standby';
    this.log('info', clear ? 'command-move-clear' : standby ? 'command-group-standby' : 'command-move', check.message, { command: name, group });
  }

  /** Moves that name a group or node no longer configured are forgotten (said once, at load or reload). */
  private prunePlacements(): void {
    for (const p of this.placements.prune(new Set(this.groups.map((g) => g.group.key)), [this.config.self, this.config.peer])) {
      this.log('warn', 'move-forgotten', `move of ${p.group} to ${p.node} forgotten: the group or node is no longer configured`, { group: p.group });
    }
  }

  private placedDecision(g: GroupRuntime, index: number, selfEligible: boolean, peerAlive: boolean): { holder: Holder; reason: string; announce: 'demand' | 'offer' | null } | null {
    const record = this.placements.get(g.group.key);
    const target = record === null ? null : record.node === this.config.self ? 'self' : 'peer';
    const bits = claimBits(peerAlive ? this.peer.latest?.claims : undefined, this.wireBits[index]!);
    const selfHolds = g.phase !== 'stopped';
    const refusedFor = this.placements.refusedFor(g.group.key, peerAlive && target === 'peer' && !selfHolds, peerDeclines(bits), this.seq + 1, (seq) => this.peer.acknowledges(seq), this.now);
    const placed = placedHolder({
      target,
      selfEligible,
      peerAlive,
      peerUnavailable: peerAlive && this.peer.unavailable(),
      peerDeaf: peerAlive && this.peer.deaf,
      yieldingToPeer: this.deferring === 'peer-takeover',
      selfHolds,
      peer: bits,
      refusedFor,
      winsTie: this.winsTakeoverRace(),
      deadtimeMs: this.config.deadtimeMs,
    });
    if (!placed || !record) return placed;
    return { ...placed, reason: `${placed.reason} (${record.how === 'standby' ? 'standby' : 'move'} to ${record.node}, recorded here: see the group's move)` };
  }

  private onConfig(config: CoreConfig): void {
    const byKey = new Map(this.groups.map((g) => [g.group.key, g]));
    const kept = config.groups.map((group) => {
      const old = byKey.get(group.key);
      byKey.delete(group.key);
      if (!old) return newGroupRuntime(group);
      old.group = group;
      return old;
    });
    for (const dropped of byKey.values()) {
      if (dropped.phase !== 'stopped') {
        this.log('error', 'config-group-removed-while-held', `group ${dropped.group.key} left haresources while it may be running here: stop it by hand`, { group: dropped.group.key });
      }
    }
    this.config = config;
    this.groups = kept;
    this.prunePlacements();
    this.useWireOrder();
    this.links.reconfigure(config.links, this.now, this.timing(config));
    this.stall.reconfigure(config.keepaliveMs);
    this.gate.reconfigure(this.gateSettings(config));
    this.uplink.reconfigure(uplinkSettings(config), this.now);
    this.preProbe.reconfigure(config.deadtimeMs);
    this.checkDigest();
    this.log('info', 'config-reloaded', 'configuration reloaded; roles unchanged', { digest: config.configDigest });
  }

  // ---------------------------------------------------------------- reconcile

  private reconcile(): void {
    for (const change of this.links.tick(this.now)) this.logLinkChange(change);
    this.updatePeerState();
    this.preProbeSuspectPeer();
    this.updatePeerStability();
    this.updatePeerDeafness();
    this.applyGate(this.gate.tick(this.now), 'tie delay over');
    this.updateUplink();
    this.expireDemand();
    this.groups.forEach((g, i) => this.reconcileGroup(g, i));
    this.groups.forEach((g, i) => this.ops.runMonitors(g, i));
    this.maybeSend();
    this.maybePersist();
    this.maybeFinishLeaving();
  }

  private updatePeerState(): void {
    const change = this.peer.settle(this.links.allDead(), this.now);
    if (!change) return;
    const { before } = change;
    const next = this.peer.state;
    if (!this.commUp) this.commsUp(next);
    if (next === 'dead') this.peerDied(before);
    else if (next === 'alive') this.peerCameBack(before);
  }

  /** One-way failure: the peer we hear has stopped hearing us (see PeerView.updateDeafness). */
  private updatePeerDeafness(): void {
    const deaf = this.peer.updateDeafness(this.now, this.config.deadtimeMs, this.peerHeardSince);
    if (deaf === null) return;
    if (deaf) this.log('warn', 'peer-deaf', `${this.config.peer} has not received our heartbeats for deadtime (one-way link failure): yielding the groups it holds`);
    else this.log('info', 'peer-hears-us', `${this.config.peer} receives our heartbeats again`);
  }

  private commsUp(peer: PeerState): void {
    this.commUp = true;
    const how = peer === 'alive' ? `heard ${this.config.peer}` : `initdead expired without hearing ${this.config.peer}`;
    this.log('info', 'comm-up', `communications up: ${how}`);
  }

  private peerDied(before: PeerState): void {
    const graceful = this.peer.leftGracefully;
    const heldNothing = (this.peer.latest?.claims.holds ?? 0) === 0;
    this.demand = null;
    this.inIncident = true;
    this.endDeferral(`${this.config.peer} is dead`);
    this.cancelStandby(graceful ? `${this.config.peer} stopped` : `${this.config.peer} is dead`);
    this.log(graceful ? 'info' : 'warn', 'peer-dead', graceful ? `${this.config.peer} left gracefully` : `${this.config.peer} is dead: every link silent`, { previously: before });
    if (!graceful && before === 'alive') this.enqueueHook('remote-failure', { TWINBEAT_REASON: 'peer-dead' });
    this.applyGate(this.gate.peerDied(this.now, { goodbye: graceful, peerHeld: !heldNothing }), heldNothing ? 'peer dead' : `peer dead while holding groups: no tie to break`);
    if (this.gate.state === 'tie-delay' && this.gate.tieDelayMs() > 0) {
      this.log('info', 'takeover-tie-delay', `not the tie winner (${this.config.groups[0]?.owner} owns the first group): waiting ${this.gate.tieDelayMs()} ms before taking over`, { delayMs: this.gate.tieDelayMs() });
    }
  }

  /**
   * Damping: the peer is stable once it has been alive and heard on some link within warntime,
   * without a break, for a deadtime. Only then does a group fail back to it, and only then does
   * an incident (and the fence that covered it) end.
   */
  private updatePeerStability(): void {
    const views = this.links.views();
    const heard = this.peer.state === 'alive' && views.some((l) => l.state === 'up');
    if (!heard) {
      this.peerHeardSince = null;
      this.peerStableNow = false;
      return;
    }
    const lastHeard = Math.max(...views.map((l) => l.lastHeardAt ?? -Infinity));
    if (this.peerHeardSince === null) this.peerHeardSince = lastHeard;
    // Frames must span the deadtime: a peer that went silent just after its return is not stable.
    if (this.peerStableNow || lastHeard - this.peerHeardSince < this.config.deadtimeMs) return;
    this.peerStableNow = true;
    if (!this.inIncident) return;
    this.inIncident = false;
    this.gate.peerStable();
    this.log('info', 'peer-stable', `${this.config.peer} has been heard continuously for ${this.config.deadtimeMs} ms: groups may fail back to it, a new failure would be a new incident`);
  }

  private peerCameBack(before: PeerState): void {
    this.gate.peerAlive();
    for (const g of this.groups) g.takeoverRetries = 0;
    if (before === 'dead') this.log('info', 'peer-alive', `${this.config.peer} is alive again`);
  }

  private applyGate(actions: GateAction[], why: string): void {
    for (const action of actions) {
      if (action.kind === 'probe') this.out.push({ type: 'ping-probe' });
      else if (action.kind === 'fence') {
        this.log('warn', 'fence-start', `fencing ${this.config.peer} before taking over`);
        this.enqueueHook('fence', { TWINBEAT_TARGET: this.config.peer });
      } else if (action.kind === 'fence-kept') this.log('info', 'fence-not-repeated', `${this.config.peer} was fenced in this incident and has not been stable since: not fencing it again`);
      else if (action.kind === 'opened') this.log('info', 'takeover-gate-open', `may take over from ${this.config.peer}: ${why}`);
      else if (action.kind === 'isolated') this.log('error', 'isolated', `no ping node reachable: we are the isolated side; taking nothing over and releasing what we hold`);
      else this.log('info', 'ping-restored', `ping nodes reachable again: ${why}`);
    }
  }

  /** Probe the uplink when due and compare our score with the peer's (uplink.ts decides). */
  private updateUplink(): void {
    if (this.uplink.probeDue(this.now)) {
      this.uplink.probeSent(this.now);
      this.out.push({ type: 'ping-probe' });
    }
    const latest = this.peer.latest;
    const canTake = this.peer.state === 'alive' && latest !== null && !this.peer.unavailable() && !this.groupDrift();
    const change = this.uplink.update(this.now, { score: latest?.uplink ?? null, canTake });
    if (!change) return;
    const level = change.kind === 'hand-over' ? 'warn' : 'info';
    this.log(level, `uplink-${change.kind}`, change.why, { self: this.uplink.status().self?.score ?? null, peer: latest?.uplink ?? null });
  }

  private expireDemand(): void {
    if (this.deferring && this.peer.state === 'alive' && this.peer.unavailable()) this.endDeferral(`${this.config.peer} is in standby or stopping`);
    if (!this.demand) return;
    // Only a status that acknowledges our demand counts: a grant-everything sent before the peer saw
    // it may come from a peer about to demand the same (simultaneous takeover, see honourTakeoverDemand).
    const answered = !this.ownTakeoverSeqPending && this.peer.acknowledges(this.ownTakeoverSeq);
    if (this.peer.state === 'alive' && answered && (this.peer.latest?.standby || this.peer.grantsEverything(this.groups.length))) {
      this.demand = null;
      this.log('info', 'takeover-accepted', `${this.config.peer} released every group`);
    } else if (this.now - this.demand.startedAt > this.config.deadtimeMs) {
      this.demand = null;
      this.log('warn', 'takeover-timeout', `${this.config.peer} did not honour the takeover demand within deadtime`);
    }
  }

  private eligible(g: GroupRuntime): { ok: boolean; why: string } {
    if (this.leaving) return { ok: false, why: 'leaving' };
    if (this.standby) return { ok: false, why: 'standby' };
    if (g.failedHere) return { ok: false, why: 'failed here' };
    if (this.gate.isIsolated()) return { ok: false, why: 'isolated (no ping node reachable)' };
    const uplink = this.uplink.handsOver(g.group.key);
    if (uplink !== null) return { ok: false, why: uplink };
    return { ok: true, why: '' };
  }

  /**
   * The peer is alive but its configuration lists other resource groups than ours (the group part
   * of the digest differs): its claims may speak of other groups (claims.ts), so nothing moves by
   * them. Drift in timings or policy only is reported (config-drift) and changes nothing here. We keep what runs here, start nothing
   * on a grant, honour no demand; a group runs nowhere only until an all-zero claim set (readable
   * whatever the ordering) lets drift.ts start it; otherwise only a dead peer (all links silent, or
   * its goodbye) or our own ineligibility (stop, standby, failure) moves a group. The operator fixes
   * the configuration, and status and the config-drift error say so.
   */
  private drifted(): boolean {
    return this.groupDrift() && !this.ownersDrift();
  }

  /** The peer is alive and its digest names other resource groups (any kind of group drift). */
  private groupDrift(): boolean {
    return this.peer.state === 'alive' && this.peer.groupsMatch === false;
  }

  /**
   * Group drift in owner lines only (drift.ts "Owners only"): the peer lists our group keys, so
   * its claim bits mean our groups, and it reads ours. Then the want/grant handshake runs as
   * without drift, with the owner both nodes agree on (agreedOwner) for each group.
   */
  private ownersDrift(): boolean {
    return this.sameKeysDrift() && this.peer.readsOurClaims();
  }

  /** Group drift and the peer lists our group keys: we read its bits and send plain grants. */
  private sameKeysDrift(): boolean {
    return this.groupDrift() && this.peer.sameKeys(this.keySet);
  }

  /** Whether group `index` is ours: by our haresources, or under owners-only drift as both nodes agree. */
  private ownedHere(g: GroupRuntime, index: number): boolean {
    const ours = g.group.owner === this.config.self;
    if (!this.ownersDrift()) return ours;
    return agreedOwner({ self: this.config.self, peer: this.config.peer, selfClaims: ours, peerClaims: this.peer.claimsOwnership(index) }) === 'self';
  }

  private computeDesired(g: GroupRuntime, index: number): { holder: Holder; why: string } {
    const peer = this.peer;
    const eligibility = this.eligible(g);
    g.announce = null; // set again below when an operator move applies (placements.ts)
    if (!this.commUp) return { holder: 'none', why: 'start-up: waiting for initdead or the peer' };
    if (this.drifted() && eligibility.ok) {
      const peerHoldsAny = (peer.latest?.claims.holds ?? 0) !== 0;
      const selfHolds = g.phase !== 'stopped';
      const decision = driftHolder({ selfHolds, selfIsOwner: g.group.owner === this.config.self, peerHoldsAny, peerUnavailable: peer.unavailable(), peerHoldsOnlyOwn: peer.holdsOnlyOwn(), peerDeaf: peer.deaf, peerStable: this.peerStableNow });
      // Same keys, but the peer does not read our bits yet (it has not seen our drift word): we
      // already send plain grants, so we start nothing until the handshake runs (drift.ts).
      if (this.sameKeysDrift() && decision.holder === 'self' && !selfHolds) return { holder: 'none', why: 'configuration drift: owners differ; waiting until the peer reads our claims' };
      return decision;
    }
    // A demand the peer cannot hear never outranks the one-way rule: it believes us dead and keeps
    // what it holds (desired.ts rule 2), so holding on until the demand times out runs it twice.
    const unheard = peer.deaf && peer.holds(index);
    if (this.demand && eligibility.ok && peer.state === 'alive' && !unheard) return { holder: 'self', why: 'takeover demanded' };
    const peerAlive = peer.state === 'alive' && peer.latest !== null;
    const placed = this.placedDecision(g, index, eligibility.ok, peerAlive);
    if (placed) g.announce = placed.announce;
    if (placed) return { holder: placed.holder, why: placed.reason };
    const decision = desiredHolder({
      selfIsOwner: this.ownedHere(g, index),
      selfEligible: eligibility.ok,
      peerAlive,
      peerUnavailable: peerAlive && peer.unavailable(),
      peerDeclines: peerAlive && peer.declines(index),
      peerDemands: peerAlive && peer.demandsTakeover(this.groups.length),
      selfDefers: peerAlive && this.deferring !== null,
      peerStable: this.peerStableNow,
      peerDeaf: peerAlive && peer.deaf,
      selfHolds: g.phase !== 'stopped',
      peerHolds: peerAlive && peer.holds(index),
      autoFailback: this.config.autoFailback,
    });
    const reason = this.ownersDrift() ? `${decision.reason}; ${ownersDriftWhy(g.group.owner === this.config.self, this.peer.claimsOwnership(index), this.ownedHere(g, index) ? this.config.self : this.config.peer)}` : decision.reason;
    const why = !eligibility.ok ? `${reason} (${eligibility.why})` : reason;
    return { holder: decision.holder, why };
  }

  private reconcileGroup(g: GroupRuntime, index: number): void {
    this.maybeClearFailedMark(g, index);
    const { holder, why } = this.computeDesired(g, index);
    g.desired = holder;
    g.why = why;
    const wants = holder === 'self';
    if (wants !== g.wants) {
      g.wants = wants;
      g.wantSince = null;
    }
    this.trackConflict(g, index);
    this.trackNoEligibleHolder(g, index);
    if (g.op || g.plan) return;
    if (g.phase === 'stopped' && wants && this.mayStart(g, index)) this.startGroup(g, index, why);
    else if (g.phase === 'running' && holder !== 'self') this.ops.release(g, index, why);
  }

  private mayStart(g: GroupRuntime, index: number): boolean {
    if (!this.commUp) return false;
    if (this.peer.state === 'dead') return this.gate.isOpen() && this.preProbeVerdict(index).kind !== 'wait';
    // Under drift computeDesired (drift.ts) wanted it only on evidence the peer does not hold it.
    if (this.drifted()) return true;
    if (this.peer.state !== 'alive' || g.wantSince === null) return false;
    return this.peer.declines(index) && this.peer.acknowledges(g.wantSince);
  }

  private startGroup(g: GroupRuntime, index: number, why: string): void {
    if (this.peer.state !== 'dead') return this.ops.start(g, index, this.drifted() ? why : `${this.config.peer} granted it`);
    const verdict = this.preProbeVerdict(index);
    this.preProbe.consume(index);
    if (verdict.kind !== 'skip') return this.ops.start(g, index, `${this.config.peer} is dead`);
    this.ops.start(g, index, `${this.config.peer} is dead; its addresses got no reply to the duplicate-address probe taken while it was silent`, verdict.probe);
  }

  // ---------------------------------------------------------------- duplicate-address probes ahead of deadtime

  /** The peer's last frame on any link (-Infinity: never heard). */
  private lastHeardAt(): number {
    return this.links.views().reduce((max, l) => Math.max(max, l.lastHeardAt ?? -Infinity), -Infinity);
  }

  /** By its last status the peer ran group `index`: held it, with nothing in transition. */
  private peerRan(index: number): boolean {
    return this.peer.latest?.role === 'active' && this.peer.holds(index);
  }

  /** The peer is suspect (alive, no link up): probe the addresses of the groups it runs. */
  private preProbeSuspectPeer(): void {
    if (!this.config.dadPreProbe || this.peer.state !== 'alive' || this.links.views().some((l) => l.state === 'up')) return;
    const lastHeard = this.lastHeardAt();
    this.groups.forEach((g, i) => {
      if (g.phase !== 'stopped' || !this.peerRan(i) || !this.preProbe.due(i, this.now, lastHeard)) return;
      const opId = this.opId();
      this.preProbe.issued(i, opId, this.now);
      this.out.push({ type: 'dad-probe', opId, group: i });
    });
  }

  private preProbeVerdict(index: number): PreProbeVerdict {
    if (!this.config.dadPreProbe) return { kind: 'check' };
    return this.preProbe.verdict(index, this.now, this.lastHeardAt(), this.peerRan(index));
  }

  private onDadResult(opId: number, free: boolean): void {
    const index = this.preProbe.answered(opId, free);
    const g = index === null ? undefined : this.groups[index];
    if (g === undefined || free) return;
    this.log('warn', 'dad-preprobe-in-use', `${this.config.peer} is silent but an address of group ${g.group.key} still answers: a takeover will run the full duplicate-address check`, { group: g.group.key });
  }

  private trackConflict(g: GroupRuntime, index: number): void {
    const peerHolds = this.peer.state === 'alive' && this.peer.holds(index);
    if (g.phase === 'stopped') {
      g.conflict = false;
      return;
    }
    if (peerHolds && !g.conflict && (g.phase === 'running' || g.phase === 'starting')) {
      g.conflict = true;
      this.log('error', 'split-brain-detected', `both nodes hold group ${g.group.key}; the ${g.desired === 'self' ? 'peer' : 'local'} copy will be stopped`, { group: g.group.key });
    } else if (!peerHolds && g.conflict && this.peer.state === 'alive' && g.phase === 'running') {
      g.conflict = false;
      this.log('info', 'split-brain-resolved', `group ${g.group.key} now runs only here: re-announcing its addresses`, { group: g.group.key });
      this.out.push({ type: 'reannounce', group: index });
    }
  }

  /** Why nobody can hold the group right now, or null: we are not eligible, and the peer is dead, unavailable or declines it. */
  private noEligibleHolderReason(g: GroupRuntime, index: number): string | null {
    if (!this.commUp || this.leaving || g.phase !== 'stopped') return null;
    const self = this.eligible(g);
    if (self.ok) return null;
    const peer = this.config.peer;
    if (this.peer.state !== 'alive') return `not eligible here (${self.why}) and ${peer} is ${this.peer.state}`;
    if (this.peer.unavailable()) return `not eligible here (${self.why}) and ${peer} is in ${this.peer.latest?.standby ? 'standby' : 'a graceful stop'}`;
    if (this.peer.declines(index)) return `not eligible here (${self.why}) and ${peer} declines it (failed there)`;
    return null;
  }

  /** One ERROR per incident once nobody could hold the group for a deadtime (transients pass unreported). */
  private trackNoEligibleHolder(g: GroupRuntime, index: number): void {
    const reason = this.noEligibleHolderReason(g, index);
    if (reason === null) {
      if (g.noHolder.reported !== null) this.log('info', 'eligible-holder-restored', `group ${g.group.key} has an eligible holder again`, { group: g.group.key });
      g.noHolder = { since: null, reported: null };
      return;
    }
    if (g.noHolder.since === null) g.noHolder.since = this.now;
    if (g.noHolder.reported !== null || this.now - g.noHolder.since < this.config.deadtimeMs) return;
    g.noHolder.reported = reason;
    if (this.uplink.peerCannotTake(g.group.key)) {
      this.log('error', 'uplink-handover-refused', `group ${g.group.key} runs nowhere: ${this.config.peer} does not take it; keeping it here despite the worse uplink`, { group: g.group.key });
    }
    this.log('error', 'no-eligible-holder', `group ${g.group.key} runs nowhere and nobody may start it: ${reason}`, { group: g.group.key, reason });
  }

  // ---------------------------------------------------------------- when a failed mark lapses

  /**
   * Try again here when the peer failed the group too (it declines it after seeing our failure),
   * or, while the peer is dead, a deadtime after a failed takeover (MAX_TAKEOVER_RETRIES).
   */
  private maybeClearFailedMark(g: GroupRuntime, index: number): void {
    if (this.takeoverRetryDue(g)) {
      g.takeoverRetries += 1;
      this.ops.clearFailedMark(g, `${this.config.peer} is still dead: retrying the takeover (${g.takeoverRetries} of ${MAX_TAKEOVER_RETRIES})`);
      return;
    }
    if (!g.failedHere || g.failedSince === null || this.peer.state !== 'alive' || g.automaticClears >= MAX_AUTOMATIC_FAILED_CLEARS) return;
    if (this.peer.unavailable()) return;
    if (this.drifted() || !this.peer.declines(index) || !this.peer.acknowledges(g.failedSince)) return;
    g.automaticClears += 1;
    this.ops.clearFailedMark(g, `${this.config.peer} failed it too`);
  }

  private takeoverRetryDue(g: GroupRuntime): boolean {
    if (!g.failedHere || g.failedAt === null || g.takeoverRetries >= MAX_TAKEOVER_RETRIES) return false;
    return this.peer.state === 'dead' && this.gate.isOpen() && this.now - g.failedAt >= this.config.deadtimeMs;
  }

  // ---------------------------------------------------------------- what we announce

  private role(): Role {
    if (this.leaving) return 'leaving';
    if (this.groups.some((g) => g.phase === 'stop-failed')) return 'failed';
    if (!this.commUp) return 'init';
    if (this.groups.some((g) => g.phase === 'starting' || g.phase === 'stopping' || g.plan)) return 'transition';
    if (this.standby) return 'standby';
    return 'active';
  }

  private content(): SentContent {
    let holds = 0;
    let wants = 0;
    let grants = 0;
    this.groups.forEach((g, i) => {
      const wire = bit(this.wireBits[i]!);
      if (g.phase !== 'stopped') holds |= wire;
      if (g.announce === 'offer') grants |= wire; // held, kept running, offered: see placements.ts
      else if (g.wants) wants |= wire;
      else if (g.phase === 'stopped' && this.commUp) grants |= wire;
      if (g.announce === 'demand') grants |= wire;
    });
    if (this.demand) {
      wants = allGroups(this.groups.length);
      grants = allGroups(this.groups.length);
    } else if (this.drifted() && !this.sameKeysDrift()) {
      // The peer cannot read our grant bits: say instead whether we hold only our own groups (drift.ts).
      grants = this.groups.every((g) => g.phase === 'stopped' || g.group.owner === this.config.self) ? OWN_GROUPS_ONLY : 0;
    }
    const drift = !this.groupDrift() ? 'none' : this.sameKeysDrift() ? 'readable' : 'unreadable';
    return { role: this.role(), standby: this.standby, holds: holds >>> 0, wants: wants >>> 0, grants: grants >>> 0, drift };
  }

  private maybeSend(): void {
    const content = this.content();
    const changed = !this.lastSent || Object.keys(content).some((k) => content[k as keyof SentContent] !== this.lastSent![k as keyof SentContent]);
    if (!changed && !this.replyDue && this.now - this.lastSentAt < this.config.keepaliveMs) return;
    this.replyDue = false;
    this.send(MessageType.Status, content);
  }

  private send(type: StatusMessage['type'], content: SentContent): void {
    this.seq += 1;
    const latest = this.peer.latest;
    const message: StatusMessage = {
      type,
      from: this.config.self,
      generation: this.generation,
      seq: this.seq,
      ackGeneration: latest?.generation ?? 0,
      ackSeq: latest?.seq ?? 0,
      role: content.role,
      claims: { holds: content.holds, wants: content.wants, grants: content.grants },
      standby: content.standby,
      configDigest: this.config.configDigest,
    };
    const uplink = this.uplink.announced();
    if (uplink !== null) message.uplink = uplink;
    if (content.drift !== 'none') message.drift = { keySet: this.keySet, owned: this.ownedBits(), readable: content.drift === 'readable' };
    this.out.push({ type: 'send', message });
    this.peer.sent(this.seq, this.now);
    this.lastSent = content;
    this.lastSentAt = this.now;
    for (const g of this.groups) {
      if (g.wants && g.wantSince === null) g.wantSince = this.seq;
      if (g.failedHere && g.failedSince === null) g.failedSince = this.seq;
    }
    if (this.ownTakeoverSeqPending) {
      this.ownTakeoverSeq = this.seq;
      this.ownTakeoverSeqPending = false;
    }
    if (this.demand) this.lastDemandSeq = this.seq;
  }

  /** Claim bits of the groups our haresources gives us (the drift word's `owned`). */
  private ownedBits(): number {
    return this.groups.reduce((set, g, i) => (g.group.owner === this.config.self ? set | bit(this.wireBits[i]!) : set), 0) >>> 0;
  }

  private maybePersist(): void {
    const role = this.role();
    const last = this.lastPersisted;
    // Roles in transition are not worth a write; a standby change is, at once: a standby command,
    // or its cancellation when the peer died, must survive a crash in the middle of the moves.
    // So is a new generation (catchUpGeneration persists it itself, before sending).
    const unchanged = last !== null && last.standby === this.standby && last.generation === this.generation && this.persistedPlacements === this.placements.version;
    if (role === 'transition' && unchanged) return;
    if (unchanged && last.role === role) return;
    this.persistNow();
  }

  private persistNow(): void {
    const state: PersistedState = { generation: this.generation, standby: this.standby, role: this.role(), placements: this.placements.list() };
    this.lastPersisted = state;
    this.persistedPlacements = this.placements.version;
    this.out.push({ type: 'persist', state });
  }

  private maybeFinishLeaving(): void {
    if (!this.leaving || this.stopped) return;
    if (this.groups.some((g) => g.phase !== 'stopped' || g.op || g.plan)) return;
    if (!this.goodbyeSent) {
      this.noteTransitions();
      this.send(MessageType.Goodbye, { role: 'leaving', standby: this.standby, holds: 0, wants: 0, grants: allGroups(this.groups.length), drift: 'none' });
      this.log('info', 'stopped', 'All resources relinquished; goodbye sent');
      this.goodbyeSent = true;
    }
    // The peer takes over on the goodbye; only our exit waits for the last notifications.
    if (!this.hooks.notifyIdle()) return;
    this.out.push({ type: 'stopped' });
    this.stopped = true;
  }
}

function uplinkSettings(config: CoreConfig): UplinkSettings {
  return config.uplink ?? { enabled: false, delayMs: config.deadtimeMs, probeEveryMs: config.keepaliveMs };
}

/** A probe that found nothing configured (total 0: the probe itself failed) is no measurement. */
function uplinkMeasurement(event: Extract<Event, { type: 'ping-result' }>) {
  const interfaces = event.interfaces ?? { up: 0, total: 0 };
  const total = event.total + interfaces.total;
  return total === 0 ? null : { score: event.reachable + interfaces.up, total, failing: event.failing ?? [] };
}
