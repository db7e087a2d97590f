// The daemon's open-files budget. At start the soft RLIMIT_NOFILE is raised to the hard limit
// (Node has no setrlimit: util-linux `prlimit --pid` on our own pid; Node itself usually did it
// already at start-up) and the result is logged. Then the connection limits of the control
// socket and the metrics endpoint are sized so that, whatever clients do, descriptors stay free
// for what a takeover needs: script pipes, the state file, address probes. Reads /proc, runs
// prlimit once; touches nothing else.
import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import type { Logger } from './logger.js';
import { CONTROL_LIMITS } from './control.js';
import { METRICS_LIMITS } from './metrics.js';

export interface NofileLimit {
  soft: number;
  hard: number;
}

/** Never handed to connections: a takeover's scripts, hooks and files, with room to spare. */
export const TAKEOVER_RESERVE = 256;
/** What the daemon holds anyway: stdio, links, log files, syslog, libuv, the runner's reserve. */
export const DAEMON_BASELINE = 64;

/** RLIMIT_NOFILE of a process from /proc/PID/limits (Infinity for unlimited), or null. */
export function readNofileLimit(pid: number | 'self' = 'self'): NofileLimit | null {
  try {
    const line = readFileSync(`/proc/${pid}/limits`, 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const m = line && /^Max open files\s+(\S+)\s+(\S+)/.exec(line);
    if (!m) return null;
    const value = (v: string) => (v === 'unlimited' ? Infinity : Number(v));
    return { soft: value(m[1]!), hard: value(m[2]!) };
  } catch {
    return null;
  }
}

export interface RaiseResult {
  before: NofileLimit | null;
  after: NofileLimit | null;
  /** Why the soft limit could not be raised, or null. */
  error: string | null;
}

/** Raise the soft open-files limit of `pid` to its hard limit with prlimit(1); never throws. */
export async function raiseNofileLimit(pid: number = process.pid): Promise<RaiseResult> {
  const before = readNofileLimit(pid);
  if (before === null) return { before, after: null, error: `cannot read /proc/${pid}/limits` };
  if (before.soft >= before.hard) return { before, after: before, error: null };
  const hard = Number.isFinite(before.hard) ? String(before.hard) : 'unlimited';
  const run = await execa('prlimit', ['--pid', String(pid), `--nofile=${hard}:${hard}`], { reject: false, timeout: 5000 }).catch((err: Error) => ({
    failed: true,
    stderr: err.message,
  }));
  const after = readNofileLimit(pid);
  const raised = after !== null && after.soft >= before.hard;
  return { before, after, error: raised ? null : `prlimit failed: ${String(run.stderr).trim() || 'soft limit unchanged'}` };
}

export interface ConnectionBudget {
  metrics: number;
  control: number;
}

/**
 * Connection limits that fit under `softLimit` after the daemon's baseline and the takeover
 * reserve: the defaults when there is room, less (metrics first: it is only an observer) when
 * not, never below one control connection for the operator.
 */
export function connectionBudget(softLimit: number): ConnectionBudget {
  const spare = Math.max(0, softLimit - DAEMON_BASELINE - TAKEOVER_RESERVE);
  const control = Math.max(1, Math.min(CONTROL_LIMITS.maxConnections, Math.floor(spare / 4)));
  const metrics = Math.max(1, Math.min(METRICS_LIMITS.maxConnections, spare - control));
  return { metrics, control };
}

/** At daemon start: raise the limit, size the servers, say so in the log. */
export async function keepDescriptorHeadroom(log: Logger): Promise<ConnectionBudget> {
  const { before, after, error } = await raiseNofileLimit();
  const soft = after?.soft ?? before?.soft ?? 1024;
  const budget = connectionBudget(soft);
  const fields = { soft, hard: after?.hard ?? before?.hard, metricsConnections: budget.metrics, controlConnections: budget.control, reserve: TAKEOVER_RESERVE };
  const raised = before !== null && after !== null && after.soft > before.soft ? ` (raised from ${before.soft})` : '';
  const text = `open files: soft limit ${soft}${raised}, hard ${fields.hard ?? '?'}; at most ${budget.metrics} metrics and ${budget.control} control connections, ${TAKEOVER_RESERVE} kept for takeovers`;
  if (error !== null) log.warn('fd-limit', `${text}; cannot raise the soft limit to the hard limit: ${error}`, fields);
  else if (soft < DAEMON_BASELINE + TAKEOVER_RESERVE + METRICS_LIMITS.maxConnections + CONTROL_LIMITS.maxConnections) {
    log.warn('fd-limit', `${text}; the limit is low: raise LimitNOFILE`, fields);
  } else log.info('fd-limit', text, fields);
  return budget;
}
