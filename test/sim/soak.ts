// Seeded random fault schedules against the simulated world (world.ts), with every rule of the
// core checked as a property of what ACTUALLY happens on the machines (properties/index.ts lists
// the properties by family; each family's file states their bounds). Test code only: touches
// nothing outside test/sim.
//
// The fault model: links cut (both ways or one way, one link or all), healed, lossy (including
// one-way loss on every link), slow, duplicating and reordering; flapping (every link cut for
// just over deadtime, restored for ~100 ms, repeated); machines killed and booted; the daemon
// killed with -9 while its resources keep running (schedules with duplicate-address detection);
// SIGSTOP pauses; operator commands, also on both nodes at once (standby on both, then takeover
// on both at the same instant) and takeover races a few hundred ms apart (over slow links, with
// the winner's frames lost until both demands time out: stale demands); failing start/stop
// scripts and crashing resources; hung hooks; ping nodes lost (also during a long pause while a
// takeover retry is due: stale ping evidence).
//
// The holes of issue 12 (all fixed) are part of the default fault model: state files lost (a
// restart with a lower generation), haresources lines in a different order on the two nodes or
// other group sets or owner lines that differ (drift), soft fences (every third fencing schedule: the fence succeeds and the peer lives on, so
// flaps reach the one-fence rule), and the stricter properties; `holes` (SOAK_HOLES, see
// properties/holes.ts) leaves some out for comparison.

import { LINKS, NODES, World, addFault, makeConfig, withOtherGroups, withOwnerLine, type LinkName, type NodeName, type WorldOptions } from './world.js';
import { HOLES, Properties, type Checked, type Hole, type Outage } from './properties/index.js';
import { mulberry32, pick, randInt, type Rng } from '../support/prng.js';

export interface SoakOptions {
  /** Record the world's transcript (single-seed reruns). */
  transcript?: boolean;
  /** Inject the faults of these holes of issue 12 and check their strict properties (default: all). */
  holes?: ReadonlySet<Hole>;
}

export interface SoakResult {
  seed: number;
  /** How many takeover (2), heal (3) and settled checks were actually evaluated (not excused). */
  checked: Checked;
  outage: Outage;
  violations: string[];
  steps: number;
  simulatedMs: number;
}

type Fault = () => string;

export class Soak {
  readonly world: World;
  readonly props: Properties;
  private readonly plan: Rng;
  /** Per-group moves draw from their own stream, so the other faults' schedules stay the same. */
  private readonly moveRng: Rng;
  private readonly holes: ReadonlySet<Hole>;
  /** The final calm has begun: scheduled faults (flapping, delayed commands) stop. */
  private calm = false;
  private readonly faults: [number, Fault][];
  /**
   * Draws for the faults added after issue 12 (issue 13's stallWhileSuspect), apart from `plan`
   * so that every schedule the soak ran before keeps its faults.
   */
  private readonly extra: Rng;

  constructor(
    readonly seed: number,
    options: SoakOptions = {},
  ) {
    this.holes = options.holes ?? new Set(HOLES);
    this.plan = mulberry32(seed ^ 0x5bd1e995);
    this.extra = mulberry32(seed ^ 0x13d0da0);
    this.moveRng = mulberry32(seed ^ 0x3c6ef372);
    const worldOptions: Partial<WorldOptions> = {
      seed,
      transcript: options.transcript ?? false,
      // Every fifth schedule sends real signed frames; the rest copy messages (wire.ts).
      wire: seed % 5 === 0 ? 'codec' : 'copy',
      autoFailback: pick(this.plan, ['on', 'off', 'legacy'] as const),
      pingNodes: this.plan() < 0.3,
      fence: this.plan() < 0.2,
      softFence: seed % 3 === 0,
      escalate: this.plan() < 0.5,
      monitor: this.plan() < 0.5,
      scriptJitterMs: randInt(this.plan, 0, 300),
      dad: this.plan() < 0.5,
      // From the seed, not the plan: every other schedule reports transitions, the rest keep their faults as they were.
      notify: seed % 2 === 1,
    };
    // From the seed, not the plan: schedules without it stay exactly what they were.
    worldOptions.uplink = worldOptions.pingNodes === true && seed % 2 === 0;
    this.world = new World(worldOptions);
    // Drift: odd seeds list b's haresources lines in reverse order (the same groups), even seeds
    // give b another group SET (an extra group, owned by a or b): claims unreadable both ways.
    // Else, from a stream of their own (so no other schedule changes), sometimes owner lines
    // that differ under the same keys (conflictingOwners).
    if (this.holes.has('drift') && this.plan() < 0.3) {
      const b = makeConfig('b', this.world.options, seed % 2 === 1);
      this.world.nodes.b.config = seed % 2 === 1 ? b : withOtherGroups(b, seed % 4 === 0 ? 'a' : 'b');
    } else if (this.holes.has('drift')) this.conflictingOwners(mulberry32(seed ^ 0x0c0ffee));
    this.props = new Properties(this.world, seed, this.holes);
    this.faults = [
      [20, () => this.cut()],
      [15, () => this.heal(this.someLinks())],
      [7, () => this.loss()],
      [4, () => this.oneWayLoss()],
      [3, () => this.flap()],
      [10, () => this.killOrBoot()],
      [3, () => this.killDaemon()],
      [8, () => this.pause()],
      [6, () => this.delay()],
      [12, () => this.commands()],
      [3, () => this.takeoverRace()],
      [3, () => this.standbyThenTakeoverBoth()],
      [9, () => this.scriptFault()],
      [3, () => this.hangHook()],
      [5, () => this.togglePing()],
      [this.holes.has('generation') ? 3 : 0, () => this.loseState()],
      // Split off the quiet weight: the other faults' rolls, and every schedule without ping nodes, stay as they were.
      [1, () => this.staleEvidence()],
      [7, () => 'quiet'],
    ];
  }

  /**
   * Owners-only drift (src/core/drift.ts): for one group, both haresources name their own node
   * owner (the non-owner's changes), or each names the other (the owner's changes); half of
   * them with b's lines in reverse order too. Property drift-owner (properties/drift.ts).
   */
  private conflictingOwners(rng: Rng): void {
    if (rng() >= 0.15) return;
    const group = pick(rng, this.world.nodes.a.config.groups);
    const owner = group.owner as NodeName;
    const other: NodeName = owner === 'a' ? 'b' : 'a';
    const mirror = rng() < 0.5;
    if (rng() < 0.5) this.world.nodes.b.config = makeConfig('b', this.world.options, true);
    const changed = this.world.nodes[mirror ? owner : other];
    changed.config = withOwnerLine(changed.config, group.key, mirror ? other : changed.name);
  }

  get violations(): string[] {
    return this.props.violations;
  }

  // ------------------------------------------------------------ the faults

  private node(): NodeName {
    return pick(this.plan, NODES);
  }

  private someLinks(): LinkName[] {
    const link = pick(this.plan, [...LINKS, 'all'] as const);
    return link === 'all' ? [...LINKS] : [link];
  }

  private froms(): NodeName[] {
    return this.plan() < 0.6 ? [...NODES] : [this.node()];
  }

  private cut(): string {
    const links = this.someLinks();
    const froms = this.froms();
    this.world.setLinks(links, froms, { cut: true });
    return `cut ${links.join('+')} ${froms.join('')}`;
  }

  private loss(): string {
    const links = this.someLinks();
    const rng = this.plan;
    const loss = pick(rng, [0.1, 0.3, 0.6]);
    this.world.setLinks(links, this.froms(), { loss, dup: rng() < 0.3 ? 0.2 : 0, extraDelayMs: rng() < 0.3 ? randInt(rng, 0, 400) : 0 });
    return `loss ${links.join('+')} ${loss}`;
  }

  /** One direction of every link loses frames (total loss = a one-way failure). */
  private oneWayLoss(): string {
    const from = this.node();
    const loss = pick(this.plan, [0.5, 0.9, 1]);
    this.world.setLinks([...LINKS], [from], { loss });
    return `one-way-loss ${from}> ${loss}`;
  }

  /** Every link cut for just over deadtime, restored for ~100 ms, several times. */
  private flap(): string {
    const w = this.world;
    const rng = this.plan;
    const times = randInt(rng, 3, 8);
    const cutMs = w.options.deadtimeMs + randInt(rng, 50, 600);
    const upMs = randInt(rng, 80, 150);
    this.props.incidentStarts(times * (cutMs + upMs), cutMs);
    const cycle = (left: number) => {
      if (this.calm) return;
      w.setLinks([...LINKS], [...NODES], { cut: true });
      this.props.noteDisruption();
      w.schedule(cutMs, () => {
        if (this.calm) return;
        this.heal([...LINKS]);
        if (left > 1) w.schedule(upMs, () => cycle(left - 1));
      });
    };
    cycle(times);
    return `flap ${times}x ${cutMs}/${upMs}`;
  }

  private killOrBoot(): string {
    const node = this.node();
    if (this.crash(node)) return `kill ${node}`;
    this.world.boot(node);
    return `boot ${node}`;
  }

  /** Power the node off if it is up (resources gone); returns whether it was up. */
  private crash(node: NodeName): boolean {
    const w = this.world;
    this.props.touch(node);
    if (!w.nodes[node].up) return false;
    w.kill(node);
    this.props.crashed(node);
    return true;
  }

  /** kill -9 of the daemon: its resources keep running (duplicate-address detection on). */
  private killDaemon(): string {
    const w = this.world;
    const node = this.node();
    if (!w.options.dad || !w.nodes[node].up) return 'noop';
    this.props.touch(node);
    w.killDaemon(node);
    this.props.crashed(node);
    return `kill-9 ${node}`;
  }

  private pause(): string {
    const w = this.world;
    const node = this.node();
    if (!w.nodes[node].up) return 'noop';
    this.props.touch(node);
    w.pause(node);
    this.props.noteDisruption();
    const ms = randInt(this.plan, 300, 9000);
    w.schedule(ms, () => {
      this.props.touch(node);
      w.resume(node);
    });
    return `pause ${node} ${ms}`;
  }

  /**
   * Ping evidence gone stale (with ping nodes): the peer is killed, this node's takeover of it
   * fails once (a retry is due a deadtime later), then the ping nodes become unreachable from
   * this node and it is paused for longer than deadtime, to be resumed while the retry is due.
   */
  private staleEvidence(): string {
    const w = this.world;
    const o = w.options;
    const node = this.node();
    const peer: NodeName = node === 'a' ? 'b' : 'a';
    if (!o.pingNodes || !w.nodes[node].up) return 'quiet';
    this.crash(peer);
    this.props.touch(node);
    addFault(w.nodes[node].failStart, 'IPaddr', 1);
    const lostAfter = o.deadtimeMs + o.keepaliveMs + Math.floor(o.deadtimeMs / 2) + randInt(this.plan, 500, 1500);
    const pauseMs = o.deadtimeMs + o.keepaliveMs + randInt(this.plan, 500, 3000);
    w.schedule(lostAfter, () => {
      if (this.calm || !w.nodes[node].up) return;
      w.nodes[node].pingReachable = false;
      this.props.pingChanged(node, false);
      w.pause(node);
      this.props.noteDisruption();
      w.schedule(pauseMs, () => {
        this.props.touch(node);
        w.resume(node);
      });
    });
    return `stale-evidence ${node}: kill ${peer}, ${node}'s takeover fails once, ping lost and paused ${pauseMs} ms at +${lostAfter}`;
  }

  /**
   * Issue 13: the holder loses power and the survivor stalls (SIGSTOP) around the time it probes
   * the holder's address, for up to three deadtimes: a probe it took before the stall is too old
   * to skip duplicate-address detection on (dad-fresh); it must probe again.
   */
  private stallWhileSuspect(): string {
    const w = this.world;
    const node = pick(this.extra, NODES);
    const survivor = w.nodes[node].peer;
    if (!w.options.dad || !w.nodes[node].up || !w.nodes[survivor].up) return 'noop';
    this.crash(node);
    const at = w.options.warntimeMs + randInt(this.extra, 0, w.options.keepaliveMs);
    const ms = randInt(this.extra, 300, 3 * w.options.deadtimeMs);
    w.schedule(at, () => {
      if (this.calm || !w.nodes[survivor].up || w.nodes[survivor].paused) return;
      this.props.touch(survivor);
      w.pause(survivor);
      this.props.noteDisruption();
      w.schedule(ms, () => {
        this.props.touch(survivor);
        w.resume(survivor);
      });
    });
    return `kill ${node}, stall ${survivor} ${ms} ms at +${at}`;
  }

  /** Slow but lossless: still counts as working (delay below one keepalive). */
  private delay(): string {
    const w = this.world;
    const rng = this.plan;
    const links = this.someLinks();
    const fixedDelayMs = randInt(rng, 0, w.options.keepaliveMs - 101);
    w.setLinks(links, this.froms(), { fixedDelayMs, extraDelayMs: randInt(rng, 0, 100), dup: rng() < 0.3 ? 0.3 : 0 });
    return `delay ${links.join('+')} ${fixedDelayMs}`;
  }

  /** Sometimes both operators act at the same instant (the race the want/grant acks exist for). */
  private commands(): string {
    const rng = this.plan;
    const targets: NodeName[] = rng() < 0.3 ? [...NODES] : [this.node()];
    return targets
      .map((n) => {
        const command = pick(rng, ['standby', 'takeover', 'takeover', 'stop'] as const);
        return this.holes.has('moves') && this.moveRng() < 0.4 ? this.groupCommand(n) : this.operatorCommand(n, command);
      })
      .join(', ');
  }

  /** A per-group move, standby or clear (issue 15) on a random group, to a random node or none. */
  private groupCommand(node: NodeName): string {
    const w = this.world;
    const rng = this.moveRng;
    const group = pick(rng, w.nodes[node].config.groups.map((g) => g.key));
    const kind = pick(rng, ['move', 'move', 'move', 'standby', 'clear'] as const);
    const to = kind === 'move' && rng() < 0.7 ? pick(rng, NODES) : undefined;
    w.deliver(w.nodes[node], { type: 'group-command', now: w.now, command: { kind, group, at: 1_790_000_000_000 + w.now, ...(to !== undefined ? { node: to } : {}) } });
    this.props.commanded(node, `group-${kind}`, false);
    return `cmd ${node} ${kind} ${group}${to !== undefined ? ` ${to}` : ''}`;
  }

  /**
   * `takeover` on both nodes, at once or the second a little later, often over slow (lossless)
   * links: then the second node may already have honoured the first's demand while frames the
   * first sent before it learned so are still on the way.
   */
  private takeoverRace(): string {
    const first = this.node();
    const second: NodeName = first === 'a' ? 'b' : 'a';
    const slowMs = this.plan() < 0.5 ? randInt(this.plan, 200, 899) : 0;
    if (slowMs > 0) this.world.setLinks([...LINKS], [...NODES], { fixedDelayMs: slowMs, extraDelayMs: 0, dup: 0 });
    const gap = this.plan() < 0.3 ? 0 : randInt(this.plan, 1, 1500);
    this.operatorCommand(first, 'takeover');
    if (gap === 0) this.operatorCommand(second, 'takeover');
    else this.world.schedule(gap, () => !this.calm && this.operatorCommand(second, 'takeover'));
    const stale = slowMs > 0 && gap < 400 ? this.staleDemands() : '';
    return `takeover-race ${first} then ${second} +${gap}${slowMs > 0 ? ` (links ${slowMs} ms slow)` : ''}${stale}`;
  }

  /**
   * Right after a takeover race over slow links (the second command within 400 ms), the frames of a (the race winner by
   * name, whose demand b must answer) are lost until just before both demands time out: a's last
   * demand frames then reach b after b's own demand expired, while b's reach a after a's did
   * (seed 15343 found both nodes yielding to each other for good this way).
   */
  private staleDemands(): string {
    const w = this.world;
    const lostFrom = randInt(this.plan, 50, 500);
    const lostFor = w.options.deadtimeMs - lostFrom - randInt(this.plan, 100, 600);
    w.schedule(lostFrom, () => {
      if (this.calm) return;
      w.setLinks([...LINKS], ['a'], { cut: true });
      this.props.noteDisruption();
      w.schedule(lostFor, () => {
        if (this.calm) return;
        const wasDisrupted = this.props.disrupted();
        w.setLinks([...LINKS], ['a'], { cut: false });
        this.props.healed(wasDisrupted);
      });
    });
    return `, a> lost ${lostFrom}..${lostFrom + lostFor} ms`;
  }

  /** Both operators put their node in standby, then both run takeover at the same instant. */
  private standbyThenTakeoverBoth(): string {
    for (const n of NODES) this.operatorCommand(n, 'standby');
    const gap = randInt(this.plan, 1500, 4000);
    this.world.schedule(gap, () => !this.calm && NODES.forEach((n) => this.operatorCommand(n, 'takeover')));
    return `standby both, takeover both +${gap}`;
  }

  private scriptFault(): string {
    const w = this.world;
    const rng = this.plan;
    const node = this.node();
    this.props.touch(node);
    const match = pick(rng, ['IPaddr', 'httpd', '10.0.0.2']);
    const kind = rng();
    if (kind < 0.5) addFault(w.nodes[node].failStart, match, randInt(rng, 1, 2));
    else if (kind < 0.7) addFault(w.nodes[node].failStop, match, 1);
    // A resource dying on its own is only noticed when it is monitored (httpd, when enabled).
    else if (w.options.monitor && w.nodes[node].actual.get('httpd') === 'running') w.nodes[node].actual.set('httpd', 'stopped');
    return `script-fault ${node} ${match}`;
  }

  /** The node's next hook hangs until the daemon kills it. */
  private hangHook(): string {
    const node = this.node();
    this.world.nodes[node].hangHooks += 1;
    return `hang-hook ${node}`;
  }

  private togglePing(): string {
    const w = this.world;
    if (!w.options.pingNodes) return 'quiet';
    const node = this.node();
    w.nodes[node].pingReachable = !w.nodes[node].pingReachable;
    this.props.pingChanged(node, w.nodes[node].pingReachable);
    return `ping ${node} ${w.nodes[node].pingReachable ? 'up' : 'down'}`;
  }

  /** The node restarts without its state file: a lower generation than the peer has seen (hole 3). */
  private loseState(): string {
    const w = this.world;
    const node = this.node();
    this.crash(node);
    w.loseState(node);
    this.props.stateFileLost(node);
    w.boot(node);
    return `state-lost ${node}`;
  }

  private randomFault(): string {
    const total = this.faults.reduce((sum, [weight]) => sum + weight, 0);
    let roll = this.plan() * total;
    for (const [weight, fault] of this.faults) {
      if (roll < weight) return fault();
      roll -= weight;
    }
    return 'quiet';
  }

  private operatorCommand(node: NodeName, command: 'standby' | 'takeover' | 'stop'): string {
    const w = this.world;
    const before = w.nodes[node].up;
    const standbyByPeer = this.props.standbyByPeer(node);
    w.deliver(w.nodes[node], { type: 'command', now: w.now, command });
    this.props.commanded(node, command, standbyByPeer);
    if (command === 'stop' && before) this.watchGracefulStop(node);
    return `cmd ${node} ${command}`;
  }

  /** Graceful stop: once the node has exited, the survivor must take over like after a kill. */
  private watchGracefulStop(node: NodeName): void {
    const w = this.world;
    const incarnation = w.nodes[node].incarnation;
    const poll = () => {
      if (w.nodes[node].incarnation !== incarnation) {
        if (!w.nodes[node].up) this.props.nodeDown(node);
        return;
      }
      w.schedule(50, poll);
    };
    w.schedule(50, poll);
  }

  private heal(links: readonly LinkName[]): string {
    const wasDisrupted = this.props.disrupted();
    this.world.setLinks(links, [...NODES], { cut: false, loss: 0, fixedDelayMs: 0, extraDelayMs: 0, dup: 0 });
    this.props.healed(wasDisrupted);
    return `heal ${links.join('+')}`;
  }

  // ------------------------------------------------------------ the schedule

  run(faults = 8): SoakResult {
    const w = this.world;
    const log: string[] = [];
    w.boot('a');
    if (this.plan() < 0.5) w.boot('b');
    else
      w.schedule(randInt(this.plan, 0, 12000), () => {
        this.props.touch('b');
        w.boot('b');
      });
    for (let i = 0; i < faults; i++) {
      w.advance(randInt(this.plan, 500, 8000));
      log.push(`t=${w.now} ${this.randomFault()}`);
      this.props.noteDisruption();
      if (w.options.dad && this.extra() < 0.03) log.push(`t=${w.now} ${this.stallWhileSuspect()}`);
    }
    w.advance(randInt(this.plan, 0, 3000));
    // Final calm: every fault undone, both nodes up; the pair must settle.
    this.calm = true;
    for (const n of NODES) {
      const node = w.nodes[n];
      node.failStart = [];
      node.failStop = [];
      node.hangHooks = 0;
      if (!node.pingReachable) this.props.pingChanged(n, true);
      node.pingReachable = true;
      w.resume(n);
      if (!node.up) {
        this.props.touch(n);
        w.boot(n);
      }
    }
    this.heal([...LINKS]);
    w.advance(30000);
    this.props.checkSettled();
    const violations = this.props.violations;
    if (violations.length > 0) violations.push(`schedule: ${log.join('; ')}`);
    return { seed: this.seed, checked: this.props.checked, outage: this.props.outage, violations, steps: w.steps, simulatedMs: w.now };
  }
}
