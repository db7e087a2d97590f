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
// * Takeover command: clear my standby and demand every group; the peer honours a demand that
//   acknowledges its own last takeover by entering standby (persisted), which releases everything.
//
// One small method per transition; each logs a greppable `event`.
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
//   the same group, and never two hooks at once; answer `ping-probe` with `ping-result`;
// * `heard` only for frames that decoded, authenticated and passed the link's replay window.

import { MessageType, type Role, type StatusMessage } from '../protocol/message.js';
import { allGroups, bit, has, isTakeoverDemand, plainGrants } from './claims.js';
import { desiredHolder, type Holder } from './desired.js';
import { currentStep, restartPlan, rollbackPlan, startPlan, stopPlan, type Plan } from './group-plan.js';
import { HookQueue } from './hooks.js';
import { StallGuard } from './awareness.js';
import { LinkTracker, type LinkChange } from './links.js';
import type { CoreStatus } from './status.js';
import { groupStatus, newGroupRuntime, type GroupRuntime, type SentContent } from './group-state.js';
import { TakeoverGate, type GateAction, type GateSettings } from './takeover-gate.js';
import type { Command, CoreConfig, Effect, Event, HookKind, LogLevel, Outcome } from './types.js';

/** Failed marks cleared automatically (peer failed too) at most this often per group. */
const MAX_AUTOMATIC_FAILED_CLEARS = 2;
/**
 * A takeover that failed while the peer is dead is retried this many times, one deadtime apart.
 * The usual cause is transient: the peer's address still answers ARP (IPaddr's duplicate-address
 * check refuses) because the peer is yielding after a one-way cut, or its daemon crashed and is
 * about to reclaim. A start that keeps failing stops after the retries: no endless loop.
 */
const MAX_TAKEOVER_RETRIES = 2;

type PeerState = 'unknown' | 'alive' | 'dead';

export class FailoverMachine {
  private config: CoreConfig;
  private readonly generation: number;
  private seq = 0;
  private standby: boolean;
  private leaving = false;
  private stopped = false;
  private commUp = false;
  private peerState: PeerState = 'unknown';
  private latest: StatusMessage | null = null;
  private digestMatch: boolean | null = null;
  private links: LinkTracker;
  private stall: StallGuard;
  private gate: TakeoverGate;
  private hooks = new HookQueue();
  private groups: GroupRuntime[];
  private nextOp = 1;
  private now: number;
  private lastSentAt = -Infinity;
  private lastSent: SentContent | null = null;
  private lastPersisted: { standby: boolean; role: Role } | null = null;
  private demand: { since: number | null; startedAt: number } | null = null;
  /** seq of our first status after our own last takeover command: demands must acknowledge it. */
  private ownTakeoverSeq = 0;
  private ownTakeoverSeqPending = false;
  private lastCommand: CoreStatus['lastCommand'] = null;
  private out: Effect[] = [];
  private started = false;
  /** (seq, time) of our recent statuses, to tell whether the peer still hears us. */
  private sentLog: { seq: number; at: number }[] = [];
  private peerDeaf = false;
  private peerAliveSince: number | null = null;
  /** The peer's claims changed: answer at once so handshakes take a round trip, not a keepalive. */
  private replyDue = false;

  constructor(config: CoreConfig, init: { generation: number; standby: boolean; now: number }) {
    this.config = config;
    this.generation = init.generation;
    this.standby = init.standby;
    this.now = init.now;
    this.links = new LinkTracker(config.links, init.now, this.timing(config));
    this.stall = new StallGuard(init.now, config.keepaliveMs);
    this.gate = new TakeoverGate(this.gateSettings(config));
    this.groups = config.groups.map((group) => newGroupRuntime(group));
  }

  // ---------------------------------------------------------------- public API

  step(event: Event): Effect[] {
    this.out = [];
    if (this.stopped) return [];
    this.now = Math.max(this.now, event.now);
    if (!this.started) this.announceStart();
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
        this.applyGate(this.gate.pingResult(event.reachable), `${event.reachable}/${event.total} ping nodes reachable`);
        break;
      case 'command':
        this.onCommand(event.command);
        break;
      case 'config':
        this.onConfig(event.config);
        break;
    }
    this.reconcile();
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
    if (this.stopped) return Infinity;
    return Math.min(this.lastSentAt + this.config.keepaliveMs, this.links.nextChangeAt(), this.gate.nextWakeAt());
  }

  status(): CoreStatus {
    const latest = this.latest;
    const lastHeard = this.links.views().reduce<number | null>((max, l) => (l.lastHeardAt !== null && (max === null || l.lastHeardAt > max) ? l.lastHeardAt : max), null);
    const content = this.content();
    return {
      now: this.now,
      self: { name: this.config.self, role: this.role(), standby: this.standby, generation: this.generation, seq: this.seq, leaving: this.leaving },
      peer: {
        name: this.config.peer,
        state: this.peerState,
        role: latest?.role ?? null,
        standby: latest?.standby ?? null,
        generation: latest?.generation ?? null,
        leftGracefully: latest?.type === MessageType.Goodbye,
        lastHeardAgoMs: lastHeard === null ? null : this.now - lastHeard,
      },
      links: this.links.views().map((l) => ({
        name: l.name,
        state: l.state,
        lastHeardAgoMs: l.lastHeardAt === null ? null : this.now - l.lastHeardAt,
        mediumUp: l.mediumUp,
        mediumReason: l.mediumReason,
      })),
      groups: this.groups.map((g, i) => groupStatus(g, i, content, this.latest?.claims)),
      takeoverGate: this.gate.state,
      configDigestMatch: this.digestMatch,
      takeoverDemandPending: this.demand !== null,
      hooks: this.hooks.pending(),
      lastCommand: this.lastCommand,
    };
  }

  // ---------------------------------------------------------------- setup helpers

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

  private enqueueHook(hook: HookKind, detail: Record<string, string>): void {
    const env = { TWINBEAT_NODE: this.config.self, TWINBEAT_PEER: this.config.peer, TWINBEAT_HOOK: hook, ...detail };
    this.out.push(...this.hooks.enqueue({ hook, env }, () => this.opId()));
  }

  // ---------------------------------------------------------------- events

  private announceStart(): void {
    this.started = true;
    const standby = this.standby ? ' (in standby, as persisted)' : '';
    this.log('info', 'core-start', `generation ${this.generation}${standby}: waiting for ${this.config.peer} or initdead (${this.config.initdeadMs} ms)`, { generation: this.generation });
    if (this.config.autoFailback === 'legacy') {
      this.log('warn', 'auto-failback-legacy', 'auto_failback legacy is handled like auto_failback on (groups return to their owner); set on or off explicitly');
    }
  }

  private forgiveLocalStall(ms: number): void {
    this.links.extend(ms);
    this.log('warn', 'local-stall', `our own events arrived ${ms} ms apart: deadlines extended, the peer is not blamed for our stall`, { stallMs: ms });
  }

  private onHeard(link: string, message: StatusMessage): void {
    if (message.from !== this.config.peer) {
      this.log('warn', 'unknown-sender', `frame from ${message.from} on ${link} ignored: the peer is ${this.config.peer}`, { link, from: message.from });
      return;
    }
    const change = this.links.heard(link, this.now);
    if (change) this.logLinkChange(change);
    if (!this.isNewer(message)) return;
    if (this.latest && message.generation > this.latest.generation) {
      this.log('info', 'peer-restarted', `${this.config.peer} restarted (generation ${this.latest.generation} → ${message.generation})`, { generation: message.generation });
    }
    if (!this.latest || claimsChanged(this.latest, message)) this.replyDue = true;
    this.latest = message;
    this.checkDigest(message.configDigest);
    if (message.type === MessageType.Goodbye) {
      this.log('info', 'peer-goodbye', `${this.config.peer} is stopping gracefully and holds nothing: taking over at once`);
    }
    this.honourTakeoverDemand(message);
  }

  private isNewer(message: StatusMessage): boolean {
    const latest = this.latest;
    if (!latest) return true;
    // Frames of an older generation are in-flight leftovers of the peer's previous life (the
    // replay window normally drops them first): they keep the link alive, their claims are stale.
    if (message.generation !== latest.generation) return message.generation > latest.generation;
    return message.seq > latest.seq;
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

  private checkDigest(digest: string): void {
    const match = digest === this.config.configDigest;
    if (match === this.digestMatch) return;
    const before = this.digestMatch;
    this.digestMatch = match;
    if (!match) {
      this.log('error', 'config-drift', `${this.config.peer} runs a different shared configuration (its digest ${digest}, ours ${this.config.configDigest}): haresources and timings must be identical on both nodes`, { peerDigest: digest, ourDigest: this.config.configDigest });
    } else if (before === false) {
      this.log('info', 'config-drift-cleared', `${this.config.peer} now runs the same shared configuration`);
    }
  }

  private honourTakeoverDemand(message: StatusMessage): void {
    if (this.standby || this.leaving || message.standby || message.type !== MessageType.Status) return;
    if (!isTakeoverDemand(message.claims.wants, message.claims.grants, this.groups.length)) return;
    if (!this.acknowledges(message, this.ownTakeoverSeq)) return;
    this.standby = true;
    this.demand = null;
    this.log('info', 'standby-by-peer-takeover', `${this.config.peer} took over on operator request: entering standby`);
  }

  /** The message acknowledges our status number `seq` of this generation (or a later one). */
  private acknowledges(message: StatusMessage, seq: number): boolean {
    if (message.ackGeneration !== this.generation) return message.ackGeneration > this.generation;
    return message.ackSeq >= seq;
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
    if (op.action === 'monitor') this.monitorDone(g, index, op.resource, outcome, reason);
    else this.planStepDone(g, index, op.resource, op.action, outcome, reason);
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
    if (this.peerState !== 'alive') return this.refuse(command, `${this.config.peer} is not alive: nobody could take the groups`);
    if (command === 'standby') this.enterStandby();
    else this.startTakeover();
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
    this.demand = null;
    this.accept('standby', `standby: releasing every group to ${this.config.peer}`);
  }

  private startTakeover(): void {
    this.standby = false;
    for (const g of this.groups) this.clearFailedMark(g, 'operator takeover');
    this.demand = { since: null, startedAt: this.now };
    this.ownTakeoverSeqPending = true;
    this.accept('takeover', `takeover: asking ${this.config.peer} to enter standby and release every group`);
  }

  private startLeaving(): void {
    if (this.leaving) return;
    this.leaving = true;
    this.demand = null;
    this.lastCommand = { command: 'stop', accepted: true, reason: 'graceful stop', at: this.now };
    this.log('info', 'release-all', `graceful stop: releasing every group in reverse order`);
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
    this.links.reconfigure(config.links, this.now, this.timing(config));
    this.stall.reconfigure(config.keepaliveMs);
    this.gate.reconfigure(this.gateSettings(config));
    if (this.latest) this.checkDigest(this.latest.configDigest);
    this.log('info', 'config-reloaded', 'configuration reloaded; roles unchanged', { digest: config.configDigest });
  }

  // ---------------------------------------------------------------- reconcile

  private reconcile(): void {
    for (const change of this.links.tick(this.now)) this.logLinkChange(change);
    this.updatePeerState();
    this.updatePeerDeafness();
    this.applyGate(this.gate.tick(this.now), 'tie delay over');
    this.expireDemand();
    this.groups.forEach((g, i) => this.reconcileGroup(g, i));
    this.groups.forEach((g, i) => this.runMonitors(g, i));
    this.maybeSend();
    this.maybePersist();
    this.maybeFinishLeaving();
  }

  private updatePeerState(): void {
    const latest = this.latest;
    const dead = this.links.allDead() || latest?.type === MessageType.Goodbye;
    const next: PeerState = dead ? 'dead' : latest ? 'alive' : 'unknown';
    if (next === this.peerState) return;
    const before = this.peerState;
    this.peerState = next;
    this.peerAliveSince = next === 'alive' ? this.now : null;
    if (!this.commUp) this.commsUp(next);
    if (next === 'dead') this.peerDied(before);
    else if (next === 'alive') this.peerCameBack(before);
  }

  /**
   * One-way failure detection: the peer's acks tell us which of our statuses it has received. If
   * it has not received anything we sent deadtime ago or later, it cannot hear us and will
   * declare us dead (if it has not already).
   */
  private updatePeerDeafness(): void {
    const horizon = this.now - this.config.deadtimeMs;
    while (this.sentLog.length > 1 && this.sentLog[1]!.at <= horizon) this.sentLog.shift();
    const reference = this.sentLog[0];
    // Only a peer we have heard for a whole deadtime counts: a peer just back from the dead (or
    // from a partition) naturally acknowledges old frames in its first statuses.
    const heardLongEnough = this.peerAliveSince !== null && this.peerAliveSince <= horizon;
    const deaf = this.peerState === 'alive' && heardLongEnough && reference !== undefined && reference.at <= horizon && !this.acknowledges(this.latest!, reference.seq);
    if (deaf === this.peerDeaf) return;
    this.peerDeaf = deaf;
    if (deaf) this.log('warn', 'peer-deaf', `${this.config.peer} has not received our heartbeats for deadtime (one-way link failure): yielding the groups it holds`);
    else this.log('info', 'peer-hears-us', `${this.config.peer} receives our heartbeats again`);
  }

  private commsUp(peer: PeerState): void {
    this.commUp = true;
    const how = peer === 'alive' ? `heard ${this.config.peer}` : `initdead expired without hearing ${this.config.peer}`;
    this.log('info', 'comm-up', `communications up: ${how}`);
  }

  private peerDied(before: PeerState): void {
    const graceful = this.latest?.type === MessageType.Goodbye;
    const heldNothing = (this.latest?.claims.holds ?? 0) === 0;
    this.demand = null;
    this.log(graceful ? 'info' : 'warn', 'peer-dead', graceful ? `${this.config.peer} left gracefully` : `${this.config.peer} is dead: every link silent`, { previously: before });
    if (!graceful && before === 'alive') this.enqueueHook('remote-failure', { TWINBEAT_REASON: 'peer-dead' });
    this.applyGate(this.gate.peerDied(this.now, { goodbye: graceful, peerHeld: !heldNothing }), heldNothing ? 'peer dead' : `peer dead while holding groups: no tie to break`);
    if (this.gate.state === 'tie-delay') {
      this.log('info', 'takeover-tie-delay', `not the tie winner (${this.config.groups[0]?.owner} owns the first group): waiting ${this.gate.tieDelayMs()} ms before taking over`, { delayMs: this.gate.tieDelayMs() });
    }
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
      } else if (action.kind === 'opened') this.log('info', 'takeover-gate-open', `may take over from ${this.config.peer}: ${why}`);
      else if (action.kind === 'isolated') this.log('error', 'isolated', `no ping node reachable: we are the isolated side; taking nothing over and releasing what we hold`);
      else this.log('info', 'ping-restored', `ping nodes reachable again: ${why}`);
    }
  }

  private expireDemand(): void {
    if (!this.demand) return;
    if (this.latest?.standby && this.peerState === 'alive') {
      this.demand = null;
      this.log('info', 'takeover-accepted', `${this.config.peer} entered standby`);
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
    return { ok: true, why: '' };
  }

  private computeDesired(g: GroupRuntime, index: number): { holder: Holder; why: string } {
    const latest = this.latest;
    const eligibility = this.eligible(g);
    if (!this.commUp) return { holder: 'none', why: 'start-up: waiting for initdead or the peer' };
    if (this.demand && eligibility.ok && this.peerState === 'alive') return { holder: 'self', why: 'takeover demanded' };
    const peerAlive = this.peerState === 'alive' && latest !== null;
    const claims = latest?.claims;
    const decision = desiredHolder({
      selfIsOwner: g.group.owner === this.config.self,
      selfEligible: eligibility.ok,
      peerAlive,
      peerUnavailable: peerAlive && (latest.standby || latest.role === 'leaving'),
      peerDeclines: peerAlive && has(plainGrants(claims!.wants, claims!.grants), index) && !has(claims!.holds, index),
      peerDemands: peerAlive && isTakeoverDemand(claims!.wants, claims!.grants, this.groups.length),
      peerDeaf: peerAlive && this.peerDeaf,
      selfHolds: g.phase !== 'stopped',
      peerHolds: peerAlive && has(claims!.holds, index),
      autoFailback: this.config.autoFailback,
    });
    const why = !eligibility.ok ? `${decision.reason} (${eligibility.why})` : decision.reason;
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
    if (g.op || g.plan) return;
    if (g.phase === 'stopped' && wants && this.mayStart(g, index)) this.takeoverStart(g, index);
    else if (g.phase === 'running' && holder !== 'self') this.releaseStart(g, index, why);
  }

  private mayStart(g: GroupRuntime, index: number): boolean {
    if (!this.commUp) return false;
    if (this.peerState === 'dead') return this.gate.isOpen();
    if (this.peerState !== 'alive' || g.wantSince === null) return false;
    const latest = this.latest!;
    const grants = plainGrants(latest.claims.wants, latest.claims.grants);
    return has(grants, index) && !has(latest.claims.holds, index) && this.acknowledges(latest, g.wantSince);
  }

  private takeoverStart(g: GroupRuntime, index: number): void {
    const how = this.peerState === 'dead' ? `${this.config.peer} is dead` : `${this.config.peer} granted it`;
    this.log('info', 'takeover-start', `starting group ${g.group.key}: ${how}`, { group: g.group.key });
    g.phase = 'starting';
    this.runPlan(g, index, startPlan(g.group.resources.length, how));
  }

  private releaseStart(g: GroupRuntime, index: number, why: string): void {
    this.log('info', 'release-start', `stopping group ${g.group.key} (reverse order): ${why}`, { group: g.group.key });
    g.phase = 'stopping';
    this.runPlan(g, index, stopPlan(g.group.resources.length, why));
  }

  private trackConflict(g: GroupRuntime, index: number): void {
    const peerHolds = this.peerState === 'alive' && this.latest !== null && has(this.latest.claims.holds, index);
    if (g.phase === 'stopped') {
      g.conflict = false;
      return;
    }
    if (peerHolds && !g.conflict && (g.phase === 'running' || g.phase === 'starting')) {
      g.conflict = true;
      this.log('error', 'split-brain-detected', `both nodes hold group ${g.group.key}; the ${g.desired === 'self' ? 'peer' : 'local'} copy will be stopped`, { group: g.group.key });
    } else if (!peerHolds && g.conflict && this.peerState === 'alive' && g.phase === 'running') {
      g.conflict = false;
      this.log('info', 'split-brain-resolved', `group ${g.group.key} now runs only here: re-announcing its addresses`, { group: g.group.key });
      this.out.push({ type: 'reannounce', group: index });
    }
  }

  // ---------------------------------------------------------------- failed marks

  private markFailed(g: GroupRuntime, why: string): void {
    g.failedHere = true;
    g.failedSince = null;
    g.failedAt = this.now;
    this.log('error', 'group-failed', `group ${g.group.key} marked failed on this node: ${why}; releasing it to ${this.config.peer}`, { group: g.group.key });
    this.enqueueHook('local-failure', { TWINBEAT_GROUP: g.group.key, TWINBEAT_REASON: why });
  }

  private clearFailedMark(g: GroupRuntime, why: string): void {
    if (!g.failedHere) return;
    g.failedHere = false;
    g.failedSince = null;
    g.failedAt = null;
    this.log('info', 'failed-mark-cleared', `group ${g.group.key} may run here again: ${why}`, { group: g.group.key });
  }

  /**
   * Try again here when the peer failed the group too (it declines it after seeing our failure),
   * or, while the peer is dead, a deadtime after a failed takeover (MAX_TAKEOVER_RETRIES).
   */
  private maybeClearFailedMark(g: GroupRuntime, index: number): void {
    if (this.takeoverRetryDue(g)) {
      g.takeoverRetries += 1;
      this.clearFailedMark(g, `${this.config.peer} is still dead: retrying the takeover (${g.takeoverRetries} of ${MAX_TAKEOVER_RETRIES})`);
      return;
    }
    if (!g.failedHere || g.failedSince === null || this.peerState !== 'alive' || g.automaticClears >= MAX_AUTOMATIC_FAILED_CLEARS) return;
    const latest = this.latest!;
    if (latest.standby || latest.role === 'leaving') return;
    const declines = has(plainGrants(latest.claims.wants, latest.claims.grants), index) && !has(latest.claims.holds, index);
    if (!declines || !this.acknowledges(latest, g.failedSince)) return;
    g.automaticClears += 1;
    this.clearFailedMark(g, `${this.config.peer} failed it too`);
  }

  private takeoverRetryDue(g: GroupRuntime): boolean {
    if (!g.failedHere || g.failedAt === null || g.takeoverRetries >= MAX_TAKEOVER_RETRIES) return false;
    return this.peerState === 'dead' && this.gate.isOpen() && this.now - g.failedAt >= this.config.deadtimeMs;
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
    g.op = { opId: this.opId(), resource: step.resource, action: step.action };
    g.resources[step.resource]!.state = step.action === 'start' ? 'starting' : 'stopping';
    this.out.push({ type: 'run-resource', opId: g.op.opId, group: index, resource: resource.id, action: step.action });
  }

  private planStepDone(g: GroupRuntime, index: number, resource: number, action: 'start' | 'stop', outcome: Outcome, reason: string): void {
    const plan = g.plan;
    const id = g.group.resources[resource]!.id;
    const r = g.resources[resource]!;
    if (!plan) return;
    if (outcome === 'ok') {
      r.state = action === 'start' ? 'running' : 'stopped';
      if (action === 'start') r.nextMonitorAt = this.now + (g.group.resources[resource]!.monitor?.intervalMs ?? 0);
      plan.next += 1;
      return this.issueStep(g, index);
    }
    if (action === 'stop') return this.stopFailed(g, resource, outcome, reason);
    r.state = 'stopped';
    this.log('error', 'start-failed', `start of ${id} failed (${outcome}${reason ? `: ${reason}` : ''}): stopping group ${g.group.key} in reverse`, { group: g.group.key, resource: id, outcome });
    g.phase = 'stopping';
    const upTo = plan.kind === 'restart' ? g.group.resources.length - 1 : resource;
    this.runPlan(g, index, rollbackPlan(upTo, `start of ${id} failed`));
  }

  private stopFailed(g: GroupRuntime, resource: number, outcome: Outcome, reason: string): void {
    const id = g.group.resources[resource]!.id;
    g.resources[resource]!.state = 'stop-failed';
    g.plan = null;
    g.phase = 'stop-failed';
    this.log('error', 'stop-failed', `stop of ${id} failed (${outcome}${reason ? `: ${reason}` : ''}): group ${g.group.key} may still run here and stays claimed; operator action needed`, { group: g.group.key, resource: id, outcome });
    if (this.leaving) this.log('error', 'stop-blocked', 'graceful stop cannot finish: a group failed to stop');
    if (this.config.escalateOnStopFailure) this.enqueueHook('escalate', { TWINBEAT_GROUP: g.group.key, TWINBEAT_RESOURCE: id, TWINBEAT_REASON: 'stop-failed' });
  }

  private planFinished(g: GroupRuntime): void {
    const plan = g.plan!;
    g.plan = null;
    if (plan.kind === 'start' || plan.kind === 'restart') {
      g.phase = 'running';
      this.log('info', plan.kind === 'start' ? 'group-started' : 'resource-restarted', `group ${g.group.key} running`, { group: g.group.key });
      return;
    }
    g.phase = 'stopped';
    for (const r of g.resources) {
      r.monitorFailures = 0;
      r.restarts = 0;
    }
    this.log('info', 'group-stopped', `group ${g.group.key} stopped here`, { group: g.group.key });
    if (plan.kind === 'rollback') this.markFailed(g, plan.reason);
  }

  // ---------------------------------------------------------------- monitoring

  private runMonitors(g: GroupRuntime, index: number): void {
    if (g.phase !== 'running' || g.op || g.plan) return;
    g.group.resources.forEach((resource, i) => {
      const r = g.resources[i]!;
      if (!resource.monitor || g.op || this.now < r.nextMonitorAt) return;
      g.op = { opId: this.opId(), resource: i, action: 'monitor' };
      this.out.push({ type: 'run-resource', opId: g.op.opId, group: index, resource: resource.id, action: 'monitor' });
    });
  }

  private monitorDone(g: GroupRuntime, index: number, resource: number, outcome: Outcome, reason: string): void {
    const spec = g.group.resources[resource]!;
    const r = g.resources[resource]!;
    const monitor = spec.monitor;
    if (!monitor || g.phase !== 'running') return;
    r.nextMonitorAt = this.now + monitor.intervalMs;
    if (outcome === 'ok') {
      r.monitorFailures = 0;
      return;
    }
    r.monitorFailures += 1;
    this.log('warn', 'monitor-failed', `monitor of ${spec.id}: ${outcome}${reason ? ` (${reason})` : ''}, ${r.monitorFailures}/${monitor.failuresBeforeRestart}`, { group: g.group.key, resource: spec.id, outcome });
    if (r.monitorFailures < monitor.failuresBeforeRestart) return;
    r.monitorFailures = 0;
    if (r.restarts < monitor.maxRestarts) {
      r.restarts += 1;
      this.log('warn', 'resource-restart', `restarting ${spec.id} here (${r.restarts}/${monitor.maxRestarts})`, { group: g.group.key, resource: spec.id });
      return this.runPlan(g, index, restartPlan(resource, 'monitor'));
    }
    this.log('error', 'monitor-failover', `${spec.id} keeps failing after ${monitor.maxRestarts} restarts: failing group ${g.group.key} over to ${this.config.peer}`, { group: g.group.key, resource: spec.id });
    g.phase = 'stopping';
    this.runPlan(g, index, rollbackPlan(g.group.resources.length - 1, `monitor of ${spec.id} failed`));
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
      if (g.phase !== 'stopped') holds |= bit(i);
      if (g.wants) wants |= bit(i);
      else if (g.phase === 'stopped' && this.commUp) grants |= bit(i);
    });
    if (this.demand) {
      wants = allGroups(this.groups.length);
      grants = allGroups(this.groups.length);
    }
    return { role: this.role(), standby: this.standby, holds: holds >>> 0, wants: wants >>> 0, grants: grants >>> 0 };
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
    const latest = this.latest;
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
    this.out.push({ type: 'send', message });
    this.sentLog.push({ seq: this.seq, at: this.now });
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
  }

  private maybePersist(): void {
    const role = this.role();
    if (role === 'transition') return;
    const last = this.lastPersisted;
    if (last && last.role === role && last.standby === this.standby) return;
    this.lastPersisted = { standby: this.standby, role };
    this.out.push({ type: 'persist', state: { standby: this.standby, role } });
  }

  private maybeFinishLeaving(): void {
    if (!this.leaving || this.stopped) return;
    if (this.groups.some((g) => g.phase !== 'stopped' || g.op || g.plan)) return;
    this.send(MessageType.Goodbye, { role: 'leaving', standby: this.standby, holds: 0, wants: 0, grants: allGroups(this.groups.length) });
    this.log('info', 'stopped', 'All resources relinquished; goodbye sent');
    this.out.push({ type: 'stopped' });
    this.stopped = true;
  }
}

function claimsChanged(before: StatusMessage, after: StatusMessage): boolean {
  const x = before.claims;
  const y = after.claims;
  return before.type !== after.type || before.role !== after.role || before.standby !== after.standby || x.holds !== y.holds || x.wants !== y.wants || x.grants !== y.grants;
}
