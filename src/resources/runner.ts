// Runs resource and hook scripts and turns every ending (exit, signal, timeout, refusal, spawn
// failure) into a ScriptResult. It never throws and never hangs:
//  - the script runs as its own process-group leader, so a timeout can kill everything it
//    started (SIGTERM to the group, SIGKILL to the group after a grace period);
//  - the result is settled on the script's own exit, not on stdout EOF: a daemon started in the
//    background that keeps the pipe open would otherwise stall the runner forever (we wait a
//    short grace for output, then close our ends; such leftovers are NOT killed after a normal
//    exit, because they may be the service the script just started);
//  - output is captured up to a bound, and drained beyond it so the script never blocks;
//  - spawning draws on a descriptor reserve (descriptor-reserve.ts): at the open-files limit a
//    takeover still gets its scripts started, and where even that cannot help the result is a
//    plain failure instead of EMFILE thrown from inside execa.
// When the result is taken on the grace timer with a pipe still open, the result says so
// (heldOutput: the streams and the processes left in the script's group), for the daemon's log
// and resource-test's warning. Reads /proc for that, nothing else.
// A gated start (gatedStart: resources.d/IPaddr `gated-start`) is an address probe and start in
// one process, spawned ahead of a takeover: it answers a verdict line on stdout, then waits on
// stdin for `go`; only `go` adds the address, anything else (stdin closed, the expiry) ends it
// with nothing added. The runner spawns and bounds it like any script; the conversation with it
// (verdict, `go`, closing stdin) is gated-start.ts.
// It also remembers which resources it may have left running (a start that ran, a status that
// did not say stopped), so that a stop it cannot run (script refused or gone) of a resource whose
// script never ran is what it is — nothing to stop — and not a stop failure.
import { execa } from 'execa';
import { readFileSync, readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import type { ResourceSpec } from '../config/types.js';
import type { ResourceAction } from '../core/types.js';
import type { ScriptResult } from './result.js';
import { buildInvocation, judge, ocfExitReason, type Exit, type Judgement, type ScriptAction } from './classes.js';
import { DEFAULT_OCF_ROOT, checkScriptSafety } from './locate.js';
import { processReserve, type DescriptorReserve } from './descriptor-reserve.js';
import { clampTimeout } from './clamp-timeout.js';
import { GatedStartProtocol, type GateHooks, type GatedStart, type GatedStartOptions } from './gated-start.js';

// The gated start's types are part of the runner's API (gatedStart takes and returns them).
export type { GatedStart, GatedStartOptions } from './gated-start.js';

export interface RunnerOptions {
  /** Between SIGTERM and SIGKILL to the process group after a timeout. */
  killGraceMs?: number;
  /** After the script exits, how long to wait for its stdout/stderr to reach EOF. */
  stdioGraceMs?: number;
  /** Per stream; the rest is drained and dropped. */
  maxOutputBytes?: number;
  /** Exported to OCF-class agents. */
  ocfRoot?: string;
  /** Refuse scripts that are not root-owned or are group/world-writable (default true). */
  checkSafety?: boolean;
  /** Descriptors released for each spawn; default the one reserve of this process. */
  reserve?: DescriptorReserve;
}

export interface RunOptions {
  timeoutMs: number;
  /** Added to the environment (after the class's own variables, so it can override them). */
  env?: Record<string, string>;
  /**
   * The script's nice value, set right after the spawn (before it forks anything of note, so what
   * it starts inherits it): for the few scripts a takeover waits on. Ignored where this process
   * may not set it (not root), and then the script runs at the default priority.
   */
  nice?: number;
}

interface Execution {
  path: string;
  args: string[];
  env: Record<string, string>;
  timeoutMs: number;
  /** What the caller would call it in a reason: `start`, `hook`. */
  label: string;
  nice?: number;
  judge: (exit: Exit, stdout: string, stderr: string) => Judgement;
  /** Gated starts only: stdin becomes a pipe, stdout is also handed over chunk by chunk. */
  gate?: GateHooks;
}

export class ScriptRunner {
  private readonly killGraceMs: number;
  private readonly stdioGraceMs: number;
  private readonly maxOutputBytes: number;
  private readonly ocfRoot: string;
  private readonly checkSafety: boolean;
  private readonly reserve: DescriptorReserve;
  /** Resource ids this runner may have left running: a start ran, or a status did not say stopped. */
  private readonly mayBeRunning = new Set<string>();

  constructor(options: RunnerOptions = {}) {
    this.killGraceMs = options.killGraceMs ?? 2000;
    this.stdioGraceMs = options.stdioGraceMs ?? 500;
    this.maxOutputBytes = options.maxOutputBytes ?? 64 * 1024;
    this.ocfRoot = options.ocfRoot ?? DEFAULT_OCF_ROOT;
    this.checkSafety = options.checkSafety ?? true;
    this.reserve = options.reserve ?? processReserve();
  }

  /**
   * Run one action of a resource script; the result's outcome is already class-normalised.
   * meta-data and validate-all (resource-test) change nothing, so they leave mayBeRunning alone.
   */
  async run(spec: ResourceSpec, action: ScriptAction, opts: RunOptions): Promise<ScriptResult> {
    const inv = buildInvocation(spec, action, this.ocfRoot, opts.timeoutMs);
    const result = await this.execute({
      path: spec.path,
      args: inv.args,
      env: { ...inv.env, ...opts.env },
      timeoutMs: opts.timeoutMs,
      label: `${spec.id} ${action}`,
      ...(opts.nice === undefined ? {} : { nice: opts.nice }),
      judge: (exit, stdout, stderr) => judge(spec.class, action, exit, stdout, stderr),
    });
    return action === 'meta-data' || action === 'validate-all' ? result : this.track(spec.id, action, result);
  }

  /**
   * Keep mayBeRunning current, and turn a stop that could not run into success when this
   * runner never ran the resource's script: nothing it did can be running. A script that ran
   * before and is refused now still fails its stop (it may hold the address). A result with
   * neither exit code nor signal is one whose script never started (refused, spawn failed).
   */
  private track(id: string, action: ResourceAction, result: ScriptResult): ScriptResult {
    if (result.exitCode === null && result.signal === null) {
      if (action !== 'stop' || this.mayBeRunning.has(id)) return result;
      return { ...result, outcome: 'ok', reason: `stop not run (${result.reason}); the script never ran here, so nothing can be running` };
    }
    const stopped = action === 'stop' ? result.outcome === 'ok' : action !== 'start' && result.outcome === 'not-running';
    if (stopped) this.mayBeRunning.delete(id);
    else this.mayBeRunning.add(id);
    return result;
  }

  /**
   * Run an address script's `probe` action (resources.d/IPaddr: duplicate-address detection alone,
   * nothing changed): exit 0 is `ok` (no other host answered), anything else `failed`.
   */
  probe(spec: ResourceSpec, opts: RunOptions): Promise<ScriptResult> {
    return this.execute({ path: spec.path, args: [...spec.args, 'probe'], env: { ...opts.env }, timeoutMs: opts.timeoutMs, label: `${spec.id} probe`, judge: judgeProbe, ...(opts.nice === undefined ? {} : { nice: opts.nice }) });
  }

  /**
   * Spawn an address script's `gated-start` (heartbeat class, resources.d/IPaddr): see GatedStart.
   * Before `go` the script lives at most probeTimeoutMs + maxWaitMs (its stdin is closed at
   * maxWaitMs, the script's own read waits maxWaitMs too); after `go` the start's timeout applies.
   */
  gatedStart(spec: ResourceSpec, opts: GatedStartOptions): GatedStart {
    return new GatedStartProtocol(
      opts,
      (gate) =>
        this.execute({
          path: spec.path,
          args: [...spec.args, 'gated-start'],
          env: { ...opts.env, TB_GATE_MS: String(Math.max(1, Math.ceil(opts.maxWaitMs))) },
          timeoutMs: opts.probeTimeoutMs + opts.maxWaitMs,
          label: `${spec.id} gated-start`,
          ...(opts.nice === undefined ? {} : { nice: opts.nice }),
          judge: (exit, stdout, stderr) => judge(spec.class, 'start', exit, stdout, stderr),
          gate,
        }),
      (result) => this.track(spec.id, 'start', result),
    );
  }

  /** Run a hook script (fence, escalate, ...): exit 0 is `ok`, anything else `failed`. */
  runHook(path: string, env: Record<string, string>, timeoutMs: number, args: string[] = []): Promise<ScriptResult> {
    return this.execute({ path, args, env, timeoutMs, label: 'hook', judge: judgeHook });
  }

  private execute(ex: Execution): Promise<ScriptResult> {
    const started = performance.now();
    return new Promise<ScriptResult>((settle) => {
      try {
        const refusal = this.refusal(ex.path);
        if (refusal) return settle(unrun('not-installed', refusal, started));
        this.spawn(ex, started, settle);
      } catch (err) {
        settle(unrun('failed', `${ex.label}: ${(err as Error).message}`, started));
      }
    });
  }

  private refusal(path: string): string | null {
    if (!this.checkSafety) return null;
    const safety = checkScriptSafety(path);
    return safety.ok ? null : safety.reason;
  }

  private spawn(ex: Execution, started: number, settle: (r: ScriptResult) => void): void {
    const spawned = this.reserve.spawnWith(() =>
      execa(ex.path, ex.args, {
        detached: true, // own process group: -pid reaches everything it forks
        stdin: ex.gate ? 'pipe' : 'ignore',
        buffer: false, // we read the streams ourselves, bounded
        reject: false,
        env: ex.env,
        extendEnv: true,
      }),
    );
    if (!spawned.ok) return settle(unrun('failed', `${ex.label}: cannot run ${ex.path}: ${spawned.reason}`, started));
    const child = spawned.value;
    // With reject:false the promise only resolves; this keeps a late stream error from ever
    // becoming an unhandled rejection.
    child.catch(() => undefined);

    const stdout = new BoundedText(this.maxOutputBytes);
    const stderr = new BoundedText(this.maxOutputBytes);
    stdout.drain(child.stdout);
    stderr.drain(child.stderr);
    if (ex.gate) child.stdout?.on('data', ex.gate.onStdout);

    let exit: Exit | null = null;
    let timedOut = false;
    let groupKilled = false;
    let done = false;
    const timers: NodeJS.Timeout[] = [];
    const later = (ms: number, fn: () => void) => timers.push(setTimeout(fn, ms));
    let timeoutMs = ex.timeoutMs;
    let timeout: NodeJS.Timeout | null = null;

    // An output pipe still open when the result is taken after a normal exit is held by a
    // process the script left behind.
    const stillOpen = (stream: Readable | null) => stream !== null && !stream.destroyed && !stream.readableEnded;

    const finish = (result: Omit<ScriptResult, 'durationMs' | 'stdout' | 'stderr' | 'heldOutput'>) => {
      if (done) return;
      done = true;
      timers.forEach(clearTimeout);
      if (timeout !== null) clearTimeout(timeout);
      const held = exit && !timedOut ? (['stdout', 'stderr'] as const).filter((s) => stillOpen(child[s])) : [];
      child.stdout?.destroy();
      child.stderr?.destroy();
      const heldOutput = held.length > 0 ? { streams: [...held], pids: groupMembers(child.pid!) } : undefined;
      settle({ ...result, durationMs: Math.round(performance.now() - started), stdout: stdout.text(), stderr: stderr.text(), ...(heldOutput ? { heldOutput } : {}) });
    };

    const finishExited = (e: Exit) => {
      if (timedOut) {
        const why = `${ex.label} timed out after ${timeoutMs} ms; process group killed`;
        finish({ outcome: 'timed-out', exitCode: e.code, signal: e.signal, reason: ocfExitReason(stderr.text()) || why });
        return;
      }
      const j = ex.judge(e, stdout.text(), stderr.text());
      finish({ outcome: j.outcome, exitCode: e.code, signal: e.signal, reason: j.reason });
    };

    child.on('error', (err: NodeJS.ErrnoException) => {
      if (child.pid !== undefined || exit) return; // stream trouble after a real start: the exit decides
      const code = err.code ?? 'error';
      const outcome = code === 'ENOENT' || code === 'EACCES' ? 'not-installed' : 'failed';
      finish({ outcome, exitCode: null, signal: null, reason: `${ex.label}: cannot run ${ex.path}: ${code}` });
    });

    child.on('exit', (code, signal) => {
      const e: Exit = { code, signal };
      exit = e;
      const afterStdio = () => {
        // After a timeout, members of the group that survived SIGTERM get SIGKILL when the
        // grace period ends; that timer settles the result.
        if (timedOut && !groupKilled && groupAlive(child.pid!)) return;
        finishExited(e);
      };
      Promise.all([closed(child.stdout), closed(child.stderr)]).then(afterStdio, afterStdio);
      later(this.stdioGraceMs, afterStdio);
    });

    if (child.pid === undefined) return; // spawn failed: the 'error' handler settles
    const pid = child.pid;
    if (ex.nice !== undefined) renice(pid, ex.nice);
    const onTimeout = () => {
      if (exit) return; // exited in time; only its output is still draining
      timedOut = true;
      signalGroup(pid, 'SIGTERM');
      later(this.killGraceMs, () => {
        signalGroup(pid, 'SIGKILL');
        groupKilled = true;
        if (exit) return finishExited(exit);
        // A process stuck in uninterruptible sleep can outlive SIGKILL; do not wait for it forever.
        later(this.killGraceMs, () =>
          finish({ outcome: 'timed-out', exitCode: null, signal: 'SIGKILL', reason: `${ex.label} timed out after ${timeoutMs} ms and did not die after SIGKILL` }),
        );
      });
    };
    const rearm = (ms: number) => {
      if (timedOut || done) return;
      if (timeout !== null) clearTimeout(timeout);
      timeoutMs = ms;
      timeout = setTimeout(onTimeout, clampTimeout(ms));
    };
    rearm(ex.timeoutMs);
    ex.gate?.onSpawn({ stdin: child.stdin, rearm });
  }
}

function judgeHook(exit: Exit, _stdout: string, stderr: string): Judgement {
  if (exit.code === 0) return { outcome: 'ok', reason: '' };
  const told = ocfExitReason(stderr);
  const how = exit.code === null ? `killed by ${exit.signal}` : `exit ${exit.code}`;
  return { outcome: 'failed', reason: told || `hook ${how}` };
}

function judgeProbe(exit: Exit, _stdout: string, stderr: string): Judgement {
  if (exit.code === 0) return { outcome: 'ok', reason: '' };
  const how = exit.code === null ? `killed by ${exit.signal}` : `exit ${exit.code}`;
  return { outcome: 'failed', reason: ocfExitReason(stderr) || `probe ${how}` };
}

function unrun(outcome: ScriptResult['outcome'], reason: string, started: number): ScriptResult {
  return { outcome, exitCode: null, signal: null, durationMs: Math.round(performance.now() - started), reason, stdout: '', stderr: '' };
}

/** setpriority(2) on one process; EACCES (not root) or ESRCH (already gone) leave it as it is. */
function renice(pid: number, nice: number): void {
  try {
    setPriority(pid, nice);
  } catch {
    // the script runs at the default priority: slower under load, not wrong
  }
}

/** Signal a whole process group; a group that is already gone is not an error. */
function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: every member has exited. EPERM cannot happen for our own children as root.
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The pids still in process group `pgid` (read from /proc/PID/stat, field 5): what a script
 * that exited left running without setsid. Empty where /proc cannot be read.
 */
export function groupMembers(pgid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const members: number[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      // comm (field 2) may hold spaces and parentheses: the fields after it start past the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') members.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return members;
}

function closed(stream: Readable | null): Promise<void> {
  if (!stream || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => stream.once('close', () => resolve()));
}

class BoundedText {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private dropped = 0;

  constructor(private readonly limit: number) {}

  drain(stream: Readable | null): void {
    stream?.on('data', (chunk: Buffer) => this.add(chunk));
    stream?.on('error', () => undefined); // EPIPE/ECONNRESET after we close our end
  }

  private add(chunk: Buffer): void {
    const room = this.limit - this.size;
    if (room > 0) {
      const kept = chunk.length <= room ? chunk : chunk.subarray(0, room);
      this.chunks.push(kept);
      this.size += kept.length;
    }
    this.dropped += Math.max(0, chunk.length - Math.max(0, room));
  }

  text(): string {
    const text = Buffer.concat(this.chunks).toString('utf8');
    return this.dropped > 0 ? `${text}\n[${this.dropped} more bytes dropped]` : text;
  }
}
