// Seeded random fault schedules against the simulated world, with invariants checked against
// what ACTUALLY runs on each machine (not against what the machines claim).
//
// Definitions (the bounds are stated in ms of simulated time; K = keepalive, D = deadtime,
// S = the longest script run, N = number of resources, T = the non-owner's tie delay K + D/2):
//
// * disrupted: no link carries frames both ways without loss (cut in either direction, or lossy),
//   or a node is paused. Both nodes may legitimately run a resource during a disruption (that is
//   split brain: neither can tell a dead peer from a silent one) and for HEAL_BOUND after it.
// * (1) SAFETY: outside disruptions and their HEAL_BOUND aftermath, no resource ever runs on both
//   machines ("runs" = anything but cleanly stopped: starting, running, stopping, stop-failed).
// * (4) STOP BEFORE START: outside the same windows, when a node issues a start the other
//   machine has that resource cleanly stopped.
// * (2) TAKEOVER: when a node goes down (killed or graceful stop) and stays down, the survivor
//   runs every resource within TAKEOVER_BOUND = D + 2K + T + 100 + 2·N·S, provided it is eligible
//   for the whole window: up, unpaused, past start-up when the peer died, not in standby, not
//   leaving, not isolated by its ping nodes, no group failed or stop-failed on it, and no fault,
//   command or resource crash aimed at it during the window.
// * (3) HEAL: when a disruption ends with both nodes up, within HEAL_BOUND = 2K + 4·(serial delay)
//   + 3·N·S + D (damping: failback to a returning peer waits a deadtime) every resource runs on exactly one machine — provided nothing else happens in the
//   window (no new disruption, kill, boot, command or fault) and some node is eligible for the
//   group (not standby, not leaving, not failed for it; no stop failure anywhere).
// * (5) STANDBY IS THE OPERATOR'S: a node's persisted standby turns on only after its own accepted
//   `standby` command (a peer's takeover, or a simultaneous takeover race, never persists it).
// * (6) ONE FENCE PER INCIDENT: after a successful fence, a node (in the same life) fences its peer again only if it
//   has seen the peer stable (heard continuously for a deadtime) in between (sampled every 250 ms;
//   every third fencing schedule fences softly, leaving the peer alive, so flaps are exercised).
// * (7) NEVER BOTH DEFER: the two nodes never both defer to each other (both yielded to the
//   other's takeover, or online): nobody would hold anything (sampled every 250 ms).
// * (8) DAMPING: a node never stops a group it alone holds to fail it back (auto_failback) to a
//   peer it does not consider stable (sampled every 250 ms).
// * A node in standby is NOT excused from (2): the death or stop of its peer cancels standby.

import { LINK_DELAY_MS, LINKS, NODES, World, addFault, type LinkName, type NodeName, type WorldOptions } from './world.js';
import { mulberry32, pick, randInt, type Rng } from '../support/prng.js';

export interface SoakResult {
  seed: number;
  /** How many takeover (2) and heal (3) checks were actually evaluated (not excused). */
  checked: { takeover: number; heal: number; settled: number };
  violations: string[];
  steps: number;
  simulatedMs: number;
}

interface Bounds {
  heal: number;
  takeover: number;
}

function boundsFor(o: WorldOptions, resources: number): Bounds {
  const maxScript = Math.max(o.scriptMs.start, o.scriptMs.stop, o.scriptMs.monitor) + o.scriptJitterMs;
  const tie = o.keepaliveMs + Math.floor(o.deadtimeMs / 2);
  return {
    // + D: damping lets a group fail back to a returning peer only once it was heard for a deadtime.
    heal: 2 * o.keepaliveMs + 4 * LINK_DELAY_MS.serial + 3 * resources * maxScript + o.deadtimeMs,
    takeover: o.deadtimeMs + 2 * o.keepaliveMs + tie + 100 + 2 * resources * maxScript,
  };
}

export class Soak {
  readonly world: World;
  readonly violations: string[] = [];
  private readonly plan: Rng;
  private readonly bounds: Bounds;
  private lastDisruptedAt = -Infinity;
  /** Last time anything other than the network changed for a node (kill, boot, command, fault, pause). */
  private lastTouched: Record<NodeName, number> = { a: -Infinity, b: -Infinity };
  private resources: string[];
  private checked = { takeover: 0, heal: 0, settled: 0 };

  constructor(readonly seed: number, transcript = false) {
    this.plan = mulberry32(seed ^ 0x5bd1e995);
    const options: Partial<WorldOptions> = {
      seed,
      transcript,
      // Every fifth schedule sends real signed frames; the rest copy messages (wire.ts).
      wire: seed % 5 === 0 ? 'codec' : 'copy',
      autoFailback: pick(this.plan, ['on', 'off', 'legacy'] as const),
      pingNodes: this.plan() < 0.3,
      fence: this.plan() < 0.2,
      softFence: seed % 3 === 0,
      escalate: this.plan() < 0.5,
      monitor: this.plan() < 0.5,
      scriptJitterMs: randInt(this.plan, 0, 300),
    };
    this.world = new World(options);
    this.resources = this.world.resourceIds();
    this.bounds = boundsFor(this.world.options, this.resources.length);
    this.world.observer = {
      afterStep: () => {
        this.checkSafety();
        this.checkStandbyIsOperators();
        this.sampleStability();
      },
      startIssued: (_world, node, resource) => this.checkStopBeforeStart(node.name, resource),
      hookRun: (_world, node, hook) => {
        if (hook === 'fence') this.checkFenceOncePerIncident(node.name);
      },
    };
  }

  private fail(what: string): void {
    if (this.violations.length < 5) this.violations.push(`t=${this.world.now} seed=${this.seed}: ${what}`);
  }

  // ------------------------------------------------------------ invariants

  private disruptedCache = { version: -1, value: false };

  private disrupted(): boolean {
    const w = this.world;
    if (this.disruptedCache.version !== w.version) {
      this.disruptedCache = { version: w.version, value: !w.anyLinkWorksBothWays() || NODES.some((n) => w.nodes[n].paused) };
    }
    return this.disruptedCache.value;
  }

  private noteDisruption(): void {
    if (this.disrupted()) this.lastDisruptedAt = this.world.now;
  }

  private inAftermath(): boolean {
    return this.disrupted() || this.world.now - this.lastDisruptedAt <= this.bounds.heal;
  }

  /**
   * A failed stop leaves its group running wherever it was (the stop sequence ends there),
   * whatever the protocol does (the
   * machine keeps it claimed and escalates; the sim's escalation hook reboots the machine).
   */
  private stuck(resource: string): boolean {
    const group = this.world.nodes.a.config.groups.find((g) => g.resources.some((r) => r.id === resource))!;
    return NODES.some((n) => group.resources.some((r) => this.world.nodes[n].stopFailed.has(r.id)));
  }

  private checkSafety(): void {
    this.noteDisruption();
    if (this.inAftermath()) return;
    const { a, b } = this.world.nodes;
    for (const id of this.resources) if (a.running(id) && b.running(id) && !this.stuck(id)) this.fail(`(1) ${id} runs on both nodes (a=${a.actual.get(id)}, b=${b.actual.get(id)}) while a link works both ways`);
  }

  private checkStopBeforeStart(node: NodeName, resource: string): void {
    this.noteDisruption();
    if (this.inAftermath()) return;
    const peer = this.world.nodes[node === 'a' ? 'b' : 'a'];
    if (peer.running(resource) && !this.stuck(resource)) this.fail(`(4) ${node} starts ${resource} while ${peer.name} has it ${peer.actual.get(resource)}`);
  }

  private persistedStandby: Record<NodeName, boolean> = { a: false, b: false };

  /** (5) Persisted standby turns on only after the node's own accepted standby command. */
  private checkStandbyIsOperators(): void {
    for (const n of NODES) {
      const node = this.world.nodes[n];
      if (node.standby && !this.persistedStandby[n] && node.machine) {
        const last = node.machine.status().lastCommand;
        if (last?.command !== 'standby' || !last.accepted) this.fail(`(5) ${n} persisted standby without its own standby command (last: ${last?.command ?? 'none'})`);
      }
      this.persistedStandby[n] = node.standby;
    }
  }

  /** Per node: the incarnation in which its fence succeeded while the peer has not been seen stable since (null: none). */
  private fencedUnstable: Record<NodeName, number | null> = { a: null, b: null };
  private nextStabilitySample = 0;

  private sampleStability(): void {
    const w = this.world;
    if (w.now < this.nextStabilitySample) return;
    this.nextStabilitySample = w.now + 250;
    for (const n of NODES) if (this.fencedUnstable[n] !== null && w.nodes[n].machine?.status().peer.stable) this.fencedUnstable[n] = null;
    for (const n of NODES) {
      const s = w.nodes[n].machine?.status();
      if (!s || s.peer.state !== 'alive' || s.peer.stable) continue;
      const failback = s.groups.find((g) => g.phase === 'stopping' && g.desired === 'peer' && g.peerHolds === false && g.why.startsWith('auto_failback'));
      if (failback) this.fail(`(8) ${n} fails ${failback.key} back to a peer that is not stable`);
    }
    const { a, b } = w.nodes;
    if (a.machine && b.machine && a.machine.status().self.deferringToPeer !== null && b.machine.status().self.deferringToPeer !== null) {
      this.fail('(7) both nodes defer to each other: nobody holds the groups');
    }
  }

  /** (6) Called when `node` starts its fence hook. */
  private checkFenceOncePerIncident(node: NodeName): void {
    const w = this.world;
    if (this.fencedUnstable[node] === w.nodes[node].incarnation) this.fail(`(6) ${node} fences its peer again although the peer was never stable since the last successful fence`);
    // The fence succeeds unless this node's fence fails (world.runHook); a killed peer's new life must prove stability too.
    if (!w.nodes[node].fenceFails) this.fencedUnstable[node] = w.nodes[node].incarnation;
  }

  /** (2) Called TAKEOVER_BOUND after `dead` went down. */
  private checkTakeover(dead: NodeName, deadIncarnation: number, survivorCommUp: boolean, downAt: number): void {
    const w = this.world;
    const survivor = w.nodes[dead === 'a' ? 'b' : 'a'];
    if (w.nodes[dead].incarnation !== deadIncarnation || w.nodes[dead].up) return;
    if (!survivor.up || !survivor.machine || !survivorCommUp || this.lastTouched[survivor.name] >= downAt - 1) return;
    const s = survivor.machine.status();
    if (s.self.leaving || s.takeoverGate === 'isolated') return;
    if (s.groups.some((g) => g.failedHere || g.stopFailed)) return;
    this.checked.takeover += 1;
    for (const id of this.resources) if (!survivor.running(id)) this.fail(`(2) ${dead} down since t=${downAt}: ${survivor.name} does not run ${id} after ${this.bounds.takeover} ms`);
  }

  /** (3) Called HEAL_BOUND after a disruption ended at `healedAt`. */
  private checkHeal(healedAt: number): void {
    const w = this.world;
    if (this.lastDisruptedAt > healedAt) return;
    if (NODES.some((n) => this.lastTouched[n] >= healedAt - this.bounds.heal || !w.nodes[n].up || !w.nodes[n].machine)) return;
    this.checked.heal += 1;
    this.checkExactlyOne(`(3) ${this.bounds.heal} ms after the heal at t=${healedAt}`);
  }

  /** Every resource runs on at most one machine, and on exactly one if some node is eligible. */
  private checkExactlyOne(when: string): void {
    const w = this.world;
    const statuses = NODES.map((n) => w.nodes[n].machine!.status());
    if (statuses.some((s) => s.groups.some((g) => g.stopFailed))) return;
    for (const group of w.nodes.a.config.groups) {
      const eligible = statuses.some((s) => !s.self.standby && !s.self.leaving && !s.groups[group.index]!.failedHere);
      for (const r of group.resources) {
        const runners = NODES.filter((n) => w.nodes[n].running(r.id));
        if (runners.length > 1) this.fail(`${when}: ${r.id} runs on both nodes`);
        if (eligible && runners.length === 0) this.fail(`${when}: ${r.id} runs nowhere`);
      }
    }
  }

  // ------------------------------------------------------------ the schedule

  private touch(node: NodeName): void {
    this.lastTouched[node] = this.world.now;
  }

  private down(node: NodeName): void {
    const w = this.world;
    const survivor = w.nodes[node === 'a' ? 'b' : 'a'];
    const commUp = survivor.machine !== null && survivor.machine.status().peer.state !== 'unknown';
    const incarnation = w.nodes[node].incarnation;
    const at = w.now;
    w.schedule(this.bounds.takeover, () => this.checkTakeover(node, incarnation, commUp, at));
  }

  /** Apply one random fault; returns a short description (for failure reports). */
  private randomFault(): string {
    const w = this.world;
    const rng = this.plan;
    const node = pick(rng, NODES);
    const link = pick(rng, [...LINKS, 'all'] as const);
    const links: LinkName[] = link === 'all' ? [...LINKS] : [link];
    const froms: NodeName[] = rng() < 0.6 ? [...NODES] : [node];
    const roll = rng();
    if (roll < 0.2) {
      w.setLinks(links, froms, { cut: true });
      return `cut ${link} ${froms.join('')}`;
    }
    if (roll < 0.35) {
      this.heal(links);
      return `heal ${link}`;
    }
    if (roll < 0.42) {
      const loss = pick(rng, [0.1, 0.3, 0.6]);
      w.setLinks(links, froms, { loss, dup: rng() < 0.3 ? 0.2 : 0, extraDelayMs: rng() < 0.3 ? randInt(rng, 0, 400) : 0 });
      return `loss ${link} ${loss}`;
    }
    if (roll < 0.52) {
      this.touch(node);
      if (w.nodes[node].up) {
        w.kill(node);
        this.down(node);
        return `kill ${node}`;
      }
      w.boot(node);
      return `boot ${node}`;
    }
    if (roll < 0.6) {
      if (!w.nodes[node].up) return 'noop';
      this.touch(node);
      w.pause(node);
      this.noteDisruption();
      const ms = randInt(rng, 300, 9000);
      w.schedule(ms, () => {
        this.touch(node);
        w.resume(node);
      });
      return `pause ${node} ${ms}`;
    }
    if (roll < 0.66) {
      // Slow but lossless: still counts as working (delay below one keepalive).
      const fixedDelayMs = randInt(rng, 0, w.options.keepaliveMs - 101);
      w.setLinks(links, froms, { fixedDelayMs, extraDelayMs: randInt(rng, 0, 100), dup: rng() < 0.3 ? 0.3 : 0 });
      return `delay ${link} ${fixedDelayMs}`;
    }
    if (roll < 0.78) {
      // Sometimes both operators act at the same instant (the race the want/grant acks exist for).
      const targets: NodeName[] = rng() < 0.3 ? [...NODES] : [node];
      return targets.map((n) => this.operatorCommand(n, pick(rng, ['standby', 'takeover', 'takeover', 'stop'] as const))).join(', ');
    }
    if (roll < 0.87) {
      this.touch(node);
      const match = pick(rng, ['IPaddr', 'httpd', '10.0.0.2']);
      const kind = rng();
      if (kind < 0.5) addFault(w.nodes[node].failStart, match, randInt(rng, 1, 2));
      else if (kind < 0.7) addFault(w.nodes[node].failStop, match, 1);
      // A resource dying on its own is only noticed when it is monitored (httpd, when enabled).
      else if (w.options.monitor && w.nodes[node].actual.get('httpd') === 'running') w.nodes[node].actual.set('httpd', 'stopped');
      return `script-fault ${node} ${match}`;
    }
    if (roll < 0.92 && w.options.pingNodes) {
      this.touch(node);
      w.nodes[node].pingReachable = !w.nodes[node].pingReachable;
      return `ping ${node} ${w.nodes[node].pingReachable ? 'up' : 'down'}`;
    }
    return 'quiet';
  }

  private operatorCommand(node: NodeName, command: 'standby' | 'takeover' | 'stop'): string {
    const w = this.world;
    this.touch(node);
    const before = w.nodes[node].up;
    w.deliver(w.nodes[node], { type: 'command', now: w.now, command });
    if (command === 'stop' && before) this.watchGracefulStop(node);
    return `cmd ${node} ${command}`;
  }

  /** Graceful stop: once the node has exited, the survivor must take over like after a kill. */
  private watchGracefulStop(node: NodeName): void {
    const w = this.world;
    const incarnation = w.nodes[node].incarnation;
    const poll = () => {
      if (w.nodes[node].incarnation !== incarnation) {
        if (!w.nodes[node].up) this.down(node);
        return;
      }
      w.schedule(50, poll);
    };
    w.schedule(50, poll);
  }

  private heal(links: readonly LinkName[]): void {
    const w = this.world;
    const wasDisrupted = this.disrupted();
    w.setLinks(links, [...NODES], { cut: false, loss: 0, fixedDelayMs: 0, extraDelayMs: 0, dup: 0 });
    if (wasDisrupted && !this.disrupted()) {
      this.lastDisruptedAt = w.now;
      const at = w.now;
      w.schedule(this.bounds.heal, () => this.checkHeal(at));
    }
  }

  run(faults = 8): SoakResult {
    const w = this.world;
    const log: string[] = [];
    w.boot('a');
    if (this.plan() < 0.5) w.boot('b');
    else
      w.schedule(randInt(this.plan, 0, 12000), () => {
        this.touch('b');
        w.boot('b');
      });
    for (let i = 0; i < faults; i++) {
      w.advance(randInt(this.plan, 500, 8000));
      log.push(`t=${w.now} ${this.randomFault()}`);
      this.noteDisruption();
    }
    w.advance(randInt(this.plan, 0, 3000));
    // Final calm: every fault undone, both nodes up; the pair must settle.
    for (const n of NODES) {
      w.nodes[n].failStart = [];
      w.nodes[n].failStop = [];
      w.nodes[n].pingReachable = true;
      w.resume(n);
      if (!w.nodes[n].up) {
        this.touch(n);
        w.boot(n);
      }
    }
    this.heal([...LINKS]);
    w.advance(30000);
    if (NODES.every((n) => w.nodes[n].up)) {
      this.checked.settled += 1;
      this.checkExactlyOne('settled after 30 s of calm');
    }
    if (this.violations.length > 0) this.violations.push(`schedule: ${log.join('; ')}`);
    return { seed: this.seed, checked: this.checked, violations: this.violations, steps: w.steps, simulatedMs: w.now };
  }
}
