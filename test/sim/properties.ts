// The rules of the failover core as properties of the simulated world, checked on every soak
// schedule (soak.ts drives the faults; this file only watches). Each property judges what
// ACTUALLY happens on the machines (resources running, frames delivered, hooks run), using a
// machine's status() only to learn which verdict it acted on. Test code only: touches nothing
// outside test/sim.
//
// Notation: K = keepalive, D = deadtime, S = the longest script run, N = number of resources,
// T = the non-owner's tie delay K + D/2. "disrupted": no link carries frames both ways without
// loss, or a node is paused; "aftermath": a disruption and the HEAL bound after it.
//
// Always checked (the default soak):
//   safety            (1) outside disruptions and their aftermath no resource runs on both machines.
//   stop-before-start (4) outside the same windows a start is issued only where the other machine
//                     has the resource cleanly stopped (or only a dead daemon's leftovers, which
//                     duplicate-address detection refuses).
//   takeover          (2) a node down (killed, graceful stop) and staying down: the survivor runs
//                     everything within D + 2K + T + 100 + 2·N·S if it stayed eligible (a node
//                     in its operator's standby is not excused: its peer's death cancels standby,
//                     Heartbeat semantics; a failed mark at ANY time in the window excuses it: a retry clears the mark but starts
//                     a deadtime later; a daemon killed with -9 leaves its resources running, so
//                     there is nothing to take over).
//   heal              (3) a disruption ended with both nodes up: within 2K + 4·serial + 3·N·S + D
//                     every resource runs exactly once (when someone is eligible; + D: damping
//                     fails a group back to a returning peer only once it was heard for a deadtime).
//   settled           after 30 s of calm every resource runs exactly once.
//   fresh-evidence    a peer-dead verdict needs D of silence observed while awake: pauses longer
//                     than K (SIGSTOP, VM freeze) are no evidence (stall guard), during disruption too.
//   tie-delay         the node that does not own the first group, declaring dead a peer that held
//                     nothing, starts nothing before T has passed since its verdict.
//   isolated          with ping nodes, a node that has reached none for D + K starts nothing on the
//                     peer's death (a graceful goodbye needs no arbitration: nobody else runs it).
//   fence-first       with fencing, a start on the peer's death follows a successful fence issued
//                     after that verdict, or earlier in this node's life with the peer not stable
//                     since (one fence per incident; a graceful goodbye needs none).
//   deaf-yield        while every link loses one direction and some link works the other way, a
//                     resource runs on both machines for at most D + 2K + 2·N·S + 4·serial + 500
//                     (a direction counts as working only once a node restarted without its state
//                     file was accepted by its peer: until then its frames are dropped as old).
//   escalation        with escalation configured, a failed stop reboots the node within 1 s
//                     (unless the node is paused or a hook hangs).
//   standby-persisted an operator's `standby` accepted more than 3·N·S + 500 ms before a crash
//                     survives it (until that node's own `takeover` or `online`, or the death or
//                     stop of its peer, which cancels standby: Heartbeat semantics).
//   takeover-wins     an operator's `takeover` that was not raced (no other command for 2·D
//                     before it, or its node had already honoured the peer's earlier takeover),
//                     followed by no command, crash or disruption: its node is not in standby
//                     D + 2K later (a demand is honoured only if it acknowledges our own).
//   race-winner       `takeover` on both nodes at the same instant, with a working link and
//                     both seeing the other alive, nothing else happening (no failed start or
//                     stop): the node whose name sorts first holds every group
//                     the takeover bound later (a grant-all or standby the peer sent before it saw
//                     our demand is no answer to it).
//   standby-operators (5) a node's persisted standby turns on only after its own accepted `standby`
//                     command (a peer's takeover, or a takeover race, makes it yield, never standby).
//   one-fence         (6) after a successful fence a node (in the same life) fences its peer again
//                     only if it has seen the peer stable (heard for a deadtime) since; every third
//                     fencing schedule fences softly (the peer lives on), so flaps are exercised.
//   never-both-defer  (7) outside disruptions and their aftermath the two nodes never both yield
//                     to each other (peer-takeover or online) (sampled every 250 ms).
//   damping           (8) a node never stops a group it alone holds to fail it back (auto_failback)
//                     to a peer it does not consider stable (sampled every 250 ms).
//   standby-trap      a standby nobody's operator asked for excuses no group that runs nowhere
//                     after the final calm.
//   notify-delay      a hung notification hook (local/remote-failure) excuses neither a late
//                     takeover nor a start on stale ping evidence (notifications never sit in front
//                     of the takeover path).
//   drift-heal        the two nodes list other resource groups (drift in the group set): after a
//                     heal (and after the final calm) no resource runs on both, and one that ran on
//                     both at the heal (split brain) runs on exactly one (nothing starts by a drifted
//                     peer's claims, so "runs nowhere" is otherwise excused).
//   drift-start       other group sets: after the final calm (both nodes up) a group both nodes
//                     list with the same owner does not run nowhere while that owner is eligible
//                     (before, a cold start of both with drift started nothing at all).
//   drift-owner       the two haresources list the same groups but name different owners for one
//                     (owners-only drift: each names itself, or each names the other): that
//                     contested group never runs on both nodes while a link works both ways (past
//                     the heal bound, as safety (1)), and at a heal or settled check it runs on
//                     exactly one node when one is eligible (src/core/drift.ts "Owners only": the
//                     agreed owner is the first node name, a). Owners-only drift gets every other
//                     check too (heal, settled), unlike other group sets.
//   deaf-evidence     a peer-deaf verdict (one-way failure) is drawn only after the peer's frames
//                     kept arriving (no gap over W + K) for D (silence is the peer-dead rule's to
//                     judge; links dying one after the other in a flap once made it fire).
//   flap-owner        in a flapping incident in which nothing but the links changes, from the flap's
//                     first heal on (earlier link faults are reset then), a node never begins to
//                     stop a group it owns while eligible, not deferring and not asked to by a
//                     takeover demand or a per-group move (move/standby GROUP recorded on either
//                     node that sends the group to the other machine), nor on a peer-deaf verdict
//                     drawn before the flap began (a real one-way failure: it stands by design).
//   notify-order      with transition notifications (every other seed), each node runs one
//                     notification at a time (the notify lane), never tells a group or itself the
//                     same state twice in a row, and after the final calm the last state it told
//                     each group is what the machine really does (MASTER where all the group's
//                     resources run, else BACKUP, or FAULT where marked failed), the node's likewise.
//   uplink-move       with uplink tracking (ipfail), a node hands its groups over only while its
//                     measured score is below the score its live peer announced (never on equal
//                     or unknown scores) and its ping node really is lost while the peer's is not
//                     (allowing one probe and one heartbeat of lag). Two holders from such a move
//                     are caught by safety (1): a ping change is no disruption.
//   flap-damping      in a flapping incident in which nothing but the links changes, a group moves
//                     at most twice (there and back). A move is a start while the other machine
//                     does not run the group, on another machine than the group's last move in
//                     the incident went to (a retry after a failed start is the same move; seed
//                     13910 counted a takeover and its two retries as three): a second copy started while the peer kept its own
//                     (split brain over a cut longer than deadtime, stopped again on the heal) is
//                     no move, and only fencing prevents it.
//   dad-fresh         (issue 13) a start skips duplicate-address detection only on a probe of
//                     its own group, answered "free", issued after the node last heard the peer
//                     (taken during this silence) and at most 2·D before the start.
//   dad-orphan        (issue 13) a start never skips duplicate-address detection while the other
//                     machine's killed daemon left that address running (kill -9: it still
//                     answers ARP, and the probe must have seen it).
// Outage accounting: every ms a group runs nowhere while a node is up is counted, split into
// "nobody eligible" (both standby, failed on both, ...) and the rest; the soak prints the totals.
//
// The faults and rules of issue 12's holes (all fixed) are part of the default soak; for
// comparison, SOAK_HOLES keeps only the listed ones (a comma list, or `none`):
//   standby (holes 1, 2)  property standby-trap.
//   generation (hole 3)   fault: a node restarts without its state file (a lower generation).
//   drift (hole 4)        fault: node b lists the haresources lines in reverse order (odd seeds)
//                         or another group set (even seeds: an extra group owned by a or b);
//                         else sometimes owner lines that differ (soak.ts conflictingOwners):
//                         property drift-owner.
//   notify (hole 7)       property notify-delay.
//   flap (hole 10)        properties flap-damping and flap-owner.
//   moves (issue 15)      fault: per-group move/standby/clear commands (also on both nodes at
//                         once); property move-honoured: after the final calm, a group that the
//                         operators moved (one move, or moves that agree on the node) runs on
//                         that node when both are up and it is eligible there (not in standby,
//                         not failed there, not isolated, not yielding to the peer's takeover,
//                         no takeover demand pending on the other); both nodes moving it "here"
//                         at once: on a, first by name. Moves both "away" are checked only by
//                         `settled` (exactly one holder: the one that had it keeps it).

import { LINK_DELAY_MS, LINKS, NODES, PING_MS, World, type NodeName, type SimNode, type WorldOptions } from './world.js';
import { MessageType, sameGroups } from '../../src/protocol/message.js';
import { hookLane, type HookKind } from '../../src/core/types.js';
import type { CoreStatus, GroupStatus } from '../../src/core/status.js';

export type Hole = 'standby' | 'generation' | 'drift' | 'notify' | 'flap' | 'moves';
export const HOLES: readonly Hole[] = ['standby', 'generation', 'drift', 'notify', 'flap', 'moves'];

/** SOAK_HOLES: unset, `1` or `all` = every hole (the default soak); `none` or `0` = none; else a comma list. */
export function parseHoles(value: string | undefined): ReadonlySet<Hole> {
  if (value === undefined || value === '' || value === '1' || value === 'all') return new Set(HOLES);
  if (value === '0' || value === 'none') return new Set();
  const names = value.split(',').map((v) => v.trim());
  const unknown = names.filter((n) => !(HOLES as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`SOAK_HOLES: unknown hole(s) ${unknown.join(', ')}; known: ${HOLES.join(', ')}`);
  return new Set(names as Hole[]);
}

export interface Bounds {
  heal: number;
  takeover: number;
  deafYield: number;
  tie: number;
  standby: number;
}

export function boundsFor(o: WorldOptions, resources: number): Bounds {
  const maxScript = Math.max(o.scriptMs.start, o.scriptMs.stop, o.scriptMs.monitor) + o.scriptJitterMs;
  const tie = o.keepaliveMs + Math.floor(o.deadtimeMs / 2);
  return {
    // + D: damping lets a group fail back to a returning peer only once it was heard for a deadtime.
    heal: 2 * o.keepaliveMs + 4 * LINK_DELAY_MS.serial + 3 * resources * maxScript + o.deadtimeMs,
    takeover: o.deadtimeMs + 2 * o.keepaliveMs + tie + 100 + 2 * resources * maxScript,
    deafYield: o.deadtimeMs + 2 * o.keepaliveMs + 2 * resources * maxScript + 4 * LINK_DELAY_MS.serial + 500,
    tie,
    standby: 3 * resources * maxScript + 500,
  };
}

export interface Checked {
  takeover: number;
  heal: number;
  settled: number;
}

export interface Outage {
  /** ms in which some group ran on no machine while at least one machine was up. */
  total: number;
  /** ... of which nobody was eligible for it (both standby, failed on both, leaving). */
  nobodyEligible: number;
}

const ESCALATION_BOUND_MS = 1000;
/** How often (simulated ms) an ongoing outage is classified again (nobody eligible or not). */
const OUTAGE_RECLASSIFY_MS = 250;
const NOTIFIERS = new Set(['local-failure', 'remote-failure', 'master', 'backup', 'fault', 'stop']);

/** What a node's notifier has been told in its current life (notify-order). */
interface Notified {
  incarnation: number;
  busy: boolean;
  /** Last state told, by `group:KEY` or `node:NAME`. */
  told: Map<string, string>;
}

/** Per node, what the properties remember about its current life. */
interface NodeWatch {
  deadVerdictAt: number;
  fenceOkAt: number;
  pingLostAt: number;
  /** When its ping node last became reachable or unreachable (uplink-move). */
  pingChangedAt: number;
  /** When the operator's own `standby` was accepted (null: none in force). */
  operatorStandbyAt: number | null;
  /** Last time a failed mark was set or cleared on this node. */
  failedMarkAt: number;
  /** The life (incarnation) of this node in which a fence succeeded while the peer has not been stable since (one-fence). */
  fencedLife: number | null;
  /** Persisted standby as last seen (standby-operators). */
  persistedStandby: boolean;
  /** Since when the node's standing peer-deaf verdict holds (null: none) (flap-owner). */
  deafSince: number | null;
  /** The peer's frames have arrived since this time without a gap longer than W + K (deaf-evidence). */
  heardRunFrom: number | null;
  heardSeen: number | null;
}

const newWatch = (): NodeWatch => ({
  deadVerdictAt: -Infinity,
  fenceOkAt: -Infinity,
  pingLostAt: -Infinity,
  pingChangedAt: -Infinity,
  operatorStandbyAt: null,
  deafSince: null,
  failedMarkAt: -Infinity,
  fencedLife: null,
  persistedStandby: false,
  heardRunFrom: null,
  heardSeen: null,
});

export class Properties {
  readonly violations: string[] = [];
  readonly checked: Checked = { takeover: 0, heal: 0, settled: 0 };
  readonly outage: Outage = { total: 0, nobodyEligible: 0 };
  readonly bounds: Bounds;
  private readonly resources: string[];
  private readonly groupResources: string[][];
  private lastDisruptedAt = -Infinity;
  /** Last time anything other than the network changed for a node (kill, boot, command, fault, pause). */
  private lastTouched: Record<NodeName, number> = { a: -Infinity, b: -Infinity };
  private lastCommandAt = -Infinity;
  private lastCommand: { node: NodeName; command: string } | null = null;
  /**
   * The node restarted without its state file and its peer has not accepted it since: the peer
   * drops its frames (older generation) until it does, so its direction does not "work" for
   * deaf-yield even over a healthy link (it cannot catch up while it cannot hear the peer).
   */
  private unheardRestart: Record<NodeName, boolean> = { a: false, b: false };
  private incidentStart = -Infinity;
  private incidentEnd = -Infinity;
  /** The flap's first heal: from then on only the flap acts on the links (earlier faults were reset). */
  private flapOnlyFrom = Infinity;
  private startsThisIncident = new Map<string, number>();
  /** Where each group's last counted move of this incident went (a retry there is no move). */
  private movedToThisIncident = new Map<string, NodeName>();
  private commands = 0;
  private watch: Record<NodeName, NodeWatch> = { a: newWatch(), b: newWatch() };
  private disruptedCache = { version: -1, value: false, oneWay: false, oneWaySince: -Infinity };
  private doubleSince = new Map<string, number>();
  private outageFrom = 0;
  private outageState: 'none' | 'outage' | 'nobody-eligible' = 'none';
  private outageClassifiedAt = -Infinity;
  /** Derived from the machines' actual state when it last changed (afterStep). */
  private actualSeen = -1;
  private isDark = false;
  private doubles: string[] = [];
  private nextStabilitySample = 0;
  private notified: Record<NodeName, Notified> = { a: { incarnation: -1, busy: false, told: new Map() }, b: { incarnation: -1, busy: false, told: new Map() } };

  constructor(
    readonly world: World,
    readonly seed: number,
    readonly holes: ReadonlySet<Hole> = new Set(HOLES),
  ) {
    this.resources = world.resourceIds();
    this.groupResources = world.nodes.a.config.groups.map((g) => g.resources.map((r) => r.id));
    this.bounds = boundsFor(world.options, this.resources.length);
    world.observer = {
      afterStep: () => this.afterStep(),
      startIssued: (_w, node, resource, dadProbe) => this.onStart(node, resource, dadProbe),
      logged: (_w, node, event, level) => this.onLog(node, event, level),
      hookRun: (_w, node, hook, env) => {
        if (hook === 'fence') this.onFenceStart(node);
        if (hookLane(hook) === 'notify') this.onNotification(node, hook, env);
      },
      hookDone: (_w, node, hook, ok) => {
        if (hookLane(hook as HookKind) === 'notify') this.notifiedOf(node).busy = false;
        this.onHookDone(node, hook, ok);
      },
    };
  }

  fail(property: string, what: string): void {
    if (this.violations.length < 5) this.violations.push(`t=${this.world.now} seed=${this.seed}: [${property}] ${what}`);
  }

  // ------------------------------------------------------------ what the soak tells us

  touch(node: NodeName): void {
    this.lastTouched[node] = this.world.now;
  }

  /** An operator command was delivered; `standbyByPeer`: the node was in standby by the peer's takeover just before. */
  commanded(node: NodeName, command: string, standbyByPeer: boolean): void {
    this.touch(node);
    const previous = this.lastCommandAt;
    this.lastCommandAt = this.world.now;
    this.commands += 1;
    const other = this.lastCommand;
    this.lastCommand = { node, command };
    if (command === 'takeover' && previous === this.world.now && other?.command === 'takeover' && other.node !== node) this.watchRace();
    if (command === 'takeover' && (standbyByPeer || this.world.now - previous >= 2 * this.world.options.deadtimeMs)) this.watchTakeover(node);
  }

  /** The node is in standby because it honoured the peer's takeover (not by its operator). */
  standbyByPeer(node: NodeName): boolean {
    const s = this.world.nodes[node].machine?.status();
    return s !== undefined && s.self.standby && this.watch[node].operatorStandbyAt === null;
  }

  pingChanged(node: NodeName, reachable: boolean): void {
    this.touch(node);
    if (!reachable) this.watch[node].pingLostAt = this.world.now;
    this.watch[node].pingChangedAt = this.world.now;
  }

  stateFileLost(node: NodeName): void {
    this.unheardRestart[node] = true;
    this.disruptedCache.version = -1;
    this.watch[node].operatorStandbyAt = null;
    this.watch[node].persistedStandby = false;
  }

  /** A flapping incident begins and lasts `ms` (plus a deadtime): fences are counted in it (hole 10). */
  incidentStarts(ms: number, firstCycleMs: number): void {
    this.incidentStart = this.world.now;
    this.flapOnlyFrom = this.world.now + firstCycleMs;
    this.incidentEnd = this.world.now + ms + this.world.options.deadtimeMs;
    this.startsThisIncident.clear();
    this.movedToThisIncident.clear();
  }

  /** `node` crashed or was killed (daemon or machine): check what it persisted, then watch the survivor. */
  crashed(node: NodeName): void {
    this.checkStandbyPersisted(node);
    this.nodeDown(node);
  }

  /** `node` went down (crash or graceful stop): the survivor must take over. */
  nodeDown(node: NodeName): void {
    const w = this.world;
    const survivor = w.nodes[node === 'a' ? 'b' : 'a'];
    const commUp = survivor.machine !== null && survivor.machine.status().peer.state !== 'unknown';
    const incarnation = w.nodes[node].incarnation;
    const at = w.now;
    w.schedule(this.bounds.takeover, () => this.checkTakeover(node, incarnation, commUp, at));
  }

  /** Links were healed; if that ended a disruption, check the pair heals. */
  healed(wasDisrupted: boolean): void {
    const w = this.world;
    if (wasDisrupted && !this.disrupted()) {
      this.lastDisruptedAt = w.now;
      const at = w.now;
      const onBoth = new Set(this.resources.filter((id) => NODES.every((n) => w.nodes[n].running(id))));
      w.schedule(this.bounds.heal, () => this.checkHeal(at, onBoth));
    }
  }

  // ------------------------------------------------------------ disruption

  disrupted(): boolean {
    this.refreshNetworkFacts();
    return this.disruptedCache.value;
  }

  private refreshNetworkFacts(): void {
    const w = this.world;
    if (this.disruptedCache.version === w.version) return;
    const paused = NODES.some((n) => w.nodes[n].paused);
    const works = (from: NodeName) => !this.unheardRestart[from] && this.directionWorks(from);
    const oneWay = !paused && NODES.every((n) => w.nodes[n].up) && NODES.some((from) => this.directionDead(from) && works(from === 'a' ? 'b' : 'a'));
    const c = this.disruptedCache;
    this.disruptedCache = {
      version: w.version,
      value: !w.anyLinkWorksBothWays() || paused,
      oneWay,
      oneWaySince: oneWay ? (c.oneWay ? c.oneWaySince : w.now) : -Infinity,
    };
  }

  private directionDead(from: NodeName): boolean {
    return LINKS.every((l) => {
      const d = this.world.direction(l, from);
      return d.cut || d.loss >= 1;
    });
  }

  private directionWorks(from: NodeName): boolean {
    return LINKS.some((l) => {
      const d = this.world.direction(l, from);
      return !d.cut && d.loss === 0 && d.fixedDelayMs + d.extraDelayMs < this.world.options.keepaliveMs;
    });
  }

  noteDisruption(): void {
    if (this.disrupted()) this.lastDisruptedAt = this.world.now;
  }

  private inAftermath(): boolean {
    return this.disrupted() || this.world.now - this.lastDisruptedAt <= this.bounds.heal;
  }

  /**
   * A failed stop leaves its group running wherever it was (the stop sequence ends there),
   * whatever the protocol does (the machine keeps it claimed and escalates; the sim's escalation
   * hook reboots the machine). A daemon killed with -9 leaves its resources running too.
   */
  private stuck(resource: string): boolean {
    const group = this.groupOf(resource);
    return NODES.some((n) => group.resources.some((r) => this.world.nodes[n].stopFailed.has(r.id)));
  }

  /**
   * Owners-only drift: both nodes list group `key` (and the same keys), their owner lines differ.
   * Its owner is then the first node name on both (src/core/drift.ts agreedOwner).
   */
  private contested(key: string): boolean {
    const { a, b } = this.world.nodes;
    const ownerOn = (groups: readonly { key: string; owner: string }[]) => groups.find((g) => g.key === key)?.owner;
    return this.sameKeySets() && ownerOn(a.config.groups) !== ownerOn(b.config.groups);
  }

  /** Both configurations list the same group keys (any order): claim bits readable both ways. */
  private sameKeySets(): boolean {
    const keys = (n: NodeName) => this.world.nodes[n].config.groups.map((g) => g.key).sort().join('\n');
    return keys('a') === keys('b');
  }

  /** The owner both nodes act on: a's owner line, or under owners-only drift the first node name. */
  private agreedOwner(key: string, owner: string): string {
    return this.contested(key) ? NODES[0]! : owner;
  }

  private groupOf(resource: string) {
    return this.world.nodes.a.config.groups.find((g) => g.resources.some((r) => r.id === resource))!;
  }

  /** A node's status entry for group `key` (nodes with drifted configs index groups differently). */
  private groupStatus(s: CoreStatus, key: string): GroupStatus {
    return s.groups.find((g) => g.key === key)!;
  }

  // ------------------------------------------------------------ after every step

  /** Runs after every simulated step: what it derives from the machines' actual state is cached. */
  private afterStep(): void {
    const { a, b } = this.world.nodes;
    const changes = (a.actual.changes + b.actual.changes) * 4 + (a.up ? 2 : 0) + (b.up ? 1 : 0);
    if (changes !== this.actualSeen) {
      this.actualSeen = changes;
      this.isDark = this.dark();
      this.doubles = this.resources.filter((id) => a.running(id) && b.running(id) && !this.stuck(id));
    }
    this.noteDisruption();
    this.trackHeardRuns();
    this.accountOutage();
    this.checkStandbyIsOperators();
    this.sampleStability();
    if (this.disruptedCache.oneWay) this.checkDeafYield();
    else if (this.doubleSince.size > 0) this.doubleSince.clear();
    if (this.doubles.length === 0 || this.inAftermath()) return;
    for (const id of this.doubles) this.fail(this.contested(this.groupOf(id).key) ? 'drift-owner' : 'safety', `(1) ${id} runs on both nodes (a=${a.actual.get(id)}, b=${b.actual.get(id)}) while a link works both ways`);
  }

  private checkDeafYield(): void {
    const w = this.world;
    const since = this.disruptedCache.oneWaySince;
    for (const id of this.resources) {
      if (!this.doubles.includes(id)) {
        this.doubleSince.delete(id);
        continue;
      }
      if (!this.doubleSince.has(id)) this.doubleSince.set(id, w.now);
      const from = Math.max(since, this.doubleSince.get(id)!);
      if (w.now - from > this.bounds.deafYield) {
        this.fail('deaf-yield', `${id} runs on both nodes for ${w.now - from} ms while one direction of every link is lost and the other works`);
        this.doubleSince.set(id, Infinity);
      }
    }
  }

  private accountOutage(): void {
    const w = this.world;
    const elapsed = w.now - this.outageFrom;
    if (this.outageState !== 'none') this.outage.total += elapsed;
    if (this.outageState === 'nobody-eligible') this.outage.nobodyEligible += elapsed;
    this.outageFrom = w.now;
    if (!this.isDark) this.outageState = 'none';
    else if (this.outageState === 'none' || w.now - this.outageClassifiedAt >= OUTAGE_RECLASSIFY_MS) {
      // Who is eligible only changes on machine events; asking every step would double the soak's time.
      this.outageClassifiedAt = w.now;
      this.outageState = this.nobodyEligible() ? 'nobody-eligible' : 'outage';
    }
  }

  /** Some machine is up and some group runs wholly on no machine (plain loops: runs every step). */
  private dark(): boolean {
    const { a, b } = this.world.nodes;
    if (!a.up && !b.up) return false;
    for (const ids of this.groupResources) if (!runsAll(a.actual, ids) && !runsAll(b.actual, ids)) return true;
    return false;
  }

  /** Some group has no node that is up and eligible for it. */
  private nobodyEligible(): boolean {
    const w = this.world;
    const statuses = NODES.filter((n) => w.nodes[n].up && w.nodes[n].machine).map((n) => w.nodes[n].machine!.status());
    return w.nodes.a.config.groups.some((g) => !statuses.some((s) => eligibleFor(s, this.groupStatus(s, g.key))));
  }

  // ------------------------------------------------------------ starts

  private onStart(node: SimNode, resource: string, dadProbe?: number): void {
    this.noteDisruption();
    if (dadProbe !== undefined) this.checkDadSkip(node, resource, dadProbe);
    const group = node.config.groups.find((g) => g.resources.some((r) => r.id === resource))!;
    if (group.resources[0]!.id === resource) {
      this.checkGroupStart(node, group.key);
      if (!this.world.nodes[node.peer].running(resource)) this.countIncidentMove(group.key, node.name);
    }
    if (this.inAftermath()) return;
    const peer = this.world.nodes[node.peer];
    // A dead daemon's leftovers: duplicate-address detection refuses the start (world.ts).
    if (peer.orphaned) return;
    if (peer.running(resource) && !this.stuck(resource)) this.fail('stop-before-start', `(4) ${node.name} starts ${resource} while ${peer.name} has it ${peer.actual.get(resource)}`);
  }

  /** dad-fresh, dad-orphan: a start that skips duplicate-address detection. */
  private checkDadSkip(node: SimNode, resource: string, opId: number): void {
    const now = this.world.now;
    const probe = node.dadProbes.get(opId);
    const group = node.config.groups.findIndex((g) => g.resources.some((r) => r.id === resource));
    if (probe === undefined || probe.group !== group || probe.free !== true) {
      this.fail('dad-fresh', `${node.name} starts ${resource} skipping duplicate-address detection on probe ${opId}, which ${probe === undefined ? 'it never issued' : probe.free === null ? 'has not answered' : probe.group !== group ? 'was of another group' : 'found the address in use'}`);
    } else if (node.heardAt !== null && probe.issuedAt <= node.heardAt) {
      this.fail('dad-fresh', `${node.name} starts ${resource} skipping duplicate-address detection on a probe taken at ${probe.issuedAt}, before it last heard ${node.peer} at ${node.heardAt}`);
    } else if (now - probe.issuedAt > 2 * this.world.options.deadtimeMs) {
      this.fail('dad-fresh', `${node.name} starts ${resource} skipping duplicate-address detection on a probe ${now - probe.issuedAt} ms old (limit: two deadtimes, ${2 * this.world.options.deadtimeMs} ms)`);
    }
    const peer = this.world.nodes[node.peer];
    if (peer.orphaned && peer.actual.get(resource) === 'running' && resource.startsWith('IPaddr')) {
      this.fail('dad-orphan', `${node.name} starts ${resource} skipping duplicate-address detection while ${peer.name}'s killed daemon left it running`);
    }
  }

  /** flap-damping: a group moves at most twice (there and back) in one clean flapping incident. */
  private countIncidentMove(key: string, to: NodeName): void {
    if (!this.inCleanIncident()) return;
    // A start where the group last moved to is a retry of that move (its start failed, or a
    // takeover retry after a failed one: machine.ts MAX_TAKEOVER_RETRIES), not another move.
    if (this.movedToThisIncident.get(key) === to) return;
    this.movedToThisIncident.set(key, to);
    const starts = (this.startsThisIncident.get(key) ?? 0) + 1;
    this.startsThisIncident.set(key, starts);
    if (this.holes.has('flap') && starts === 3) this.fail('flap-damping', `group ${key} moved a 3rd time in one flapping incident`);
  }

  private inCleanIncident(): boolean {
    return this.world.now <= this.incidentEnd && NODES.every((n) => this.lastTouched[n] < this.incidentStart);
  }

  /** A group start (its first resource) on the peer's death obeys the takeover gate. */
  private checkGroupStart(node: SimNode, key: string): void {
    const machine = node.machine;
    if (!machine || machine.status().peer.state !== 'dead') return;
    const w = this.world;
    const o = w.options;
    const watch = this.watch[node.name];
    const goodbye = node.heard?.type === MessageType.Goodbye;
    const peerHeldNothing = node.heard === null || node.heard.claims.holds === 0;
    const tieLoser = node.config.groups[0]!.owner !== node.name;
    if (tieLoser && peerHeldNothing && !goodbye && w.now - watch.deadVerdictAt < this.bounds.tie) {
      this.fail('tie-delay', `${node.name} starts ${key} ${w.now - watch.deadVerdictAt} ms after declaring a peer dead that held nothing (tie delay ${this.bounds.tie} ms)`);
    }
    // A notification hook hung in front of the gate makes its ping evidence stale (hole 7).
    const notifierHung = notifierHungSince(node, watch.deadVerdictAt);
    if (o.pingNodes && !goodbye && !node.pingReachable && w.now - watch.pingLostAt > o.deadtimeMs + o.keepaliveMs + PING_MS && (!notifierHung || this.holes.has('notify'))) {
      this.fail(notifierHung ? 'notify-delay' : 'isolated', `${node.name} starts ${key} on the peer's death while it has reached no ping node for ${w.now - watch.pingLostAt} ms`);
    }
    if (o.fence && !goodbye && watch.fenceOkAt < watch.deadVerdictAt && !this.fenceCovers(node)) {
      this.fail('fence-first', `${node.name} starts ${key} on the peer's death (verdict at t=${watch.deadVerdictAt}) without a successful fence since, nor one earlier in this incident`);
    }
  }

  // ------------------------------------------------------------ machine events

  private onLog(node: SimNode, event: string, level: string): void {
    const watch = this.watch[node.name];
    switch (event) {
      case 'uplink-hand-over':
        this.checkUplinkMove(node);
        return;
      case 'peer-dead':
        watch.deadVerdictAt = this.world.now;
        if (level === 'warn') this.checkFreshEvidence(node);
        return;
      case 'peer-deaf':
        watch.deafSince ??= this.world.now;
        this.checkDeafEvidence(node);
        return;
      case 'peer-hears-us':
      case 'core-start': // a new life of the daemon starts without a verdict
        watch.deafSince = null;
        return;
      case 'release-start':
        this.checkOwnerKeepsThroughFlap(node);
        return;
      case 'group-failed':
      case 'failed-mark-cleared':
        watch.failedMarkAt = this.world.now;
        return;
      case 'stop-failed':
        if (this.world.options.escalate) this.watchEscalation(node);
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
        this.unheardRestart[node.peer] = false;
        this.disruptedCache.version = -1;
        return;
      case 'peer-stable':
        // The incident is over: a later death needs a new fence.
        watch.fencedLife = null;
        return;
    }
  }

  private onHookDone(node: SimNode, hook: string, ok: boolean): void {
    if (hook !== 'fence' || !ok) return;
    this.watch[node.name].fenceOkAt = this.world.now;
    this.watch[node.name].fencedLife = node.incarnation;
  }

  /** A fence that succeeded in this life covers the incident until the peer was stable (takeover-gate.ts). */
  private fenceCovers(node: SimNode): boolean {
    return this.watch[node.name].fencedLife === node.incarnation;
  }

  /** one-fence (6): a node fences again only after it has seen the peer stable since its last successful fence. */
  private onFenceStart(node: SimNode): void {
    if (this.fenceCovers(node)) this.fail('one-fence', `(6) ${node.name} fences its peer again although the peer was never stable since the last successful fence`);
  }

  /** standby-operators (5): persisted standby turns on only after the node's own accepted standby command. */
  private checkStandbyIsOperators(): void {
    for (const n of NODES) {
      const node = this.world.nodes[n];
      const watch = this.watch[n];
      if (node.standby && !watch.persistedStandby && node.machine) {
        const last = node.machine.status().lastCommand;
        // Commands queued during a pause are handled in one step: a later refused one (takeover
        // during the stop that followed) is then lastCommand, but the standby was accepted now.
        const acceptedNow = watch.operatorStandbyAt === this.world.now;
        if ((last?.command !== 'standby' || !last.accepted) && !acceptedNow) this.fail('standby-operators', `(5) ${n} persisted standby without its own standby command (last: ${last?.command ?? 'none'})`);
      }
      watch.persistedStandby = node.standby;
    }
  }

  /** damping (8) and never-both-defer (7), sampled every 250 ms. */
  private sampleStability(): void {
    const w = this.world;
    if (w.now < this.nextStabilitySample) return;
    this.nextStabilitySample = w.now + 250;
    const statuses = NODES.map((n) => w.nodes[n].machine?.status());
    NODES.forEach((n, i) => {
      const s = statuses[i];
      if (!s) return;
      if (s.peer.state !== 'alive' || s.peer.stable) return;
      const failback = s.groups.find((g) => g.phase === 'stopping' && g.desired === 'peer' && g.peerHolds === false && g.why.startsWith('auto_failback'));
      if (failback) this.fail('damping', `(8) ${n} fails ${failback.key} back to a peer that is not stable`);
    });
    // During a disruption a node may honour a demand sent before the peer yielded (a pause, lost
    // frames): both defer until the peer's death ends one yield; harmless, as a node defers only
    // what the other holds (desired.ts rule 4). Outside that window it must not happen.
    if (statuses.every((s) => s && s.self.deferringToPeer !== null) && !this.inAftermath()) this.fail('never-both-defer', '(7) both nodes yield to each other outside a disruption');
  }

  /**
   * uplink-move: a node hands its groups over only to a live peer whose announced uplink score is
   * higher than its own measured one (never on equal or unknown scores), and only while its own
   * uplink really is worse than the peer's: its ping node unreachable, the peer's reachable.
   */
  private checkUplinkMove(node: SimNode): void {
    const u = node.machine?.status().uplink;
    const peer = this.world.nodes[node.name === 'a' ? 'b' : 'a'];
    if (!u || u.self === null || u.peer === null || u.self.score >= u.peer) {
      this.fail('uplink-move', `${node.name} hands its groups over with uplink score ${u?.self?.score ?? 'unknown'} against the peer's ${u?.peer ?? 'unknown'}`);
    } else if (node.pingReachable || !peer.pingReachable) {
      // Scores lag reality by at most a probe and a heartbeat; a flip within that is no violation.
      const since = Math.max(this.watch[node.name].pingChangedAt, this.watch[peer.name].pingChangedAt);
      if (this.world.now - since > 2 * this.world.options.keepaliveMs + PING_MS) this.fail('uplink-move', `${node.name} hands its groups over although its ping node is ${node.pingReachable ? 'reachable' : 'unreachable'} and the peer's ${peer.pingReachable ? 'reachable' : 'unreachable'}`);
    }
  }

  /** fresh-evidence: the silence behind a peer-dead verdict was observed while awake. */
  private checkFreshEvidence(node: SimNode): void {
    if (node.heardAt === null) return;
    const w = this.world;
    const from = node.heardAt;
    const asleep = node.pauses.filter((p) => p.to - p.from > w.options.keepaliveMs).reduce((sum, p) => sum + Math.max(0, Math.min(p.to, w.now) - Math.max(p.from, from)), 0);
    const awake = w.now - from - asleep;
    if (awake < w.options.deadtimeMs) this.fail('fresh-evidence', `${node.name} declares its peer dead after ${awake} ms of awake silence (last heard t=${from}, ${asleep} ms paused; deadtime ${w.options.deadtimeMs})`);
  }

  /** Runs of frames heard from the peer (deaf-evidence): a gap longer than W + K starts a new run. */
  private trackHeardRuns(): void {
    const w = this.world;
    for (const n of NODES) {
      const node = w.nodes[n];
      const watch = this.watch[n];
      if (node.heardAt === watch.heardSeen) continue;
      const gap = node.heardAt === null || watch.heardSeen === null ? Infinity : node.heardAt - watch.heardSeen;
      if (gap > w.options.warntimeMs + w.options.keepaliveMs) watch.heardRunFrom = node.heardAt;
      watch.heardSeen = node.heardAt;
    }
  }

  /**
   * deaf-evidence: a one-way verdict (peer-deaf) needs the peer's frames to have kept arriving for
   * the deadtime before it (no gap over W + K); silence, or the first frames after one, is no
   * evidence (a node paused in that time is not judged: its stall is forgiven).
   */
  private checkDeafEvidence(node: SimNode): void {
    const w = this.world;
    const o = w.options;
    this.trackHeardRuns();
    if (node.pausedAt !== null || node.pauses.some((p) => p.to >= w.now - 2 * o.deadtimeMs)) return;
    const from = this.watch[node.name].heardRunFrom;
    if (from === null || w.now - from < o.deadtimeMs) {
      this.fail('deaf-evidence', `${node.name} declares its peer deaf (one-way failure) although its frames arrive only since t=${from}: silence is not deafness`);
    }
  }

  /**
   * flap-owner: in a clean flapping incident a node never begins to stop a group it owns and may
   * hold (eligible, not deferring to the peer, not moved away by an operator): the flap ends each
   * split brain on the owner.
   */
  private checkOwnerKeepsThroughFlap(node: SimNode): void {
    if (!this.holes.has('flap') || !this.inCleanIncident() || this.world.now < this.flapOnlyFrom) return;
    const s = node.machine?.status();
    if (!s || s.self.deferringToPeer !== null || s.self.standby || s.self.leaving) return;
    // A demand the peer's operator made before the flap is honoured as usual, and so is a
    // per-group move (issue 15): the group's record on either node sends it to the other machine.
    const peer = this.world.nodes[node.name === 'a' ? 'b' : 'a'].machine?.status();
    const movedAway = (g: GroupStatus) => g.why.startsWith('moved') && [g.placement, peer?.groups.find((p) => p.key === g.key)?.placement].some((m) => m != null && m.node !== node.name);
    // A one-way failure found before the flap began (a real earlier fault: its verdict stands
    // through the flap's silences by design, peer-view.ts) is not the flap's doing either.
    const deafSince = this.watch[node.name].deafSince;
    const deafBefore = (g: GroupStatus) => g.why.includes('cannot hear us') && deafSince !== null && deafSince < this.incidentStart;
    const excused = (g: GroupStatus) => g.why.includes('not eligible') || g.why.includes('demands a takeover') || movedAway(g) || deafBefore(g);
    const own = s.groups.find((g) => this.agreedOwner(g.key, g.owner) === node.name && g.phase === 'stopping' && g.desired !== 'self' && !g.failedHere && !excused(g));
    if (own) this.fail('flap-owner', `${node.name} stops its own group ${own.key} during a flapping incident (${own.why})`);
  }

  private watchEscalation(node: SimNode): void {
    const w = this.world;
    const incarnation = node.incarnation;
    const at = w.now;
    w.schedule(ESCALATION_BOUND_MS, () => {
      if (node.incarnation !== incarnation || !node.up) return;
      if (node.paused || node.pauses.some((p) => p.to >= at) || node.hookHungUntil >= at) return;
      this.fail('escalation', `${node.name}: a stop failed at t=${at} with escalation configured, and the node was not rebooted ${ESCALATION_BOUND_MS} ms later`);
    });
  }

  private checkStandbyPersisted(node: NodeName): void {
    const w = this.world;
    const n = w.nodes[node];
    const since = this.watch[node].operatorStandbyAt;
    if (since === null || n.standby || w.now - since <= this.bounds.standby) return;
    if (n.pauses.some((p) => p.to >= since) || n.paused) return;
    this.fail('standby-persisted', `${node} crashed ${w.now - since} ms after its operator's standby, but its state file says standby=false`);
  }

  /**
   * takeover-wins: an operator takeover that was not raced (no other command for 2·D before it, or
   * the node had already honoured the peer's earlier takeover) leaves the node out of standby.
   */
  /** race-winner: both nodes just ran `takeover` at this instant. */
  private watchRace(): void {
    const w = this.world;
    const at = w.now;
    // A race needs two nodes that see each other: a takeover while the peer is dead or starting up demands nothing.
    const accepted = NODES.every((n) => {
      const s = w.nodes[n].machine?.status();
      return s?.lastCommand?.command === 'takeover' && s.lastCommand.accepted && s.lastCommand.at === at && s.peer.state === 'alive';
    });
    if (!accepted || this.disrupted()) return;
    const incarnations = NODES.map((x) => w.nodes[x].incarnation);
    const commands = this.commands;
    w.schedule(this.bounds.takeover, () => {
      if (this.commands !== commands || NODES.some((x, i) => w.nodes[x].incarnation !== incarnations[i] || !w.nodes[x].machine)) return;
      if (this.lastDisruptedAt >= at || NODES.some((x) => this.lastTouched[x] > at) || this.watch.a.failedMarkAt >= at) return;
      const winner = w.nodes.a;
      if (winner.machine!.status().groups.some((g) => g.failedHere) || NODES.some((x) => w.nodes[x].machine!.status().groups.some((g) => g.stopFailed))) return;
      // Uplink tracking moved the groups on after the race (the winner's ping node was lost): uplink-move judges that.
      const uplink = winner.machine!.status().uplink;
      if (uplink && (uplink.state === 'worse' || uplink.state === 'handing-over' || (uplink.lastHandover?.at ?? -Infinity) >= at)) return;
      for (const id of this.resources) if (!winner.running(id)) this.fail('race-winner', `takeover on both nodes at t=${at}: a, first by name, does not run ${id} ${w.now - at} ms later`);
    });
  }

  private watchTakeover(node: NodeName): void {
    const w = this.world;
    const at = w.now;
    const n = w.nodes[node];
    const after = n.machine?.status();
    if (!after || after.lastCommand?.command !== 'takeover' || !after.lastCommand.accepted || after.lastCommand.at !== at) return;
    if (this.disrupted()) return;
    const o = w.options;
    const incarnations = NODES.map((x) => w.nodes[x].incarnation);
    const commands = this.commands;
    w.schedule(o.deadtimeMs + 2 * o.keepaliveMs, () => {
      if (this.commands !== commands || NODES.some((x, i) => w.nodes[x].incarnation !== incarnations[i] || !w.nodes[x].machine)) return;
      if (this.lastDisruptedAt >= at || NODES.some((x) => this.lastTouched[x] > at)) return;
      const s = n.machine!.status();
      if (s.self.standby) this.fail('takeover-wins', `${node} ran takeover at t=${at} alone, with a working link, and is in standby ${w.now - at} ms later`);
    });
  }

  // ------------------------------------------------------------ liveness

  /** (2) Called TAKEOVER bound after `dead` went down. */
  private checkTakeover(dead: NodeName, deadIncarnation: number, survivorCommUp: boolean, downAt: number): void {
    const w = this.world;
    const survivor = w.nodes[dead === 'a' ? 'b' : 'a'];
    if (w.nodes[dead].incarnation !== deadIncarnation || w.nodes[dead].up || w.nodes[dead].orphaned) return;
    if (!survivor.up || !survivor.machine || !survivorCommUp || this.lastTouched[survivor.name] >= downAt - 1) return;
    const watch = this.watch[survivor.name];
    // A failed mark at any time in the window: cleared by a retry, it still delays the takeover.
    if (watch.failedMarkAt >= downAt) return;
    const hungNotifier = notifierHungSince(survivor, downAt);
    if (survivor.hookHungUntil >= downAt && !(this.holes.has('notify') && hungNotifier)) return;
    const s = survivor.machine.status();
    // A node in standby is not excused: the death or stop of its peer cancels standby.
    if (s.self.leaving || s.takeoverGate === 'isolated') return;
    if (s.groups.some((g) => g.failedHere || g.stopFailed)) return;
    this.checked.takeover += 1;
    const property = hungNotifier ? 'notify-delay' : 'takeover';
    for (const id of this.resources) if (!survivor.running(id)) this.fail(property, `(2) ${dead} down since t=${downAt}: ${survivor.name} does not run ${id} after ${this.bounds.takeover} ms`);
  }

  /** (3) Called HEAL bound after a disruption ended at `healedAt`. */
  private checkHeal(healedAt: number, onBothAtHeal: ReadonlySet<string>): void {
    const w = this.world;
    if (this.lastDisruptedAt > healedAt) return;
    if (NODES.some((n) => this.lastTouched[n] >= healedAt - this.bounds.heal || !w.nodes[n].up || !w.nodes[n].machine)) return;
    this.checked.heal += 1;
    this.checkExactlyOne('heal', `(3) ${this.bounds.heal} ms after the heal at t=${healedAt}`, false, onBothAtHeal);
  }

  /** After the final calm. */
  checkSettled(): void {
    const w = this.world;
    if (!NODES.every((n) => w.nodes[n].up)) return;
    this.checked.settled += 1;
    this.checkExactlyOne('settled', 'settled after 30 s of calm', this.holes.has('standby'));
    if (w.options.notify) for (const n of NODES) this.checkToldState(w.nodes[n]);
    if (this.holes.has('moves')) this.checkMovesHonoured();
  }

  // ------------------------------------------------------------ notify-order

  private notifiedOf(node: SimNode): Notified {
    const n = this.notified[node.name];
    if (n.incarnation !== node.incarnation) this.notified[node.name] = { incarnation: node.incarnation, busy: false, told: new Map() };
    return this.notified[node.name];
  }

  private onNotification(node: SimNode, hook: HookKind, env: Record<string, string>): void {
    const n = this.notifiedOf(node);
    if (n.busy) this.fail('notify-order', `${node.name} starts the ${hook} notification while another one runs`);
    n.busy = true;
    if (env['TWINBEAT_TYPE'] === undefined) return;
    const key = `${env['TWINBEAT_TYPE']}:${env['TWINBEAT_NAME']}`;
    const state = env['TWINBEAT_STATE']!;
    if (state !== hook.toUpperCase()) this.fail('notify-order', `${node.name}: ${hook} hook carries TWINBEAT_STATE=${state}`);
    if (n.told.get(key) === state) this.fail('notify-order', `${node.name} tells ${key} ${state} twice in a row`);
    n.told.set(key, state);
  }

  /** After the calm, with its notify lane idle, a node has told each group and itself what it really does. */
  private checkToldState(node: SimNode): void {
    const s = node.machine?.status();
    if (!s || s.self.leaving) return;
    if ([...s.hooks.running, ...s.hooks.queued].some((h) => hookLane(h as HookKind) === 'notify')) return;
    const told = this.notifiedOf(node).told;
    const states: string[] = [];
    for (const g of s.groups) {
      const ids = g.resources.map((r) => r.id);
      const runs = runsAll(node.actual, ids);
      const expected = g.failedHere || g.stopFailed ? 'FAULT' : runs ? 'MASTER' : ids.some((id) => node.running(id)) ? null : 'BACKUP';
      if (expected === null) continue;
      states.push(expected);
      const said = told.get(`group:${g.key}`);
      if (said !== expected) this.fail('notify-order', `after the calm ${node.name} last told group ${g.key} ${said ?? 'nothing'}, but it is ${expected}`);
    }
    if (states.length !== s.groups.length) return;
    const nodeState = states.includes('FAULT') ? 'FAULT' : states.includes('MASTER') ? 'MASTER' : 'BACKUP';
    const said = told.get(`node:${node.name}`);
    if (said !== nodeState) this.fail('notify-order', `after the calm ${node.name} last told itself ${said ?? 'nothing'}, but it is ${nodeState}`);
  }

  /** move-honoured: see the header (issue 15, per-group moves). */
  private checkMovesHonoured(): void {
    const w = this.world;
    const statuses = NODES.map((n) => w.nodes[n].machine!.status());
    if (statuses.some((s) => s.groups.some((g) => g.stopFailed) || s.peer.state !== 'alive' || s.configDigestMatch === false)) return;
    for (const group of w.nodes.a.config.groups) {
      const moves = NODES.map((n, i) => ({ by: n, to: this.groupStatus(statuses[i]!, group.key).placement?.node ?? null })).filter((m) => m.to !== null);
      if (moves.length === 0) continue;
      const agree = moves.every((m) => m.to === moves[0]!.to);
      const bothHere = moves.length === 2 && moves.every((m) => m.to === m.by);
      if (!agree && !bothHere) continue;
      const target = (agree ? moves[0]!.to : 'a') as NodeName;
      const t = statuses[NODES.indexOf(target)]!;
      const other = statuses[NODES.indexOf(target === 'a' ? 'b' : 'a')]!;
      if (t.self.standby || t.self.leaving || other.self.leaving || t.takeoverGate === 'isolated' || this.groupStatus(t, group.key).failedHere) continue;
      if (t.self.deferringToPeer === 'peer-takeover' || other.takeoverDemandPending || t.takeoverDemandPending) continue;
      for (const r of group.resources) {
        if (!w.nodes[target].running(r.id)) this.fail('move-honoured', `settled after 30 s of calm: ${group.key} was moved to ${target} (${moves.map((m) => `by ${m.by} to ${m.to}`).join(', ')}) and ${target} can run it, but ${r.id} does not run there`);
      }
    }
  }

  /**
   * Every resource runs on at most one machine, and on exactly one if some node is eligible.
   * `strict`: a node in a standby its operator did not ask for counts as eligible (standby-trap).
   */
  /** Both nodes list `group` with the same owner, and that owner is up and eligible for it. */
  private ownerEligible(statuses: CoreStatus[], group: { key: string; owner: string }): boolean {
    const w = this.world;
    if (!NODES.every((n) => w.nodes[n].up && w.nodes[n].config.groups.some((g) => g.key === group.key && g.owner === group.owner))) return false;
    const s = statuses[NODES.indexOf(group.owner as NodeName)]!;
    return eligibleFor(s, this.groupStatus(s, group.key));
  }

  private checkExactlyOne(property: string, when: string, strict = false, onBothAtHeal: ReadonlySet<string> = new Set()): void {
    const w = this.world;
    const statuses = NODES.map((n) => w.nodes[n].machine!.status());
    if (statuses.some((s) => s.groups.some((g) => g.stopFailed))) return;
    // Other group sets: nothing starts by the peer's claims, so a group may rightly run nowhere;
    // but one that ran on both at the heal (split brain) ends on exactly one (drift-heal). Owner
    // lines that differ under the same keys are no excuse: the handshake runs (drift-owner).
    const drift = !sameGroups(w.nodes.a.config.configDigest, w.nodes.b.config.configDigest) && !this.sameKeySets();
    for (const group of w.nodes.a.config.groups) {
      const name = this.contested(group.key) ? 'drift-owner' : property;
      const eligible = statuses.some((s) => eligibleFor(s, this.groupStatus(s, group.key)));
      const trapped = strict && NODES.some((n, i) => {
        const s = statuses[i]!;
        return s.self.standby && this.watch[n].operatorStandbyAt === null && !s.self.leaving && !this.groupStatus(s, group.key).failedHere;
      });
      for (const r of group.resources) {
        const runners = NODES.filter((n) => w.nodes[n].running(r.id));
        if (runners.length > 1) this.fail(drift ? 'drift-heal' : name, `${when}: ${r.id} runs on both nodes${drift ? ' (other group sets)' : ''}`);
        if (drift && runners.length === 0 && onBothAtHeal.has(r.id) && eligible) this.fail('drift-heal', `${when}: ${r.id} ran on both at the heal and now runs nowhere (other group sets)`);
        // Both nodes up after the calm, the group listed by both with this owner: an eligible owner
        // runs it, or the peer kept it (an all-zero claim set starts it, src/core/drift.ts).
        if (drift && runners.length === 0 && property === 'settled' && this.ownerEligible(statuses, group)) this.fail('drift-start', `${when}: ${r.id} runs nowhere though its owner ${group.owner} is up and eligible (other group sets)`);
        if (drift || runners.length > 0 || (!eligible && !trapped)) continue;
        const standby = `standby a=${statuses[0]!.self.standby} b=${statuses[1]!.self.standby}`;
        this.fail(eligible ? name : 'standby-trap', `${when}: ${r.id} runs nowhere${eligible ? '' : ` (nobody eligible but a standby the peer imposed: ${standby})`}`);
      }
    }
  }
}

/** A notification hook (local/remote-failure) of this life hung at some time since `since`. */
function notifierHungSince(node: SimNode, since: number): boolean {
  return NOTIFIERS.has(node.hungHook) && node.hookHungUntil >= since;
}

function runsAll(actual: Map<string, string>, ids: readonly string[]): boolean {
  for (const id of ids) if (actual.get(id) !== 'running') return false;
  return true;
}

function eligibleFor(s: CoreStatus, g: GroupStatus): boolean {
  return !s.self.standby && !s.self.leaving && !g.failedHere;
}
