// Network namespaces, veth pairs and socat pty pairs: the building blocks of the throwaway labs
// of the integration/e2e tests, the lab CLI, the demo and the benchmarks.
// May touch: network namespaces and links it creates, processes it starts inside them, socat.
//
// Everything created here is recorded in a per-process cleanup registry and removed by its own
// name or PID — never by a pattern — so parallel runs and other people's resources are safe.
// At exit (also SIGINT/SIGTERM/SIGHUP) process.ts kills the PIDs still tracked and then runs
// this module's namespace clean-up.
import { spawn as spawnChild, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { processAlive } from '../../src/daemon/pidfile.js';
import { killPid, onExitCleanup, run, sleepSync, stopChild, trackPid, untrackPid, waitFor, type RunOptions, type RunResult } from './process.js';
import { labSkipReason } from './requirements.js';

/** Why namespace-based tests cannot run here, or false if they can. Use as `{ skip: rootSkipReason }`. */
export const rootSkipReason: string | false = labSkipReason();

// ---------------------------------------------------------------------------------------------
// Cleanup registry: what this process created and has not yet removed.

const liveNamespaces = new Set<string>();
let cleanupRegistered = false;

/**
 * Synchronous best-effort cleanup at exit (process.ts kills our tracked PIDs first): kills
 * everything else inside our namespaces (e.g. a daemon's background scripts), then deletes the
 * namespaces, retrying briefly while the kernel still sees them in use.
 */
function deleteNamespacesSync(): void {
  for (const name of liveNamespaces) {
    const inside = spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8' }).stdout ?? '';
    for (const pid of inside.split(/\s+/).filter((p) => /^\d+$/.test(p))) killPid(Number(pid));
  }
  for (const name of liveNamespaces) {
    for (let attempt = 0; attempt < 10; attempt++) {
      if (spawnSync('ip', ['netns', 'delete', name], { stdio: 'ignore' }).status === 0) break;
      sleepSync(100);
    }
  }
  liveNamespaces.clear();
}

// ---------------------------------------------------------------------------------------------

/** A network namespace owned by this process. */
export class Netns {
  private readonly children = new Set<ChildProcess>();
  private destroyed = false;

  private constructor(readonly name: string) {}

  /** Creates the namespace (fails if it already exists) and brings its loopback up. */
  static async create(name: string): Promise<Netns> {
    if (name.length === 0 || name.includes('/')) throw new Error(`bad namespace name ${JSON.stringify(name)}`);
    if (!cleanupRegistered) {
      cleanupRegistered = true;
      onExitCleanup(deleteNamespacesSync);
    }
    await run(['ip', 'netns', 'add', name]);
    liveNamespaces.add(name);
    const ns = new Netns(name);
    await ns.exec(['ip', 'link', 'set', 'lo', 'up']);
    return ns;
  }

  /** argv prefixed with `ip netns exec NAME`, for callers that spawn on their own. */
  wrap(argv: string[]): string[] {
    return ['ip', 'netns', 'exec', this.name, ...argv];
  }

  /** Runs a command inside the namespace to completion. */
  exec(argv: string[], opts?: RunOptions): Promise<RunResult> {
    return run(this.wrap(argv), opts);
  }

  /**
   * Starts a long-running command inside the namespace. The child is tracked: destroy() (or
   * process exit) kills it by PID. `ip netns exec` execs the command, so the PID is the command's.
   * stdio defaults to 'ignore'; pass `detached: true` only for children meant to outlive this
   * process after release().
   */
  spawn(argv: string[], opts: SpawnOptions = {}): ChildProcess {
    if (this.destroyed) throw new Error(`namespace ${this.name} already destroyed`);
    const [cmd, ...args] = this.wrap(argv);
    const child = spawnChild(cmd as string, args, { stdio: 'ignore', detached: false, ...opts });
    if (child.pid === undefined) throw new Error(`could not start ${argv.join(' ')} in ${this.name}`);
    trackPid(child.pid);
    this.children.add(child);
    child.once('exit', () => {
      this.children.delete(child);
      if (child.pid !== undefined) untrackPid(child.pid);
    });
    return child;
  }

  /**
   * spawn() with stdout and stderr appended to logPath (the file is created if missing): how the
   * lab runs daemons, echo services and probes, and the bench its reference systems.
   */
  spawnLogged(argv: string[], logPath: string, opts: SpawnOptions = {}): ChildProcess {
    const fd = openSync(logPath, 'a');
    try {
      return this.spawn(argv, { ...opts, stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
  }

  /** Stops one child started by spawn(): `signal`, then SIGKILL after graceMs. */
  async stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 3_000): Promise<void> {
    await stopChild(child, signal, graceMs);
    this.children.delete(child);
  }

  /**
   * Hands the namespace and its children over to whoever keeps their names/PIDs (the lab CLI's
   * state file): this process will no longer remove them on exit.
   */
  release(): void {
    for (const child of this.children) {
      if (child.pid !== undefined) untrackPid(child.pid);
      child.unref();
    }
    this.children.clear();
    liveNamespaces.delete(this.name);
    this.destroyed = true;
  }

  /**
   * Kills every child spawned here and every other process still running inside the namespace
   * (e.g. background helpers started by a daemon we ran there), then deletes it. Idempotent.
   */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await Promise.all([...this.children].map((c) => stopChild(c, 'SIGKILL', 2_000)));
    this.children.clear();
    await killNamespacePids(this.name);
    // Deleting the namespace also deletes the veth ends and bridges that live in it.
    await run(['ip', 'netns', 'delete', this.name], { allowFail: true });
    liveNamespaces.delete(this.name);
  }
}

/**
 * SIGKILLs every process whose network namespace is `name` (`ip netns pids`). Only for
 * namespaces this process (or the lab state file) owns: everything in there is ours.
 */
export async function killNamespacePids(name: string): Promise<void> {
  const { stdout } = await run(['ip', 'netns', 'pids', name], { allowFail: true });
  const pids = stdout.split(/\s+/).filter((p) => /^\d+$/.test(p)).map(Number);
  for (const pid of pids) killPid(pid);
  await waitFor(`processes in ${name} to exit`, () => pids.every((pid) => !processAlive(pid)), 3_000).catch(() => undefined);
}

export interface VethEnd {
  ns: Netns;
  ifname: string;
  /** Address with prefix length, e.g. 10.77.0.1/24; omit for an unaddressed end (bridge port). */
  cidr?: string;
}

/** Creates a veth pair with one end in each namespace, addresses them and brings them up. */
export async function vethPair(a: VethEnd, b: VethEnd): Promise<void> {
  for (const end of [a, b]) {
    if (end.ifname.length > 15) throw new Error(`interface name too long (max 15): ${end.ifname}`);
  }
  await run(['ip', 'link', 'add', a.ifname, 'netns', a.ns.name, 'type', 'veth', 'peer', 'name', b.ifname, 'netns', b.ns.name]);
  for (const end of [a, b]) {
    if (end.cidr) await end.ns.exec(['ip', 'addr', 'add', end.cidr, 'dev', end.ifname]);
    await end.ns.exec(['ip', 'link', 'set', end.ifname, 'up']);
  }
}

export interface PtyPair {
  pid: number;
  pathA: string;
  pathB: string;
  /** Stops socat: both pty links vanish, like pulling the serial cable. */
  stop(): Promise<void>;
  /** Starts socat again (new ptys behind the same link paths). */
  restart(): Promise<void>;
  /** Whether socat is currently running. */
  readonly running: boolean;
  /** Stop tracking socat: it keeps running after this process exits (lab CLI `up`). */
  release(): void;
}

/**
 * A null-modem cable: socat joins two ptys and symlinks them at pathA and pathB. Resolves once
 * both links exist. Use pathA for one node's `serial` directive and pathB for the other's.
 */
export async function socatPtyPair(pathA: string, pathB: string, opts: { detached?: boolean } = {}): Promise<PtyPair> {
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    // raw,echo=0: bytes pass unmodified; socat removes its links when it exits normally.
    const proc = spawnChild(
      'socat',
      [`PTY,raw,echo=0,link=${pathA}`, `PTY,raw,echo=0,link=${pathB}`],
      { stdio: ['ignore', 'ignore', 'pipe'], detached: opts.detached ?? false },
    );
    let stderr = '';
    proc.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    if (proc.pid === undefined) throw new Error('could not start socat');
    trackPid(proc.pid);
    proc.once('exit', () => proc.pid !== undefined && untrackPid(proc.pid));
    child = proc;
    try {
      await waitFor(`socat links ${pathA} and ${pathB}`, () => {
        if (proc.exitCode !== null) throw new Error(`socat exited: ${stderr.trim()}`);
        return existsSync(pathA) && existsSync(pathB);
      });
    } catch (err) {
      await stopChild(proc, 'SIGKILL', 1_000);
      throw err;
    }
  };

  const stop = async (): Promise<void> => {
    if (!child) return;
    const proc = child;
    child = undefined;
    await stopChild(proc, 'SIGTERM', 2_000);
    // A SIGKILLed socat cannot remove its links; do it so "the cable is gone" is visible.
    await waitFor(`socat links removed`, () => !existsSync(pathA) && !existsSync(pathB), 1_000).catch(() => {
      spawnSync('rm', ['-f', pathA, pathB]);
    });
  };

  await start();
  return {
    get pid() {
      return child?.pid ?? -1;
    },
    pathA,
    pathB,
    stop,
    async restart() {
      await stop();
      await start();
    },
    get running() {
      return child !== undefined && child.exitCode === null;
    },
    release() {
      if (child?.pid !== undefined) untrackPid(child.pid);
      child?.stderr?.destroy();
      child?.unref();
      child = undefined;
    },
  };
}

/** Names of all network namespaces on the host (for tests that check nothing was left behind). */
export async function listNamespaces(): Promise<string[]> {
  const { stdout } = await run(['ip', 'netns', 'list']);
  return stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.length > 0);
}
