// Heartbeat's cross-field rules (config.c:parse_config/init_config) plus twinbeat's pair rules,
// applied to everything the three files said; assembles the final Config. Pure: the only outside
// knowledge, where a script lives and whether it is safe to run, comes in as functions. Defaults
// come from the directive table (directives.ts), never from here.
import type { Config, Medium, Origin, ResourceGroupConfig, AuthConfig, ScriptChecks } from './types.js';
import { type ConfigError, type Notice, clipped, didYouMean, shown } from './errors.js';
import { type HaCfValues, type Place, type Setting, settingOrDefault } from './directives.js';
import { type ParsedGroup, parseResource } from './haresources.js';
import { formatDuration } from './duration.js';
import { configDigest } from './digest.js';

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
      fail({ file, line: hacf.nodes[0]!.origin.line }, 'node', `this node (${self}) to be one of the two nodes`, nodeNames.join(', '), didYouMean(self, nodeNames) ?? 'name this node with --node, or fix the node lines: names must match uname -n');
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

  // ---- auto_failback ----
  if (!hacf.autoFailback) {
    notices.push({ file, line: 0, directive: 'auto_failback', message: 'not set: Heartbeat\'s default is legacy, which twinbeat treats as on (groups return to their preferred node)' });
  }
  const autoFailback = hacf.autoFailback?.value === 'off' ? 'off' : 'on';

  // ---- resource groups ----
  const groups: ResourceGroupConfig[] = [];
  for (const g of input.groups) {
    if (nodeNames.length > 0 && !nodeNames.includes(g.owner)) {
      fail(g.origin, clipped(g.owner), `a node from ha.cf (${nodeNames.join(' or ')}) as the first word`, shown(g.owner), didYouMean(g.owner, nodeNames));
    }
    const resources = g.resources.map((r) => {
      const found = input.scripts.find(r.script);
      if (!found) fail(g.origin, r.id, `an executable script ${r.script}`, 'none', input.scripts.notFound(r.script));
      else scriptSafetyProblem(found.path, input.scripts, (expected, got, hint) => fail(g.origin, r.id, expected, got, hint));
      return { ...r, path: found?.path ?? '', class: found?.class ?? 'heartbeat' };
    });
    groups.push({ owner: g.owner, key: g.key, resources, origin: g.origin });
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
    ['udpport', hacf.udpport], ['baud', hacf.baud], ['auto_failback', hacf.autoFailback], ['logfile', hacf.logfile],
    ['debugfile', hacf.debugfile], ['logfacility', hacf.logfacility], ['debug', hacf.debug], ['deadping', hacf.deadping],
    ['realtime', hacf.realtime], ['rtprio', hacf.rtprio],
    ['ping', hacf.ping[0]], ['ping_group', hacf.pingGroups[0]],
    ['tb_start_timeout', hacf.startTimeout], ['tb_stop_timeout', hacf.stopTimeout], ['tb_status_timeout', hacf.statusTimeout],
    ['tb_arp_count', hacf.arpCount], ['tb_arp_interval', hacf.arpInterval], ['tb_dad_timeout', hacf.dadTimeout], ['tb_control_socket', hacf.controlSocket],
    ['tb_control_group', hacf.controlGroup], ['tb_status_group', hacf.statusGroup], ['tb_state_file', hacf.stateFile], ['tb_pid_file', hacf.pidFile],
    ['tb_metrics_port', hacf.metricsPort],
  ] as const) record(name, s);
  for (const m of hacf.monitors) record(`tb_monitor ${m.value.id}`, m);
  for (const h of hacf.hooks) record(`tb_hook ${h.value.kind}`, h);

  const shared = { nodes, keepaliveMs, deadtimeMs, warntimeMs, initdeadMs, autoFailback, udpport, groups } as const;
  const config: Config = {
    dir: input.dir,
    self,
    peer: nodes[0] === self ? nodes[1] : nodes[0],
    ...shared,
    baud,
    media,
    logfile: hacf.logfile?.value ?? null,
    debugfile: hacf.debugfile?.value ?? null,
    logfacility: settingOrDefault(hacf, 'logfacility'),
    debug: settingOrDefault(hacf, 'debug'),
    ping: hacf.ping.map((p) => p.value),
    pingGroups: hacf.pingGroups.map((p) => p.value),
    deadpingMs: hacf.deadping?.value ?? deadtimeMs,
    realtime: settingOrDefault(hacf, 'realtime'),
    rtprio: settingOrDefault(hacf, 'rtprio'),
    auth: input.auth,
    digest: configDigest(shared),
    ext: {
      monitors,
      hooks: Object.fromEntries(hacf.hooks.map((h) => [h.value.kind, h.value.path])),
      startTimeoutMs: settingOrDefault(hacf, 'startTimeout'),
      stopTimeoutMs: settingOrDefault(hacf, 'stopTimeout'),
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
    origins,
  };
  return { config, errors, notices };
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
