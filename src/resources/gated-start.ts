// The gate protocol of one gated start (resources.d/IPaddr `gated-start`): an address probe and
// start in one process, spawned ahead of a takeover. The script answers a verdict line on stdout
// (`tb-gate: free|in-use|cannot-probe`), then waits on stdin for `go`; only `go` adds the
// address, anything else (stdin closed, the expiry) ends it with nothing added, and it says
// `tb-gate: go` or `tb-gate: closed` back.
// This module owns only that conversation — reading the verdict, writing `go`, closing stdin —
// through the handles the runner gives it. Spawning, the timeouts, nice, the descriptor reserve,
// the process-group kill and the bounded output stay with ScriptRunner (runner.ts), which runs a
// gated start like any script. Touches nothing but the script's stdin and one timer.
import { performance } from 'node:perf_hooks';
import type { Writable } from 'node:stream';
import { clampTimeout } from './clamp-timeout.js';
import type { ScriptResult } from './result.js';

/** The options of one gated start (see GatedStart). */
export interface GatedStartOptions {
  /** The environment, as for a start (the runner adds TB_GATE_MS). */
  env: Record<string, string>;
  /** Bound on the probe part, as for a plain probe (kill after probeTimeoutMs + maxWaitMs). */
  probeTimeoutMs: number;
  /** The oldest the verdict may be when `go` is written: after that (from the spawn) stdin is closed. */
  maxWaitMs: number;
  /** After `go`: the start's own timeout. */
  startTimeoutMs: number;
  nice?: number;
}

/**
 * A pre-spawned start that waits for `go` (resources.d/IPaddr `gated-start`). Nothing is added
 * unless go() wrote `go` and the script said `tb-gate: go` back.
 */
export interface GatedStart {
  /** True once the script printed `tb-gate: free`; false for any other verdict or an end without one. */
  readonly verdict: Promise<boolean>;
  /**
   * Release the start: the start's result, or null when the gate was closed first (cancelled,
   * expired, the script gone, not free or no verdict yet): nothing was added, the caller starts
   * the usual way (and a refused gate is closed).
   */
  go(): Promise<ScriptResult | null>;
  /** Close stdin (the script exits with nothing added) and wait for the exit. Idempotent. */
  cancel(): Promise<void>;
}

/** Handles on a spawned script, for a gated start. */
export interface Spawned {
  stdin: Writable | null;
  /** Replace the running timeout by `ms` from now (a released gated start gets the start's). */
  rearm(ms: number): void;
}

/** What the runner calls while it runs a gated start: stdin becomes a pipe, stdout is also handed over chunk by chunk. */
export interface GateHooks {
  onSpawn(spawned: Spawned): void;
  onStdout(chunk: Buffer): void;
}

/** The lines gated-start speaks on stdout (resources.d/IPaddr). */
const GATE_LINE = /^tb-gate: ([a-z-]+)$/;
/** A partial stdout line longer than this is not a gate line: dropped, never grown. */
const GATE_LINE_MAX = 64;

export class GatedStartProtocol implements GatedStart {
  readonly verdict: Promise<boolean>;
  /** The verdict, once known (the first one counts; the script's end without one is not free). */
  private said: boolean | null = null;
  private settleVerdict!: (free: boolean) => void;
  /** Set by go(): resolves its wait when the script answers `tb-gate: go`. */
  private saidGo: () => void = () => undefined;
  private spawned: Spawned | null = null;
  /** `go` was written (or refused): there is never a second one. */
  private written = false;
  /** The unfinished stdout line, carried to the next chunk. */
  private partial = '';
  private readonly expiry: NodeJS.Timeout;
  /** The script's result, whenever and however it ends (from ScriptRunner.execute). */
  private readonly ended: Promise<ScriptResult>;

  /**
   * `run` spawns the script with these hooks and settles on its end (ScriptRunner.execute);
   * `started` is told the result of a start that `go` released (the runner's bookkeeping).
   */
  constructor(
    private readonly opts: GatedStartOptions,
    run: (hooks: GateHooks) => Promise<ScriptResult>,
    private readonly started: (result: ScriptResult) => ScriptResult,
  ) {
    this.verdict = new Promise<boolean>((resolve) => (this.settleVerdict = (free) => {
      this.said ??= free;
      resolve(this.said);
    }));
    this.ended = run({ onSpawn: (spawned) => this.onSpawn(spawned), onStdout: (chunk) => this.onStdout(chunk) });
    this.expiry = setTimeout(() => this.closeStdin(), clampTimeout(opts.maxWaitMs));
    void this.ended.then(() => {
      clearTimeout(this.expiry);
      this.settleVerdict(false);
    });
  }

  async go(): Promise<ScriptResult | null> {
    const stdin = this.spawned?.stdin ?? null;
    // No verdict yet is no release either: the caller starts the usual way, with its own check.
    if (this.written || this.said !== true || stdin === null || stdin.writableEnded) {
      this.closeStdin(); // refused once, refused for good: the script ends with nothing added
      return null;
    }
    this.written = true;
    clearTimeout(this.expiry);
    const released = new Promise<boolean>((resolve) => {
      this.saidGo = () => resolve(true);
      void this.ended.then(() => resolve(false));
    });
    this.spawned!.rearm(this.opts.startTimeoutMs);
    const releasedAt = performance.now();
    stdin.write('go\n');
    this.closeStdin(); // one line is all it reads
    if (!(await released)) return null;
    // The start's duration is from `go`, not from the spawn (the probe and the wait are not the start).
    return this.started({ ...(await this.ended), durationMs: Math.round(performance.now() - releasedAt) });
  }

  async cancel(): Promise<void> {
    clearTimeout(this.expiry);
    this.closeStdin();
    await this.ended;
  }

  private onSpawn(spawned: Spawned): void {
    this.spawned = spawned;
    spawned.stdin?.on('error', () => undefined); // EPIPE: the script is gone; its exit decides
  }

  private onStdout(chunk: Buffer): void {
    const lines = (this.partial + chunk.toString('latin1')).split('\n');
    this.partial = lines.pop()!;
    if (this.partial.length > GATE_LINE_MAX) this.partial = '\0'; // too long for a gate line: never matches
    lines.forEach((line) => this.onLine(line));
  }

  private onLine(line: string): void {
    const word = GATE_LINE.exec(line)?.[1];
    if (word === undefined) return; // the script's own messages, or garbage: not a verdict
    if (word === 'go') return this.saidGo();
    if (word !== 'closed') this.settleVerdict(word === 'free');
  }

  /** End of input: before `go` the script adds nothing and exits. */
  private closeStdin(): void {
    const stdin = this.spawned?.stdin ?? null;
    if (stdin !== null && !stdin.writableEnded) stdin.end();
  }
}
