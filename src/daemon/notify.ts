// Transition notifications at the edge (keepalived notify_master/_backup/_fault/_stop and the
// generic `notify`): the core queues one master/backup/fault/stop hook per change of a group's or
// the node's state (src/core/transitions.ts) in its notify lane, one at a time and in order; this
// runs the scripts for one such hook through the ScriptRunner — the state's own script, then the
// generic one — with keepalived's positional arguments, each killed at the notify timeout.
// Touches only the runner and the log it is given.
import type { HookKind } from '../core/types.js';
import type { ScriptResult } from '../resources/result.js';
import type { ScriptRunner } from '../resources/runner.js';
import type { Logger } from './logger.js';

/** The hook kinds that are transition notifications, and the generic script run with each. */
export const TRANSITION_HOOKS: readonly HookKind[] = ['master', 'backup', 'fault', 'stop'];
export const GENERIC_NOTIFY = 'notify';
/** Every tb_hook kind that makes the core report transitions (core-config.ts notifyTransitions). */
export const TRANSITION_SCRIPTS: readonly string[] = [...TRANSITION_HOOKS, GENERIC_NOTIFY];

export function isTransitionHook(hook: HookKind): boolean {
  return TRANSITION_HOOKS.includes(hook);
}

/**
 * keepalived's notify arguments: `INSTANCE|GROUP NAME STATE PRIORITY`. A twinbeat group moves as
 * one unit, like a vrrp_instance (INSTANCE); the node as a whole is the sync group (GROUP).
 */
export function keepalivedArgs(env: Record<string, string>): string[] {
  const type = env['TWINBEAT_TYPE'] === 'node' ? 'GROUP' : 'INSTANCE';
  return [type, env['TWINBEAT_NAME'] ?? '', env['TWINBEAT_STATE'] ?? '', env['TWINBEAT_PRIORITY'] ?? ''];
}

/** The result of a notification nothing was configured for: not a run (no exit code). */
export function notRun(reason: string): ScriptResult {
  return { outcome: 'ok', exitCode: null, signal: null, durationMs: 0, reason, stdout: '', stderr: '' };
}

/** True if the result is of a script that actually ran (metrics count runs, not skips). */
export function ran(result: ScriptResult): boolean {
  return !(result.outcome === 'ok' && result.exitCode === null);
}

export interface NotifyDeps {
  runner: ScriptRunner;
  /** Script paths by tb_hook kind. */
  hooks: Record<string, string>;
  timeoutMs: number;
  log: Logger;
}

/**
 * Run the scripts of one transition notification: the state's script (tb_hook master|backup|
 * fault|stop), then the generic one (tb_hook notify), both with the same arguments and
 * environment. The first failure is the result (the generic script still runs: it is
 * independent); every run is logged as notify-run, and a failure as notify-failed or, killed at
 * the timeout, notify-timeout.
 */
export async function runTransition(deps: NotifyDeps, hook: HookKind, env: Record<string, string>): Promise<ScriptResult> {
  const args = keepalivedArgs(env);
  const results: ScriptResult[] = [];
  for (const kind of [hook, GENERIC_NOTIFY]) {
    const path = deps.hooks[kind];
    if (path === undefined) continue;
    const fields = { hook, script: kind, path, name: env['TWINBEAT_NAME'], state: env['TWINBEAT_STATE'] };
    deps.log.info('notify-run', `${kind} script ${path} ${args.join(' ')}`, fields);
    const result = await deps.runner.runHook(path, env, deps.timeoutMs, args);
    if (result.outcome === 'timed-out') deps.log.warn('notify-timeout', `${kind} script ${path} killed after ${deps.timeoutMs} ms (${args.join(' ')})`, fields);
    else if (result.outcome !== 'ok') deps.log.warn('notify-failed', `${kind} script ${path} ${args.join(' ')}: ${result.outcome}${result.reason ? `: ${result.reason}` : ''}`, fields);
    results.push(result);
  }
  if (results.length === 0) return notRun(`no ${hook} or notify script configured`);
  const failed = results.find((r) => r.outcome !== 'ok');
  const durationMs = results.reduce((sum, r) => sum + r.durationMs, 0);
  return { ...(failed ?? results[results.length - 1]!), durationMs };
}
