// Process helpers of the lab, the bench and the root-only tests: run a command to completion,
// sleep, poll until something holds, fresh name prefixes, and the PIDs this process started.
// May touch: child processes (spawn, signals) and nothing else — namespaces live in netns.ts.
//
// Every PID started through trackPid() is killed on exit (also on SIGINT/SIGTERM/SIGHUP) unless
// it was stopped or untracked first; other modules add their own synchronous clean-up step
// (netns.ts: delete the namespaces) with onExitCleanup(), run after those PIDs are killed.
import { spawn as spawnChild, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants as osConstants } from 'node:os';
import { processAlive } from '../../src/daemon/pidfile.js';

export interface RunOptions {
  /** Resolve instead of throwing when the command exits non-zero. */
  allowFail?: boolean;
  /** Kill the command (SIGKILL) after this long; default 15 s. */
  timeoutMs?: number;
  /** Bytes written to the command's stdin. */
  input?: string;
  /** Environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

export interface RunResult {
  /** Exit code; 128 when a signal ended the command (see `signal`). */
  code: number;
  stdout: string;
  stderr: string;
  /** The signal that ended the command, if one did. */
  signal?: NodeJS.Signals;
  /** True when this helper killed the command at timeoutMs (its own verdict never came). */
  timedOut?: boolean;
}

/** Runs a command without a shell; throws on non-zero exit unless allowFail. */
export function run(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const [cmd, ...args] = argv;
  if (cmd === undefined) return Promise.reject(new Error('run: empty argv'));
  const timeoutMs = opts.timeoutMs ?? 15_000;
  return new Promise((resolve, reject) => {
    const child = spawnChild(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], ...(opts.env ? { env: opts.env } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${argv.join(' ')}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result: RunResult = { code: code ?? (signal ? 128 : 1), stdout, stderr, ...(signal ? { signal } : {}), ...(timedOut ? { timedOut } : {}) };
      if (result.code !== 0 && !opts.allowFail) {
        const why = describeEnd(result, timeoutMs);
        reject(new Error(`${argv.join(' ')}: ${why}: ${stderr.trim() || stdout.trim()}`));
      } else {
        resolve(result);
      }
    });
    child.stdin.on('error', () => undefined); // command may exit before reading its input
    child.stdin.end(opts.input ?? '');
  });
}

/** How a command ended, for error messages: `exit 3`, `killed by SIGTERM`, `killed at its 15000 ms timeout`. */
export function describeEnd(result: RunResult, timeoutMs: number): string {
  if (result.timedOut) return `killed at its ${timeoutMs} ms timeout`;
  return result.signal ? `killed by ${result.signal}` : `exit ${result.code}`;
}

/** A fresh name prefix such as `tb-x7k2`: lower-case, short enough for interface names. */
export function uniquePrefix(base: string): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const suffix = [...randomBytes(4)].map((b) => alphabet[b % alphabet.length]).join('');
  return `${base}-${suffix}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Polls `check` until it returns true; throws `what` after timeoutMs. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

// ---------------------------------------------------------------------------------------------
// What this process started and has not yet stopped.

const livePids = new Set<number>();
const exitCleanups: (() => void)[] = [];
let exitHandlersInstalled = false;

/** Sends `signal` (default SIGKILL) to pid; a process already gone is not an error. */
export function killPid(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Synchronous best-effort cleanup: the only kind possible inside an 'exit' handler. */
function cleanupSync(): void {
  for (const pid of livePids) killPid(pid);
  livePids.clear();
  for (const cleanup of exitCleanups) cleanup();
}

function installExitHandlers(): void {
  if (exitHandlersInstalled) return;
  exitHandlersInstalled = true;
  process.on('exit', cleanupSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanupSync();
      // Exit now, synchronously: no further callback may create something after the cleanup.
      // 128+N is the shell's convention for "killed by signal N".
      process.exit(128 + (osConstants.signals[signal] ?? 0));
    });
  }
}

/** Adds a synchronous step to the exit cleanup; it runs after the tracked PIDs are killed. */
export function onExitCleanup(cleanup: () => void): void {
  installExitHandlers();
  exitCleanups.push(cleanup);
}

/** Track a PID this process started so it is killed on exit if nobody stopped it first. */
export function trackPid(pid: number): void {
  installExitHandlers();
  livePids.add(pid);
}

export function untrackPid(pid: number): void {
  livePids.delete(pid);
}

/** Sends `signal`, waits up to graceMs for the PID to go, then SIGKILLs it. */
export async function stopPid(pid: number, signal: NodeJS.Signals = 'SIGTERM', graceMs = 3_000): Promise<void> {
  killPid(pid, signal);
  const deadline = Date.now() + graceMs;
  while (processAlive(pid) && Date.now() < deadline) await sleep(20);
  if (processAlive(pid)) killPid(pid, 'SIGKILL');
  untrackPid(pid);
}

/** Waits until a spawned child has exited (resolves immediately if it already has). */
export function childExited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Stops a child we spawned: `signal`, then SIGKILL after graceMs; untracks it. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (child.pid === undefined) return;
  if (child.exitCode === null && child.signalCode === null) {
    child.kill(signal);
    const exited = childExited(child);
    const timedOut = sleep(graceMs).then(() => 'timeout' as const);
    if ((await Promise.race([exited, timedOut])) === 'timeout') {
      child.kill('SIGKILL');
      await childExited(child);
    }
  }
  untrackPid(child.pid);
}
