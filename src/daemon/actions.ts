// The daemon's WorldActions: what the loop delegates to when the core asks for something slow —
// resource scripts, hooks, ping probes, re-announcing addresses (gratuitous ARP, unsolicited
// neighbour advertisements), persisting state.
// The address pre-probe is an ARMED start (issue 13): IPaddr `gated-start` spawned while the peer
// is suspect, probing and then waiting on stdin; the start that relies on that very probe writes
// `go` to it, so at deadtime no spawn is left. Everything else closes its stdin first (the script
// ends with nothing added): another action on the resource, a start without that probe, a new
// probe of the group, the expiry (preProbeMaxAgeMs), the daemon stopping (disarm) or dying (EOF).
// A closed or dead armed start falls back to the usual spawn: never a start without the check.
// Runs scripts, hooks and probes as child processes and writes the state file; nothing else.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { Config, ResourceSpec } from '../config/types.js';
import { ADDRESS_SCRIPTS } from '../config/haresources.js';
// The address scripts that know `gated-start`; others (Heartbeat's IPaddr2) are never probed
// ahead: their start checks as before.
import { PROBING_SCRIPTS } from '../config/preprobe-warntime.js';
import { directiveDefault } from '../config/directives.js';
import { hookLane, type HookKind, type ResourceAction } from '../core/types.js';
import { heldOutputWarning, type ScriptResult } from '../resources/result.js';
import type { GatedStart, ScriptRunner } from '../resources/runner.js';
import { preProbeMaxAgeMs } from '../core/dad-preprobe.js';
import { performance } from 'node:perf_hooks';
import type { RunOptions, WorldActions } from './loop.js';
import type { Logger } from './logger.js';
import { isTransitionHook, notRun, runTransition } from './notify.js';
import { saveState } from './state-file.js';
import { heartbeatEnvironment } from '../resources/environment.js';


/**
 * The nice value of the scripts a takeover waits on: the address pre-probe and the start that
 * relies on it. The daemon's own SCHED_FIFO is reset for every child (realtime.ts: a runaway
 * script must not starve the machine), so on a loaded host each fork and exec of IPaddr queued
 * behind the load; a negative nice lets them run first without real-time priority. Both are
 * short and bounded by their timeouts.
 */
export const TAKEOVER_SCRIPT_NICE = -10;

/** Tells IPaddr start that the duplicate-address check was done ahead of deadtime (no reply). */
export const DAD_CHECKED_ENV = { TB_DAD_CHECKED: '1' };

/**
 * Environment every resource script gets: Heartbeat's HA_* variables (with the ha.cf env lines),
 * and the ARP burst and duplicate-address detection settings IPaddr reads.
 */
export function scriptEnv(config: Config): Record<string, string> {
  return { ...heartbeatEnvironment(config), TB_ARP_COUNT: String(config.ext.arpCount), TB_ARP_INTERVAL_MS: String(config.ext.arpIntervalMs), TB_DAD_MS: String(config.ext.dadTimeoutMs) };
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
 * tb_notify_timeout's default, from the directive table. Notification hooks (local-failure, remote-failure, master, backup,
 * fault, stop, notify) are killed after tb_notify_timeout, or tb_stop_timeout if shorter: they run
 * in their own lane (core/hooks.ts), so a hung notifier never delays a fence, but their reports
 * must not pile up either. Fence and escalate get tb_stop_timeout.
 */
export const NOTIFY_HOOK_TIMEOUT_MS = directiveDefault('notifyTimeout');

export function hookTimeoutMs(config: Config, hook: HookKind): number {
  return hookLane(hook) === 'notify' ? Math.min(config.ext.stopTimeoutMs, config.ext.notifyTimeoutMs) : config.ext.stopTimeoutMs;
}

const notFound = (reason: string): ScriptResult => ({ outcome: 'not-installed', exitCode: null, signal: null, durationMs: 0, reason, stdout: '', stderr: '' });

/** One ICMP echo with a one-second wait; true if answered. */
export function pingOnce(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('ping', ['-n', '-q', '-c', '1', '-W', '1', address], { timeout: 5000 }, (err) => resolve(err === null));
  });
}

/** Linux interface flag (include/uapi/linux/if.h): administratively up. */
const IFF_UP = 0x1;
/** Operational states the kernel reports as IFF_RUNNING (netif_oper_up): dummy and lo say `unknown`. */
const RUNNING_OPERSTATES = new Set(['up', 'unknown']);

/**
 * A tracked interface counts as up when it is up and running, as keepalived's track_interface
 * judges it (IFF_UP and IFF_RUNNING; sysfs `flags` lacks IFF_RUNNING, `operstate` carries it).
 * Missing or unreadable: down.
 */
export async function interfaceUp(name: string, sysfs = '/sys/class/net'): Promise<boolean> {
  try {
    const flagsText = (await readFile(`${sysfs}/${name}/flags`, 'utf8')).trim();
    const operstate = (await readFile(`${sysfs}/${name}/operstate`, 'utf8')).trim();
    const flags = /^0x[0-9a-f]+$/i.test(flagsText) ? Number.parseInt(flagsText, 16) : 0;
    return (flags & IFF_UP) !== 0 && RUNNING_OPERSTATES.has(operstate);
  } catch {
    return false;
  }
}

export interface UplinkProbe {
  reachable: number;
  total: number;
  interfaces: { up: number; total: number };
  /** What failed, for status and logs: `ping 192.0.2.1`, `ping_group uplinks`, `interface eth1`. */
  failing: string[];
}

export interface ActionsDeps {
  /** Mutable: reload swaps the configuration in place. */
  config: () => Config;
  runner: ScriptRunner;
  stateFile: string;
  log: Logger;
  ping?: (address: string) => Promise<boolean>;
  interfaceUp?: (name: string) => Promise<boolean>;
}

/** A gated start spawned for probe `opId` of `group` (see the top of this file). */
interface Armed {
  group: number;
  opId: number;
  spec: ResourceSpec;
  gate: GatedStart;
}

const armedKey = (group: number, id: string) => `${group}\0${id}`;

export function createWorldActions(deps: ActionsDeps): WorldActions {
  const log = deps.log.child('resources');
  const ping = deps.ping ?? pingOnce;
  const trackedUp = deps.interfaceUp ?? ((name: string) => interfaceUp(name));
  const findResource = (group: number, id: string): ResourceSpec | undefined => deps.config().groups[group]?.resources.find((r) => r.id === id);

  /** The armed starts waiting for `go`, by group and resource id (armedKey); one per resource. */
  const armed = new Map<string, Armed>();
  const disarm = async (entry: Armed): Promise<void> => {
    if (armed.get(armedKey(entry.group, entry.spec.id)) === entry) armed.delete(armedKey(entry.group, entry.spec.id));
    await entry.gate.cancel();
  };
  const arm = (group: number, opId: number, spec: ResourceSpec, config: Config): Armed => {
    const gate = deps.runner.gatedStart(spec, {
      env: scriptEnv(config),
      probeTimeoutMs: config.ext.statusTimeoutMs,
      maxWaitMs: preProbeMaxAgeMs(config.deadtimeMs),
      startTimeoutMs: config.ext.startTimeoutMs,
      nice: TAKEOVER_SCRIPT_NICE,
    });
    const entry = { group, opId, spec, gate };
    const old = armed.get(armedKey(group, spec.id));
    if (old !== undefined) void old.gate.cancel();
    armed.set(armedKey(group, spec.id), entry);
    return entry;
  };

  /** The armed start of exactly this probe and resource, released; null when there is none or it closed first. */
  const release = async (group: number, spec: ResourceSpec, action: ResourceAction, options: RunOptions): Promise<ScriptResult | null> => {
    const entry = armed.get(armedKey(group, spec.id));
    if (entry === undefined) return null;
    armed.delete(armedKey(group, spec.id));
    const matches = action === 'start' && options.dadProbe === entry.opId && entry.spec.path === spec.path && entry.spec.args.join('\0') === spec.args.join('\0');
    if (!matches) {
      await entry.gate.cancel();
      return null;
    }
    const result = await entry.gate.go();
    if (result === null) log.debug('armed-start-closed', `${spec.id}: the armed start had ended; starting it the usual way`, { resource: spec.id });
    return result;
  };

  const runResource = async (group: number, resourceId: string, action: ResourceAction, options: RunOptions = {}): Promise<ScriptResult> => {
    const config = deps.config();
    const spec = findResource(group, resourceId);
    if (spec === undefined) return notFound(`resource ${resourceId} is not in group ${group} of the running configuration`);
    log.debug('resource-action', `${resourceId} ${action}`, { resource: resourceId, action });
    const checked = options.dadProbe !== undefined && action === 'start';
    const env = checked ? { ...scriptEnv(config), ...DAD_CHECKED_ENV } : scriptEnv(config);
    const result =
      (await release(group, spec, action, options)) ??
      (await deps.runner.run(spec, action, { timeoutMs: actionTimeoutMs(config, resourceId, action), env, ...(checked ? { nice: TAKEOVER_SCRIPT_NICE } : {}) }));
    log.debug('resource-result', `${resourceId} ${action}: ${result.outcome} in ${Math.round(result.durationMs)}ms${result.reason ? `: ${result.reason}` : ''}`, {
      resource: resourceId,
      action,
      outcome: result.outcome,
      exit: result.exitCode,
    });
    warnFailure(log, `${resourceId} ${action}`, result, { resource: resourceId, action });
    if (result.heldOutput) log.warn('resource-output-held', heldOutputWarning(`${resourceId} ${action}`, result.heldOutput), { resource: resourceId, action });
    return result;
  };

  return {
    runResource,

    async runHook(hook: HookKind, env: Record<string, string>): Promise<ScriptResult> {
      const config = deps.config();
      if (isTransitionHook(hook)) return runTransition({ runner: deps.runner, hooks: config.ext.hooks, timeoutMs: hookTimeoutMs(config, hook), log }, hook, env);
      const path = config.ext.hooks[hook];
      if (path === undefined) return notRun(`no ${hook} hook configured`);
      log.info('hook-run', `running ${hook} hook ${path}`, { hook, path });
      const result = await deps.runner.runHook(path, env, hookTimeoutMs(deps.config(), hook));
      warnFailure(log, `${hook} hook ${path}`, result, { hook, path });
      return result;
    },

    async probePing(): Promise<UplinkProbe> {
      const config = deps.config();
      // A ping node counts alone; a ping group counts as one target reachable if any member is.
      const singles = await Promise.all(config.ping.map(ping));
      const groups = await Promise.all(config.pingGroups.map(async (g) => (await Promise.all(g.addresses.map(ping))).some(Boolean)));
      const interfaces = await Promise.all(config.uplink.trackInterfaces.map(trackedUp));
      const all = [...singles, ...groups];
      const failing = [
        ...config.ping.filter((_, i) => !singles[i]).map((a) => `ping ${a}`),
        ...config.pingGroups.filter((_, i) => !groups[i]).map((g) => `ping_group ${g.name}`),
        ...config.uplink.trackInterfaces.filter((_, i) => !interfaces[i]).map((n) => `interface ${n}`),
      ];
      return { reachable: all.filter(Boolean).length, total: all.length, interfaces: { up: interfaces.filter(Boolean).length, total: interfaces.length }, failing };
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

    // Every address of the group, probed at once by an armed start; free only if each probe ran
    // and got no reply (a script that cannot probe, or fails, is no evidence: the start then
    // checks itself). The group's earlier armed starts are closed first; when the group is not
    // free, this probe's are closed too (no start will release them).
    async probeAddresses(group: number, opId: number) {
      const config = deps.config();
      await Promise.all([...armed.values()].filter((a) => a.group === group).map(disarm));
      const addresses = (config.groups[group]?.resources ?? []).filter((r) => ADDRESS_SCRIPTS.includes(r.script));
      const started = performance.now();
      const entries = addresses.map((spec) => (PROBING_SCRIPTS.includes(spec.script) && spec.class === 'heartbeat' ? arm(group, opId, spec, config) : null));
      const results = await Promise.all(
        entries.map(async (entry, i) => {
          if (entry === null) return false;
          const free = await entry.gate.verdict;
          log.debug('dad-probe', `${addresses[i]!.id} probe (armed start): ${free ? 'no reply' : 'not free'} in ${Math.round(performance.now() - started)}ms`, { resource: addresses[i]!.id });
          return free;
        }),
      );
      const free = results.every(Boolean);
      if (!free) await Promise.all(entries.filter((e): e is Armed => e !== null).map(disarm));
      return { free };
    },

    async disarm() {
      await Promise.all([...armed.values()].map(disarm));
    },

    async persist(state) {
      // The generation comes from the core: it changes when the peer remembers a higher one.
      await saveState(deps.stateFile, { generation: state.generation, role: state.role, standby: state.standby, moves: state.placements });
    },
  };
}
