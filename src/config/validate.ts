// Heartbeat's cross-field rules (config.c:parse_config/init_config) plus twinbeat's pair rules,
// applied to everything the three files said; assembles the final Config. Pure: the only outside
// knowledge, where a script lives and whether it is safe to run, comes in as functions. Defaults
// come from the directive table (directives.ts), never from here.
import type { Config, Medium, Origin, ResourceGroupConfig, AuthConfig, ScriptChecks } from './types.js';
import { type ConfigError, type Notice, clipped, didYouMean, shown } from './errors.js';
import { type HaCfValues, type Place, type Setting, isIPv4, settingOrDefault } from './directives.js';
import type { ResolvedName } from './hostnames.js';
import { type ParsedGroup, parseResource } from './haresources.js';
import { formatDuration } from './duration.js';
import { configDigest } from './digest.js';
import { timingFloor, timingProblems } from './deadtime-floor.js';
import { PRE_PROBE_ALLOWANCE_MS, PROBING_SCRIPTS, preProbeWarntimeMs } from './preprobe-warntime.js';

export interface BuildInput {
  dir: string;
  /** This node's name as given (lower-cased here, like Heartbeat). */
  self: string;
  haCfFile: string;
  haresourcesFile: string;
  hacf: HaCfValues;
  groups: ParsedGroup[];
  auth: AuthConfig | null;
  /** Where scripts live and whether they are safe to run (src/resources/locate.ts scriptChecks). */
  scripts: ScriptChecks;
  /** Host names hacf used, already replaced by their addresses (hostnames.ts resolveHostNames). */
  hostNames?: ResolvedName[];
}

export interface BuildResult {
  config: Config | null;
  errors: ConfigError[];
  notices: Notice[];
}

/** Heartbeat's derived initdead: deadtime if > 10 s, 12 s if < 6 s, otherwise 2 × deadtime. */
export function defaultInitdead(deadtimeMs: number): number {
  if (deadtimeMs > 10000) return deadtimeMs;
  if (deadtimeMs < 6000) return 12000;
  return 2 * deadtimeMs;
}

export function buildConfig(input: BuildInput): BuildResult {
  const errors: ConfigError[] = [];
  const notices: Notice[] = [];
  const hacf = input.hacf;
  const file = input.haCfFile;
  const at = (s: Setting<unknown> | undefined): Place => s?.origin ?? { file, line: 0 };
  const fail = (place: Place, directive: string, expected: string, got: string, hint?: string) =>
    errors.push({ file: place.file, line: place.line, directive, expected, got, ...(hint ? { hint } : {}) });

  // ---- timing ----
  const keepaliveMs = settingOrDefault(hacf, 'keepalive');
  const deadtimeMs = settingOrDefault(hacf, 'deadtime');
  const warntimeMs = hacf.warntime?.value ?? deadtimeMs / 2;
  const initdeadMs = hacf.initdead?.value ?? defaultInitdead(deadtimeMs);
  if (deadtimeMs <= 2 * keepaliveMs) {
    const blame = hacf.deadtime ? 'deadtime' : 'keepalive';
    fail(at(hacf.deadtime ?? hacf.keepalive), blame, `deadtime greater than 2 × keepalive (${formatDuration(2 * keepaliveMs)})`, `deadtime ${formatDuration(deadtimeMs)} with keepalive ${formatDuration(keepaliveMs)}`);
  }
  if (warntimeMs >= deadtimeMs) {
    fail(at(hacf.warntime), 'warntime', `less than deadtime (${formatDuration(deadtimeMs)})`, formatDuration(warntimeMs));
  }
  if (initdeadMs < deadtimeMs) {
    fail(at(hacf.initdead), 'initdead', `at least deadtime (${formatDuration(deadtimeMs)})`, formatDuration(initdeadMs));
  } else if (hacf.initdead && initdeadMs < 10000) {
    notices.push({ ...at(hacf.initdead), directive: 'initdead', message: `${formatDuration(initdeadMs)} is short: a peer that boots slowly will be declared dead (Heartbeat recommends at least 10s)` });
  }

  // ---- nodes ----
  const self = input.self.toLowerCase();
  const nodeNames = hacf.nodes.map((n) => n.value);
  let nodes: [string, string] | null = null;
  if (nodeNames.length === 2) {
    nodes = [nodeNames[0]!, nodeNames[1]!];
    if (!nodeNames.includes(self)) {
      fail({ file, line: hacf.nodes[0]!.origin.line }, 'node', `this node (${self}) to be one of the two nodes`, nodeNames.join(', '), didYouMean(self, nodeNames) ?? 'name this node with --node (or in nodeinfo), or fix the node lines: names must match uname -n');
      nodes = null;
    }
  } else if (nodeNames.length > 2) {
    fail(hacf.nodes[2]!.origin, 'node', 'exactly two nodes (twinbeat is a pair)', `${nodeNames.length}: ${nodeNames.join(', ')}`);
  } else {
    fail(hacf.nodes[0]?.origin ?? { file, line: 0 }, 'node', 'two node names (this node and its peer)', nodeNames.length === 0 ? 'none' : `only ${nodeNames[0]}`);
  }

  // ---- media ----
  const udpport = settingOrDefault(hacf, 'udpport');
  const baud = settingOrDefault(hacf, 'baud');
  const media: Medium[] = [
    ...hacf.bcast.map((s): Medium => ({ kind: 'bcast', dev: s.value, origin: s.origin })),
    ...hacf.ucast.map((s): Medium => ({ kind: 'ucast', dev: s.value.dev, peer: s.value.peer, origin: s.origin })),
    ...hacf.mcast.map((s): Medium => ({ kind: 'mcast', ...s.value, origin: s.origin })),
    ...hacf.serial.map((s): Medium => ({ kind: 'serial', device: s.value, baud, origin: s.origin })),
  ];
  if (media.length === 0) {
    fail({ file, line: 0 }, 'media', 'at least one of bcast, ucast, mcast or serial (better two: UDP and serial)', 'none');
  } else if (media.length === 1) {
    notices.push({ ...media[0]!.origin as Place, directive: media[0]!.kind, message: 'only one medium: a single cable or switch failure makes each node think the other died; add a second (serial plus UDP)' });
  }
  if (hacf.baud && hacf.serial.length === 0) {
    notices.push({ ...hacf.baud.origin, directive: 'baud', message: 'no serial line is configured, so baud has no effect' });
  }

  // Names are resolved before this (load.ts); one left here would reach a socket as a name.
  for (const u of hacf.ucast) if (!isIPv4(u.value.peer)) fail(u.origin, 'ucast', 'an IPv4 address (host names are resolved by loadConfig)', shown(u.value.peer));
  for (const p of [...hacf.ping, ...hacf.pingGroups.flatMap((g) => g.value.addresses.map((value) => ({ value, origin: g.origin })))]) {
    if (!isIPv4(p.value)) fail(p.origin, 'ping', 'an IPv4 address (host names are resolved by loadConfig)', shown(p.value));
  }

  // Uplink tracking compares what each node reaches: with nothing to reach it could never act.
  if (hacf.ipfail && hacf.ping.length === 0 && hacf.pingGroups.length === 0 && hacf.trackInterfaces.length === 0) {
    fail(hacf.ipfail.origin, 'respawn', 'ping, ping_group or tb_track_interface lines for ipfail\'s uplink tracking to compare', 'none');
  }

  // ---- what the links can carry (deadtime-floor.ts) ----
  // Only once the basic rules hold: one error per mistake, not two.
  const basicTimingOk = deadtimeMs > 2 * keepaliveMs && warntimeMs < deadtimeMs;
  if (basicTimingOk && media.length > 0) {
    const floorInput = {
      keepaliveMs, warntimeMs, deadtimeMs, nodes: nodeNames, groups: input.groups.length, media,
      realtime: settingOrDefault(hacf, 'realtime'),
      uplink: hacf.ipfail !== undefined || hacf.trackInterfaces.length > 0,
      authMethod: input.auth?.keys.find((k) => k.index === input.auth?.signIndex)?.method ?? null,
    };
    const blamed = { keepalive: hacf.keepalive, deadtime: hacf.deadtime ?? hacf.keepalive, warntime: hacf.warntime ?? hacf.deadtime ?? hacf.keepalive };
    for (const p of timingProblems(floorInput)) fail(at(blamed[p.directive]), p.directive, p.expected, p.got, p.hint);
    for (const link of timingFloor(floorInput).links) {
      if (link.wireMs !== null && keepaliveMs < link.wireMs) {
        notices.push({ ...at(hacf.keepalive), directive: 'keepalive', message: `${formatDuration(keepaliveMs)} is shorter than a frame's ${link.wireMs.toFixed(1)} ms on ${link.link}: that line carries a heartbeat every ${link.intervalMs.toFixed(1)} ms (newer frames supersede waiting ones)` });
      }
    }
  }

  // ---- auto_failback ----
  const failback = effectiveAutoFailback(hacf);
  if (failback.notice) notices.push(failback.notice);
  if (!failback.setting) {
    notices.push({ file, line: 0, directive: 'auto_failback', message: 'not set: Heartbeat\'s default is legacy, which twinbeat treats as on (groups return to their preferred node)' });
  }
  const autoFailback = failback.setting?.value === 'off' ? 'off' : 'on';

  // ---- resource groups ----
  const groups: ResourceGroupConfig[] = [];
  for (const g of input.groups) {
    if (nodeNames.length > 0 && !nodeNames.includes(g.owner)) {
      fail(g.origin, clipped(g.owner), `a node from ha.cf (${nodeNames.join(' or ')}) as the first word`, shown(g.owner), didYouMean(g.owner, nodeNames));
    }
    const resources = g.resources.map((r) => {
      const found = input.scripts.find(r.script);
      if (!found) fail(g.origin, r.id, `an executable ${r.script.startsWith('ocf:') ? 'OCF agent' : r.script.startsWith('systemd:') ? 'systemctl for' : 'script'} ${r.script}`, 'none', input.scripts.notFound(r.script));
      else scriptSafetyProblem(found.path, input.scripts, (expected, got, hint) => fail(g.origin, r.id, expected, got, hint));
      return { ...r, path: found?.path ?? '', class: found?.class ?? 'heartbeat' };
    });
    groups.push({ owner: g.owner, key: g.key, resources, origin: g.origin });
  }

  // ---- the duplicate-address pre-probe's deadline (preprobe-warntime.ts) ----
  const dadTimeoutMs = settingOrDefault(hacf, 'dadTimeout');
  const probedAhead = groups.some((g) => g.resources.some((r) => PROBING_SCRIPTS.includes(r.script) && r.class === 'heartbeat'));
  const latestWarntimeMs = preProbeWarntimeMs(deadtimeMs, dadTimeoutMs);
  if (basicTimingOk && probedAhead && dadTimeoutMs > 0 && warntimeMs > latestWarntimeMs) {
    const how = latestWarntimeMs >= 1
      ? `warntime ${formatDuration(latestWarntimeMs)} or less lets it finish in time (deadtime − tb_dad_timeout − ${PRE_PROBE_ALLOWANCE_MS} ms to run it)`
      : `no warntime lets it finish in time: lower tb_dad_timeout (${formatDuration(dadTimeoutMs)}) or raise deadtime`;
    notices.push({ ...at(hacf.warntime ?? hacf.deadtime ?? hacf.keepalive), directive: 'warntime', message: `${formatDuration(warntimeMs)}: the duplicate-address pre-probe goes out at warntime of silence and takes tb_dad_timeout ${formatDuration(dadTimeoutMs)} plus ~${PRE_PROBE_ALLOWANCE_MS} ms, so it ends after deadtime ${formatDuration(deadtimeMs)} and every takeover waits for it; ${how}` });
  }

  // ---- extensions that refer to resources ----
  const ids = groups.flatMap((g) => g.resources.map((r) => r.id));
  const monitors: Config['ext']['monitors'] = {};
  for (const m of hacf.monitors) {
    const { id: written, ...settings } = m.value;
    // Written as in haresources, so a bare IP means IPaddr::IP here too.
    const parsed = parseResource(written);
    const id = parsed.ok ? parsed.resource.id : written;
    if (!ids.includes(id)) {
      fail(m.origin, 'tb_monitor', 'a resource id from haresources', shown(written), didYouMean(id, ids));
      continue;
    }
    if (settings.timeoutMs > settings.intervalMs * 10) {
      notices.push({ ...m.origin, directive: 'tb_monitor', message: `timeout ${formatDuration(settings.timeoutMs)} is much longer than interval ${formatDuration(settings.intervalMs)}` });
    }
    monitors[id] = settings;
  }

  if (errors.length > 0 || !nodes || !input.auth) return { config: null, errors, notices };

  const origins: Record<string, Origin> = {};
  const record = (name: string, s: Setting<unknown> | undefined) => (origins[name] = s?.origin ?? 'default');
  record('node', hacf.nodes[0]);
  for (const [name, s] of [
    ['keepalive', hacf.keepalive], ['deadtime', hacf.deadtime], ['warntime', hacf.warntime], ['initdead', hacf.initdead],
    ['udpport', hacf.udpport], ['baud', hacf.baud], ['auto_failback', failback.setting], ['nice_failback', hacf.niceFailback], ['logfile', hacf.logfile],
    ['debugfile', hacf.debugfile], ['logfacility', hacf.logfacility], ['debug', hacf.debug], ['deadping', hacf.deadping],
    ['realtime', hacf.realtime], ['rtprio', hacf.rtprio],
    ['ping', hacf.ping[0]], ['ping_group', hacf.pingGroups[0]], ['respawn ipfail', hacf.ipfail], ['tb_track_interface', hacf.trackInterfaces[0]],
    ['tb_start_timeout', hacf.startTimeout], ['tb_stop_timeout', hacf.stopTimeout], ['tb_notify_timeout', hacf.notifyTimeout], ['tb_status_timeout', hacf.statusTimeout],
    ['tb_arp_count', hacf.arpCount], ['tb_arp_interval', hacf.arpInterval], ['tb_dad_timeout', hacf.dadTimeout], ['tb_control_socket', hacf.controlSocket],
    ['tb_control_group', hacf.controlGroup], ['tb_status_group', hacf.statusGroup], ['tb_state_file', hacf.stateFile], ['tb_pid_file', hacf.pidFile],
    ['tb_metrics_port', hacf.metricsPort],
  ] as const) record(name, s);
  for (const m of hacf.monitors) record(`tb_monitor ${m.value.id}`, m);
  for (const h of hacf.hooks) record(`tb_hook ${h.value.kind}`, h);
  for (const e of hacf.env) record(`env ${e.value.name}`, e);

  const shared = { nodes, keepaliveMs, deadtimeMs, warntimeMs, initdeadMs, autoFailback, udpport, groups } as const;
  const config: Config = {
    dir: input.dir,
    self,
    peer: nodes[0] === self ? nodes[1] : nodes[0],
    ...shared,
    autoFailbackVia: failback.via,
    baud,
    media,
    logfile: hacf.logfile?.value ?? null,
    debugfile: hacf.debugfile?.value ?? null,
    logfacility: settingOrDefault(hacf, 'logfacility'),
    debug: settingOrDefault(hacf, 'debug'),
    ping: hacf.ping.map((p) => p.value),
    pingGroups: hacf.pingGroups.map((p) => p.value),
    deadpingMs: hacf.deadping?.value ?? deadtimeMs,
    uplink: { enabled: hacf.ipfail !== undefined || hacf.trackInterfaces.length > 0, trackInterfaces: hacf.trackInterfaces.map((t) => t.value) },
    realtime: settingOrDefault(hacf, 'realtime'),
    rtprio: settingOrDefault(hacf, 'rtprio'),
    env: Object.fromEntries(hacf.env.map((e) => [`HA_${e.value.name}`, e.value.value])),
    auth: input.auth,
    digest: configDigest(shared),
    ext: {
      monitors,
      hooks: Object.fromEntries(hacf.hooks.map((h) => [h.value.kind, h.value.path])),
      startTimeoutMs: settingOrDefault(hacf, 'startTimeout'),
      stopTimeoutMs: settingOrDefault(hacf, 'stopTimeout'),
      notifyTimeoutMs: settingOrDefault(hacf, 'notifyTimeout'),
      statusTimeoutMs: settingOrDefault(hacf, 'statusTimeout'),
      arpCount: settingOrDefault(hacf, 'arpCount'),
      arpIntervalMs: settingOrDefault(hacf, 'arpInterval'),
      dadTimeoutMs: settingOrDefault(hacf, 'dadTimeout'),
      controlSocket: settingOrDefault(hacf, 'controlSocket'),
      controlGroup: settingOrDefault(hacf, 'controlGroup'),
      statusGroup: settingOrDefault(hacf, 'statusGroup'),
      stateFile: settingOrDefault(hacf, 'stateFile'),
      pidFile: settingOrDefault(hacf, 'pidFile'),
      metricsPort: settingOrDefault(hacf, 'metricsPort'),
      metricsAddress: settingOrDefault(hacf, 'metricsAddress'),
    },
    hostNames: input.hostNames ?? [],
    origins,
  };
  return { config, errors, notices };
}

/**
 * auto_failback as Heartbeat 3.0.6 derives it from auto_failback and the obsolete nice_failback
 * (config.c set_nice_failback/set_auto_failback, HEARTBEAT.md §6.3). Heartbeat reads lines in
 * order and its nice_failback ignores its own value: it tests the flag an earlier auto_failback
 * on/off line set. So: an auto_failback line after nice_failback wins; after auto_failback on or
 * off, nice_failback means off; otherwise (none before, or legacy before) it means legacy.
 * Returns the setting in effect (its origin is the line that decided), how it was derived, and
 * the notice explaining it.
 */
export function effectiveAutoFailback(hacf: HaCfValues): { setting?: Setting<'on' | 'off' | 'legacy'>; via: string | null; notice?: Notice } {
  const auto = hacf.autoFailback;
  const nice = hacf.niceFailback;
  if (!nice) return auto ? { setting: auto, via: null } : { via: null };
  const written = `nice_failback ${nice.value ? 'on' : 'off'}`;
  const at = (s: Setting<unknown>) => `${s.origin.file}:${s.origin.line}`;
  const said = (message: string): Notice => ({ ...nice.origin, directive: 'nice_failback', message: `obsolete; ${message}; write auto_failback on or off instead (Heartbeat 1.x's nice_failback on meant off)` });
  if (auto && auto.origin.line > nice.origin.line) {
    return { setting: auto, via: null, notice: said(`auto_failback at ${at(auto)} comes after it and wins, as in Heartbeat`) };
  }
  if (auto && auto.value !== 'legacy') {
    return { setting: { value: 'off', origin: nice.origin }, via: `${written} after auto_failback ${auto.value}`, notice: said(`after auto_failback ${auto.value} at ${at(auto)} Heartbeat 3.0.6 turns it into auto_failback off, whatever its value, and so does twinbeat`) };
  }
  return {
    setting: { value: 'legacy', origin: nice.origin },
    via: `${written}: legacy, run as on`,
    notice: said('Heartbeat 3.0.6 ignores its value and, with no auto_failback on or off before it, runs auto_failback legacy, which twinbeat runs as on (groups return to their preferred node)'),
  };
}

/**
 * Resource scripts and hooks run as root, so both must be files only root can change, in
 * directories only root can change (the runner repeats the check before every run). Refusing
 * them here makes `check`, `start` and `reload` say so with FILE:LINE, instead of the first run.
 */
export function scriptSafetyProblem(path: string, scripts: ScriptChecks, report: (expected: string, got: string, hint?: string) => void): void {
  const safety = scripts.safety(path);
  if (safety.ok) return;
  report(`an executable file at ${path} that only root can change`, safety.problem, safety.fix ? `fix: ${safety.fix}` : undefined);
}
