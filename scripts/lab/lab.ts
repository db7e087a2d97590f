// The two-node lab: node alpha, node bravo and a client in their own network namespaces, joined
// by a Linux bridge (in a fourth namespace), plus a socat null-modem cable between the nodes.
// Used by the e2e tests, the demo, the benchmarks and the lab CLI.
//
//   <prefix>-br   bridge `br0`, ports pa / pb / pc / pp (the bridge side of each veth)
//   <prefix>-a    alpha   eth0 10.77.0.1/24     serial <dir>/ttyA
//   <prefix>-b    bravo   eth0 10.77.0.2/24     serial <dir>/ttyB
//   <prefix>-c    client  eth0 10.77.0.10/24    (runs the probe)
//   <prefix>-p    ping target 10.77.0.254/24    (only with `ping: true`)
//   with `ipv6: true` also alpha fd00:77::1/64, bravo ::2, client ::10 (nodad), echo on :: too
//
// Faults are injected without touching the daemons' sockets:
//   - a node's "cable" (isolate): the bridge-side port of its veth goes down (no carrier);
//   - the UDP path between the nodes (cutUdp): a /32 route to the peer through a veth that leads
//     nowhere, so packets vanish silently and the client still reaches both nodes;
//   - the serial cable (cutSerial): socat stops, both pty links vanish;
//   - power (powerOff): SIGKILL of everything in the node's namespace + isolate + serial cut.
import { NODE_FLAGS } from '../../src/cli/node-flags.js';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Netns, killNamespacePids, socatPtyPair, vethPair, type PtyPair } from './netns.js';
import { childExited, describeEnd, run, uniquePrefix, waitFor, type RunResult } from './process.js';
import { STATUS_TIMEOUT_MS } from '../../src/cli/commands/status.js';
import { processAlive } from '../../src/daemon/pidfile.js';
import { LAB_NET, LAB_NET6 } from './addresses.js';
import { NODES, authkeys, defaultHaresources, haCf, peerOf, type LabConfigOptions, type NodeName, type NodePaths } from './lab-config.js';
import type { ProbeReport } from './probe-report.js';
import type { StatusReport } from '../../src/daemon/status-report.js';
import { BRIDGE_PORT, CLIENT_PORT, PING_PORT, blackhole, createDeadEnd, labNamespaces, setCable, unblackhole } from './faults.js';

/** lab.cli's default timeout: the CLI's worst case (two sockets, each STATUS_TIMEOUT_MS) and 10 s to start. */
const CLI_TIMEOUT_MS = 2 * STATUS_TIMEOUT_MS + 10_000;

export type { NodeName } from './lab-config.js';

export type { StatusReport } from '../../src/daemon/status-report.js';

/** The compiled repository root (…/dist) this module runs from, and the real repository root. */
const distRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const repoRoot = resolve(distRoot, '..');

/**
 * The twinbeat the lab runs: this build, or with TWINBEAT_ROOT=<checkout> another built checkout
 * (its dist/), so the bench can measure an older commit with today's lab and bench side by side.
 * The daemon runs with the node flags of that build's executable (its shebang), as it would
 * have been run.
 */
function daemonBuild(): { cli: string; nodeFlags: readonly string[] } {
  const other = process.env.TWINBEAT_ROOT;
  if (!other) return { cli: join(distRoot, 'src/cli/main.js'), nodeFlags: NODE_FLAGS };
  const cli = join(resolve(other), 'dist/src/cli/main.js');
  const shebang = existsSync(cli) ? (readFileSync(cli, 'utf8').split('\n')[0] ?? '') : '';
  const flags = /^#!\/usr\/bin\/env -S node(.*)$/.exec(shebang)?.[1] ?? '';
  return { cli, nodeFlags: flags.split(' ').filter((f) => f !== '') };
}
const build = daemonBuild();

export const labPaths = {
  cli: build.cli,
  /** Node flags the daemon runs with (NODE_FLAGS of the build that runs). */
  nodeFlags: build.nodeFlags,
  echoService: join(distRoot, 'scripts/lab/echo-service.js'),
  probe: join(distRoot, 'scripts/lab/probe.js'),
  labCli: join(distRoot, 'scripts/lab/lab-cli.js'),
  repoRoot,
} as const;

export interface LabOptions extends LabConfigOptions {
  /** Name prefix for namespaces; default a fresh `tb-xxxx`. Max 10 characters. */
  prefix?: string;
  /** Working directory for configs, ttys, logs; default /tmp/<prefix>. Removed by destroy(). */
  dir?: string;
  /** Start the echo service on both nodes (default true). */
  echo?: boolean;
  /** Children detached and released on exit: for the lab CLI's `up`. */
  persistent?: boolean;
  /** Also give alpha, bravo and the client IPv6 addresses (LAB_NET6) and echo over IPv6: opt-in. */
  ipv6?: boolean;
  /** Builds the serial cable between the nodes' tty paths; default an unthrottled socat pty pair. */
  serialCable?: (pathA: string, pathB: string, opts: { detached?: boolean }) => Promise<PtyPair>;
  /** Open-files limit (soft and hard) of a node's daemon, as systemd's LimitNOFILE would set it (via prlimit). */
  nofile?: Partial<Record<NodeName, number>>;
}

/** What the lab CLI stores so a later `down` can remove exactly what `up` created. */
export interface LabState {
  prefix: string;
  dir: string;
  namespaces: string[];
  /** Host-side processes (socat) by PID, with the command name to check before killing. */
  hostPids: { pid: number; command: string }[];
}


/** What watchHolders saw between its start and stop(). */
export interface HolderWatch {
  samples: number;
  /** Most nodes seen holding the floating IP in one sample (2: split brain). */
  maxHolders: number;
  /** When (ms after the start) both held it. */
  bothSinceMs: number[];
  /** Every node seen holding it in some sample, in NODES order. */
  heldBy: NodeName[];
  /** Samples in which nobody held it. */
  unheldSamples: number;
}

export interface ProbeHandle {
  child: ChildProcess;
  /** Stops the probe (SIGTERM) and returns its report. */
  stop(): Promise<ProbeReport>;
}

export class Lab {
  readonly ns: { bridge: Netns; alpha: Netns; bravo: Netns; client: Netns; ping?: Netns };
  private serial!: PtyPair;
  private readonly daemons = new Map<NodeName, ChildProcess>();
  private readonly poweredOff = new Set<NodeName>();
  private readonly isolated = new Set<NodeName>();
  private serialCut = false;
  private destroyed = false;

  private constructor(
    readonly prefix: string,
    readonly dir: string,
    readonly options: LabOptions,
    ns: Lab['ns'],
  ) {
    this.ns = ns;
  }

  /** Builds the namespaces, bridge, veths, serial cable and config directories. */
  static async create(options: LabOptions = {}): Promise<Lab> {
    const prefix = options.prefix ?? uniquePrefix('tb');
    if (prefix.length > 10) throw new Error(`lab prefix too long (max 10): ${prefix}`);
    const dir = options.dir ?? join('/tmp', prefix);
    const created: Netns[] = [];
    const names = labNamespaces(prefix);
    const make = async (role: keyof typeof names): Promise<Netns> => {
      const ns = await Netns.create(names[role]);
      created.push(ns);
      return ns;
    };
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const bridge = await make('bridge');
      const alpha = await make('alpha');
      const bravo = await make('bravo');
      const client = await make('client');
      const ping = options.ping ? await make('ping') : undefined;
      const lab = new Lab(prefix, dir, options, { bridge, alpha, bravo, client, ...(ping ? { ping } : {}) });
      await lab.build();
      return lab;
    } catch (err) {
      await Promise.all(created.map((ns) => ns.destroy()));
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  private async build(): Promise<void> {
    const { bridge } = this.ns;
    await bridge.exec(['ip', 'link', 'add', 'br0', 'type', 'bridge']);
    await bridge.exec(['ip', 'link', 'set', 'br0', 'up']);
    const members: [Netns, string, string][] = [
      [this.ns.alpha, BRIDGE_PORT.alpha, LAB_NET.alpha],
      [this.ns.bravo, BRIDGE_PORT.bravo, LAB_NET.bravo],
      [this.ns.client, CLIENT_PORT, LAB_NET.client],
    ];
    if (this.ns.ping) members.push([this.ns.ping, PING_PORT, LAB_NET.pingTarget]);
    for (const [ns, port, address] of members) {
      await vethPair({ ns, ifname: LAB_NET.lanIf, cidr: `${address}/${LAB_NET.prefixLength}` }, { ns: bridge, ifname: port });
      await bridge.exec(['ip', 'link', 'set', port, 'master', 'br0']);
    }
    for (const who of ['alpha', 'bravo', 'client'] as const) await this.addOwnIpv6(this.ns[who], who);
    for (const node of NODES) await createDeadEnd(this.nodeNs(node).name);
    this.serial = await (this.options.serialCable ?? socatPtyPair)(this.paths('alpha').tty, this.paths('bravo').tty, { detached: this.options.persistent ?? false });
    await this.writeConfigs();
    if (this.options.echo ?? true) for (const node of NODES) await this.startEcho(node);
  }

  /** With `ipv6`: who's own LAB_NET6 address, nodad (usable at once, no tentative second). */
  private async addOwnIpv6(ns: Netns, who: 'alpha' | 'bravo' | 'client'): Promise<void> {
    if (!this.options.ipv6) return;
    await ns.exec(['ip', '-6', 'addr', 'add', `${LAB_NET6[who]}/${LAB_NET6.prefixLength}`, 'dev', LAB_NET.lanIf, 'nodad']);
  }

  /** Children of a persistent lab (lab CLI `up`) are detached: they outlive this process. */
  private get persistent(): boolean {
    return this.options.persistent ?? false;
  }

  nodeNs(node: NodeName): Netns {
    return this.ns[node];
  }

  /** Where node's files are. configDir holds ha.cf, haresources, authkeys. */
  paths(node: NodeName): NodePaths & { daemonLog: string; runDir: string } {
    const nodeDir = join(this.dir, node);
    return {
      configDir: nodeDir,
      tty: join(this.dir, node === 'alpha' ? 'ttyA' : 'ttyB'),
      logfile: join(nodeDir, 'ha-log'),
      controlSocket: join(nodeDir, 'control.sock'),
      stateFile: join(nodeDir, 'state.ini'),
      pidFile: join(nodeDir, 'twinbeat.pid'),
      daemonLog: join(nodeDir, 'daemon.out'),
      runDir: join(nodeDir, 'run'),
    };
  }

  /** (Re)writes both nodes' config directories; pass options to change them between runs. */
  async writeConfigs(changes: LabConfigOptions = {}): Promise<void> {
    Object.assign(this.options, changes);
    const key = randomBytes(32).toString('hex');
    for (const node of NODES) {
      const p = this.paths(node);
      await mkdir(p.runDir, { recursive: true, mode: 0o700 });
      await writeFile(join(p.configDir, 'ha.cf'), haCf(node, p, this.options));
      await writeFile(join(p.configDir, 'haresources'), this.options.haresources ?? defaultHaresources());
      await writeFile(join(p.configDir, 'authkeys'), authkeys(key), { mode: 0o600 });
      await chmod(join(p.configDir, 'authkeys'), 0o600);
    }
  }

  private async startEcho(node: NodeName): Promise<void> {
    const log = join(this.dir, `echo-${node}.out`);
    writeFileSync(log, ''); // a fresh log: 'listening' must come from this start
    const argv = [process.execPath, labPaths.echoService, '--name', node, ...(this.options.ipv6 ? ['--ipv6'] : [])];
    const child = this.nodeNs(node).spawnLogged(argv, log, { detached: this.persistent });
    await waitFor(`echo service on ${node}`, () => existsSync(log) && readFileSync(log, 'utf8').includes('listening'), 10_000).catch((err) => {
      throw new Error(`${(err as Error).message}; exit ${child.exitCode}; ${existsSync(log) ? readFileSync(log, 'utf8') : ''}`);
    });
  }

  // ---- daemons ------------------------------------------------------------------------------

  /**
   * Starts `twinbeat start -f -c <configDir> --node <node>` inside the node's namespace, output
   * appended to paths(node).daemonLog. TB_RUN_DIR keeps resource-script runtime files per node
   * (both nodes share this machine's filesystem).
   */
  startDaemon(node: NodeName, extraArgs: string[] = []): ChildProcess {
    if (this.daemons.get(node)?.exitCode === null) throw new Error(`daemon on ${node} already running`);
    const p = this.paths(node);
    const nofile = this.options.nofile?.[node];
    const limit = nofile === undefined ? [] : ['prlimit', `--nofile=${nofile}:${nofile}`, '--']; // execs: the pid stays the daemon's
    const argv = [...limit, process.execPath, ...labPaths.nodeFlags, labPaths.cli, 'start', '-f', '-c', p.configDir, '--node', node, ...extraArgs];
    const child = this.nodeNs(node).spawnLogged(argv, p.daemonLog, { detached: this.persistent, env: { ...process.env, TB_RUN_DIR: p.runDir } });
    this.daemons.set(node, child);
    return child;
  }

  daemon(node: NodeName): ChildProcess | undefined {
    return this.daemons.get(node);
  }

  /** Graceful stop (SIGTERM, SIGKILL after graceMs). */
  async stopDaemon(node: NodeName, graceMs = 15_000): Promise<void> {
    const child = this.daemons.get(node);
    if (child) await this.nodeNs(node).stop(child, 'SIGTERM', graceMs);
  }

  /**
   * Runs a CLI subcommand for node inside its namespace, e.g. cli('alpha', ['status', '--json']).
   * The default timeout outlasts the CLI's own worst case (two status sockets asked in turn, each
   * STATUS_TIMEOUT_MS) plus a slow start on a loaded machine, so that the CLI's verdict ("no
   * answer from twinbeat …") is what a test sees, not this harness killing it first.
   */
  cli(node: NodeName, args: string[], timeoutMs = CLI_TIMEOUT_MS): Promise<RunResult> {
    const p = this.paths(node);
    return this.nodeNs(node).exec([process.execPath, labPaths.cli, ...args, '-c', p.configDir, '--node', node], { allowFail: true, timeoutMs });
  }

  /** `status --json` parsed; throws with the CLI's output if it fails. */
  async status(node: NodeName): Promise<unknown> {
    const r = await this.cli(node, ['status', '--json']);
    // Exit 0/1/2 is the pair's health (healthy, degraded, critical) with a report; 3: none.
    const report = r.code !== null && r.code <= 2 ? (JSON.parse(r.stdout) as { running?: unknown }) : null;
    if (report === null || report.running !== true) throw new Error(`status on ${node}: ${describeEnd(r, CLI_TIMEOUT_MS)}: ${r.stderr || r.stdout}`);
    return report;
  }

  daemonLog(node: NodeName): string {
    const path = this.paths(node).daemonLog;
    return existsSync(path) ? readFileSync(path, 'utf8') : '';
  }

  // ---- faults -------------------------------------------------------------------------------

  /**
   * Pulls the plug: every process in the node's namespace is SIGKILLed (daemon, its scripts, the
   * echo service), its LAN cable and the serial cable are cut.
   */
  async powerOff(node: NodeName): Promise<void> {
    this.poweredOff.add(node);
    await killNamespacePids(this.nodeNs(node).name);
    this.daemons.delete(node);
    await this.applyCable(node);
    await this.applySerial();
  }

  /**
   * Boots the node again: addresses other than its own are gone (as after a reboot), cables
   * back, echo service running; the daemon is started too unless `daemon: false`.
   */
  async powerOn(node: NodeName, opts: { daemon?: boolean } = {}): Promise<void> {
    const ns = this.nodeNs(node);
    await ns.exec(['ip', 'addr', 'flush', 'dev', LAB_NET.lanIf]);
    await ns.exec(['ip', 'addr', 'add', `${LAB_NET[node]}/${LAB_NET.prefixLength}`, 'dev', LAB_NET.lanIf]);
    await this.addOwnIpv6(ns, node);
    this.poweredOff.delete(node);
    await this.applyCable(node);
    await this.applySerial();
    if (this.options.echo ?? true) await this.startEcho(node);
    if (opts.daemon ?? true) this.startDaemon(node);
  }

  /** Unplugs the node's LAN cable: no UDP to the peer, no client traffic, no ping target. */
  async isolate(node: NodeName): Promise<void> {
    this.isolated.add(node);
    await this.applyCable(node);
  }

  async reconnect(node: NodeName): Promise<void> {
    this.isolated.delete(node);
    await this.applyCable(node);
  }

  /**
   * Cuts the UDP path between the nodes (both directions, or only what `from` sends) while both
   * stay reachable for the client and the ping target.
   */
  async cutUdp(opts: { from?: NodeName } = {}): Promise<void> {
    for (const node of opts.from ? [opts.from] : NODES) await this.blackhole(node, LAB_NET[peerOf(node)]);
  }

  async healUdp(): Promise<void> {
    for (const node of NODES) await this.unblackhole(node, LAB_NET[peerOf(node)]);
  }

  /** Makes the ping target unreachable from node only (the other side still reaches it). */
  async blockPing(node: NodeName): Promise<void> {
    await this.blackhole(node, LAB_NET.pingTarget);
  }

  async unblockPing(node: NodeName): Promise<void> {
    await this.unblackhole(node, LAB_NET.pingTarget);
  }

  /** Stops the serial cable (both pty links vanish). */
  async cutSerial(): Promise<void> {
    this.serialCut = true;
    await this.applySerial();
  }

  async healSerial(): Promise<void> {
    this.serialCut = false;
    await this.applySerial();
  }

  /** Repairs every cut (not power: use powerOn). */
  async healAll(): Promise<void> {
    await this.healUdp();
    for (const node of NODES) await this.unblockPing(node);
    for (const node of [...this.isolated]) await this.reconnect(node);
    await this.healSerial();
  }

  private async applyCable(node: NodeName): Promise<void> {
    await setCable(this.prefix, node, !this.poweredOff.has(node) && !this.isolated.has(node));
  }

  private async applySerial(): Promise<void> {
    const wanted = !this.serialCut && this.poweredOff.size === 0;
    if (wanted && !this.serial.running) await this.serial.restart();
    if (!wanted && this.serial.running) await this.serial.stop();
  }

  private blackhole(node: NodeName, address: string): Promise<void> {
    return blackhole(this.nodeNs(node).name, address);
  }

  private unblackhole(node: NodeName, address: string): Promise<void> {
    return unblackhole(this.nodeNs(node).name, address);
  }

  // ---- resource faults ----------------------------------------------------------------------
  // For groups with the shipped Dummy resource (`Dummy::NAME`), whose whole state is one file in
  // the node's run directory (TB_RUN_DIR): present means running.

  dummyStateFile(node: NodeName, name: string): string {
    return join(this.paths(node).runDir, `Dummy-${name}.state`);
  }

  /** `Dummy NAME` runs on node: its state file is there. */
  dummyRunning(node: NodeName, name: string): boolean {
    return existsSync(this.dummyStateFile(node, name)) && statSync(this.dummyStateFile(node, name)).isFile();
  }

  /** The service dies behind the daemon's back: `status` says stopped from now on (tb_monitor notices). */
  async crashDummy(node: NodeName, name: string): Promise<void> {
    await rm(this.dummyStateFile(node, name), { force: true });
  }

  /**
   * `Dummy NAME` cannot start on node, and only there (a node-local fault, like a missing mount):
   * a directory takes the place of its state file, so start cannot write it and fails; status
   * still says stopped and stop succeeds.
   */
  async breakDummy(node: NodeName, name: string): Promise<void> {
    await rm(this.dummyStateFile(node, name), { force: true });
    await mkdir(this.dummyStateFile(node, name), { recursive: true, mode: 0o700 });
  }

  // ---- observation --------------------------------------------------------------------------

  /**
   * Nodes that currently have the floating IP (0, 1, or 2 in a split brain). A powered-off node
   * holds nothing: its stale address is unreachable and gone when it boots again. `address` may
   * be IPv6 (LAB_NET6.floating), written as `ip` prints it.
   */
  async holders(address: string = LAB_NET.floating): Promise<NodeName[]> {
    const result: NodeName[] = [];
    for (const node of NODES) {
      if (this.poweredOff.has(node)) continue;
      const { stdout } = await this.nodeNs(node).exec(['ip', '-o', address.includes(':') ? '-6' : '-4', 'addr', 'show']);
      if (stdout.includes(` ${address}/`)) result.push(node);
    }
    return result;
  }

  /**
   * Waits until exactly `expected` hold the floating IP (order-insensitive). On timeout the error
   * carries the tail of both daemons' output, which is what one needs to see why.
   */
  async waitForHolders(expected: NodeName[], timeoutMs = 20_000, address: string = LAB_NET.floating): Promise<void> {
    const want = [...expected].sort().join(',');
    let seen: NodeName[] = [];
    try {
      await waitFor(`${address} on [${want}]`, async () => {
        seen = await this.holders(address);
        return seen.join(',') === want;
      }, timeoutMs, 20);
    } catch (err) {
      throw new Error(`${(err as Error).message} (held by [${seen.join(',')}])\n${this.logTails()}`);
    }
  }

  /**
   * Starts both daemons and waits for the steady state: the haresources owner holds the
   * floating IP and each node sees its peer alive.
   */
  async startCluster(timeoutMs = 30_000): Promise<void> {
    const children = NODES.map((node) => this.startDaemon(node));
    // A daemon that dies at start-up (bad config, build broken) fails this at once, with its
    // output, instead of after the whole timeout.
    const died = new Promise<never>((_, reject) => {
      children.forEach((child, i) => child.once('exit', (code, signal) => {
        reject(new Error(`daemon on ${NODES[i]} exited during start-up (${signal ?? `exit ${code}`})\n${this.logTails()}`));
      }));
    });
    died.catch(() => undefined); // only observed through the race below
    await Promise.race([died, (async () => {
      await this.waitForHolders(['alpha'], timeoutMs);
      for (const node of NODES) await this.waitForStatus(node, 'peer alive', (s) => s.peer.state === 'alive', timeoutMs);
    })()]);
  }

  /**
   * Samples the floating IP's holders every `everyMs` until stop(): for invariants such as
   * "never on both nodes" across a whole scenario.
   */
  watchHolders(everyMs = 100): { stop(): Promise<HolderWatch> } {
    let running = true;
    let samples = 0;
    let maxHolders = 0;
    let unheldSamples = 0;
    const heldBy = new Set<NodeName>();
    const bothSinceMs: number[] = [];
    const start = Date.now();
    const loop = (async () => {
      // Also ends when the lab is destroyed, so a test that fails before stop() cannot hang.
      while (running && !this.destroyed) {
        const holders = await this.holders().catch(() => []);
        samples++;
        maxHolders = Math.max(maxHolders, holders.length);
        if (holders.length === 0) unheldSamples++;
        for (const node of holders) heldBy.add(node);
        if (holders.length > 1) bothSinceMs.push(Date.now() - start);
        await new Promise((r) => setTimeout(r, everyMs).unref());
      }
    })();
    return {
      stop: async () => {
        running = false;
        await loop;
        return { samples, maxHolders, bothSinceMs, heldBy: NODES.filter((node) => heldBy.has(node)), unheldSamples };
      },
    };
  }

  /** Waits until node's `status --json` satisfies `check`; returns that status. */
  async waitForStatus<T = StatusReport>(node: NodeName, what: string, check: (status: T) => boolean, timeoutMs = 20_000): Promise<T> {
    let last: T | undefined;
    try {
      await waitFor(`${node}: ${what}`, async () => {
        last = (await this.status(node).catch(() => undefined)) as T | undefined;
        return last !== undefined && check(last);
      }, timeoutMs, 100);
    } catch (err) {
      throw new Error(`${(err as Error).message}; last status ${JSON.stringify(last)}\n${this.logTails()}`);
    }
    return last as T;
  }

  /**
   * How often node's core logged each event (group-started, start-failed, resource-restart, ...)
   * since its daemon started, from the daemon's metrics (needs the `metrics` option). Exact,
   * unlike the log, which folds identical lines repeated within 10 s into one summary.
   */
  async coreEvents(node: NodeName): Promise<Record<string, number>> {
    const url = `http://127.0.0.1:${LAB_NET.metricsPort}/metrics`;
    const fetchMetrics = `fetch(${JSON.stringify(url)}).then(async (r) => { if (!r.ok) throw new Error('HTTP ' + r.status); process.stdout.write(await r.text()); })`;
    const { stdout } = await this.nodeNs(node).exec([process.execPath, '-e', fetchMetrics]);
    const counts: Record<string, number> = {};
    // Every known event is exported from 0 (so alerts fire on the first one): list only those that happened.
    for (const [, event, n] of stdout.matchAll(/^twinbeat_core_events_total\{event="([^"]+)"\} (\d+)$/gm)) if (Number(n) > 0) counts[event!] = Number(n);
    return counts;
  }

  /** The last lines of both daemons' output, for failure messages. */
  logTails(lines = 15): string {
    return NODES.map((node) => `--- ${node} daemon output (last ${lines} lines) ---\n${this.daemonLog(node).split('\n').slice(-lines - 1).join('\n')}`).join('\n');
  }

  /**
   * Adds the floating IP on node by hand and announces it with gratuitous ARP (what the IPaddr
   * resource does), for testing the lab without a daemon.
   */
  async addFloatingIp(node: NodeName): Promise<void> {
    const ns = this.nodeNs(node);
    await ns.exec(['ip', 'addr', 'add', `${LAB_NET.floating}/${LAB_NET.prefixLength}`, 'dev', LAB_NET.lanIf]);
    await ns.exec(['arping', '-U', '-c', '1', '-I', LAB_NET.lanIf, LAB_NET.floating], { allowFail: true });
  }

  async removeFloatingIp(node: NodeName): Promise<void> {
    await this.nodeNs(node).exec(['ip', 'addr', 'del', `${LAB_NET.floating}/${LAB_NET.prefixLength}`, 'dev', LAB_NET.lanIf], { allowFail: true });
  }

  /** Starts the client probe against the floating IP (or `target`, e.g. LAB_NET6.floating); stop() returns its report. */
  async startProbe(opts: { intervalMs?: number; durationMs?: number; target?: string } = {}): Promise<ProbeHandle> {
    const out = join(this.dir, `probe-${Date.now()}-${randomBytes(2).toString('hex')}.json`);
    const log = `${out}.log`;
    const argv = [process.execPath, labPaths.probe, '--target', opts.target ?? LAB_NET.floating, '--interval-ms', String(opts.intervalMs ?? 10), '--out', out];
    if (opts.durationMs) argv.push('--duration-ms', String(opts.durationMs));
    const child = this.ns.client.spawnLogged(argv, log);
    await waitFor('probe start', () => readFileSync(log, 'utf8').includes('probing'), 10_000);
    return {
      child,
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await childExited(child);
        if (!existsSync(out)) throw new Error(`probe wrote no report: ${readFileSync(log, 'utf8')}`);
        return JSON.parse(readFileSync(out, 'utf8')) as ProbeReport;
      },
    };
  }

  // ---- lifetime -----------------------------------------------------------------------------

  /** Kills every process in the lab's namespaces and socat, deletes namespaces and the dir. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const ns of Object.values(this.ns)) await ns.destroy();
    await this.serial?.stop();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** For the lab CLI: stop owning the lab (it outlives this process) and describe it for `down`. */
  release(): LabState {
    const socatPid = this.serial.pid;
    this.serial.release();
    for (const ns of Object.values(this.ns)) ns.release();
    this.destroyed = true;
    return {
      prefix: this.prefix,
      dir: this.dir,
      namespaces: Object.values(this.ns).map((ns) => ns.name),
      hostPids: socatPid > 0 ? [{ pid: socatPid, command: 'socat' }] : [],
    };
  }
}

/** Removes a lab described by a LabState (lab CLI `down`): its processes, namespaces and dir. */
export async function destroyLabState(state: LabState): Promise<void> {
  for (const { pid, command } of state.hostPids) {
    // Only kill the PID if it is still the process we started (PIDs get reused).
    const comm = existsSync(`/proc/${pid}/comm`) ? readFileSync(`/proc/${pid}/comm`, 'utf8').trim() : '';
    if (comm === command && processAlive(pid)) process.kill(pid, 'SIGTERM');
  }
  for (const name of state.namespaces) {
    await killNamespacePids(name);
    await run(['ip', 'netns', 'delete', name], { allowFail: true });
  }
  await rm(state.dir, { recursive: true, force: true });
}
