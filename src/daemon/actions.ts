// The daemon's WorldActions: what the loop delegates to when the core asks for something slow —
// resource scripts, hooks, ping probes, re-announcing addresses (gratuitous ARP, unsolicited
// neighbour advertisements), persisting state.
import { execFile } from 'node:child_process';
import type { Config, ResourceSpec } from '../config/types.js';
import { ADDRESS_SCRIPTS } from '../config/haresources.js';
import { hookLane, type HookKind, type ResourceAction } from '../core/types.js';
import type { ScriptResult } from '../resources/result.js';
import type { ScriptRunner } from '../resources/runner.js';
import type { WorldActions } from './loop.js';
import type { Logger } from './logger.js';
import { saveState } from './state-file.js';

/** Environment every resource script gets: the ARP burst and duplicate-address detection settings IPaddr reads. */
export function scriptEnv(config: Config): Record<string, string> {
  return { TB_ARP_COUNT: String(config.ext.arpCount), TB_ARP_INTERVAL_MS: String(config.ext.arpIntervalMs), TB_DAD_MS: String(config.ext.dadTimeoutMs) };
}

export function actionTimeoutMs(config: Config, resourceId: string, action: ResourceAction): number {
  switch (action) {
    case 'start':
      return config.ext.startTimeoutMs;
    case 'stop':
      return config.ext.stopTimeoutMs;
    case 'monitor':
      return config.ext.monitors[resourceId]?.timeoutMs ?? config.ext.statusTimeoutMs;
    case 'status':
      return config.ext.statusTimeoutMs;
  }
}

/** Outcomes that are a failure of the action (not-running is a status answer, not a failure). */
const FAILED_OUTCOMES = new Set(['failed', 'timed-out', 'not-installed', 'not-configured']);

/**
 * The last lines of a script's stderr, for the warning that reports its failure: at most
 * `maxLines` non-blank lines and `maxChars` characters (the end is what explains the failure).
 */
export function stderrTail(stderr: string, maxLines = 5, maxChars = 400): string {
  const lines = stderr.split(/\r?\n/).map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
  const tail = lines.slice(-maxLines).join(' | ');
  return tail.length > maxChars ? `...${tail.slice(tail.length - maxChars)}` : tail;
}

/** A failed script run, told at warning level with the end of its stderr. */
function warnFailure(log: Logger, what: string, result: ScriptResult, fields: Record<string, unknown>): void {
  if (!FAILED_OUTCOMES.has(result.outcome)) return;
  const tail = stderrTail(result.stderr);
  const exit = result.signal ?? result.exitCode;
  log.warn('script-failed', `${what}: ${result.outcome}${exit !== null ? ` (exit ${exit})` : ''}${result.reason ? `: ${result.reason}` : ''}${tail ? `; stderr: ${tail}` : ''}`, {
    ...fields,
    outcome: result.outcome,
    exit,
    stderr: tail || undefined,
  });
}

/**
 * Notification hooks (local-failure, remote-failure) are killed after this, or tb_stop_timeout
 * if shorter: they run in their own lane (core/hooks.ts), so a hung notifier never delays a
 * fence, but their reports must not pile up either. Fence and escalate get tb_stop_timeout.
 */
export const NOTIFY_HOOK_TIMEOUT_MS = 30_000;

export function hookTimeoutMs(config: Config, hook: HookKind): number {
  return hookLane(hook) === 'notify' ? Math.min(config.ext.stopTimeoutMs, NOTIFY_HOOK_TIMEOUT_MS) : config.ext.stopTimeoutMs;
}

const notFound = (reason: string): ScriptResult => ({ outcome: 'not-installed', exitCode: null, signal: null, durationMs: 0, reason, stdout: '', stderr: '' });

/** One ICMP echo with a one-second wait; true if answered. */
export function pingOnce(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('ping', ['-n', '-q', '-c', '1', '-W', '1', address], { timeout: 5000 }, (err) => resolve(err === null));
  });
}

export interface ActionsDeps {
  /** Mutable: reload swaps the configuration in place. */
  config: () => Config;
  runner: ScriptRunner;
  stateFile: string;
  log: Logger;
  ping?: (address: string) => Promise<boolean>;
}

export function createWorldActions(deps: ActionsDeps): WorldActions {
  const log = deps.log.child('resources');
  const ping = deps.ping ?? pingOnce;
  const findResource = (group: number, id: string): ResourceSpec | undefined => deps.config().groups[group]?.resources.find((r) => r.id === id);

  const runResource = async (group: number, resourceId: string, action: ResourceAction): Promise<ScriptResult> => {
    const config = deps.config();
    const spec = findResource(group, resourceId);
    if (spec === undefined) return notFound(`resource ${resourceId} is not in group ${group} of the running configuration`);
    log.debug('resource-action', `${resourceId} ${action}`, { resource: resourceId, action });
    const result = await deps.runner.run(spec, action, { timeoutMs: actionTimeoutMs(config, resourceId, action), env: scriptEnv(config) });
    log.debug('resource-result', `${resourceId} ${action}: ${result.outcome} in ${Math.round(result.durationMs)}ms${result.reason ? `: ${result.reason}` : ''}`, {
      resource: resourceId,
      action,
      outcome: result.outcome,
      exit: result.exitCode,
    });
    warnFailure(log, `${resourceId} ${action}`, result, { resource: resourceId, action });
    return result;
  };

  return {
    runResource,

    async runHook(hook: HookKind, env: Record<string, string>): Promise<ScriptResult> {
      const path = deps.config().ext.hooks[hook];
      if (path === undefined) return { outcome: 'ok', exitCode: null, signal: null, durationMs: 0, reason: `no ${hook} hook configured`, stdout: '', stderr: '' };
      log.info('hook-run', `running ${hook} hook ${path}`, { hook, path });
      const result = await deps.runner.runHook(path, env, hookTimeoutMs(deps.config(), hook));
      warnFailure(log, `${hook} hook ${path}`, result, { hook, path });
      return result;
    },

    async probePing() {
      const config = deps.config();
      // A ping node counts alone; a ping group counts as one target reachable if any member is.
      const singles = await Promise.all(config.ping.map(ping));
      const groups = await Promise.all(config.pingGroups.map(async (g) => (await Promise.all(g.addresses.map(ping))).some(Boolean)));
      const all = [...singles, ...groups];
      return { reachable: all.filter(Boolean).length, total: all.length };
    },

    // Starting an address resource again is idempotent and re-sends gratuitous ARP (IPv6:
    // unsolicited neighbour advertisements): exactly what a node that won a split brain must
    // do so neighbours forget the loser's MAC.
    async reannounce(group: number) {
      const resources = deps.config().groups[group]?.resources ?? [];
      for (const spec of resources.filter((r) => ADDRESS_SCRIPTS.includes(r.script))) {
        const result = await runResource(group, spec.id, 'start');
        if (result.outcome !== 'ok') throw new Error(`${spec.id}: ${result.outcome} ${result.reason}`);
      }
    },

    async persist(state) {
      // The generation comes from the core: it changes when the peer remembers a higher one.
      await saveState(deps.stateFile, { generation: state.generation, role: state.role, standby: state.standby, moves: state.placements });
    },
  };
}
