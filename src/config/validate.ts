// Heartbeat's cross-field rules (config.c:parse_config/init_config) plus twinbeat's pair rules,
// applied to everything the three files said; assembles the final Config. Pure: the only outside
// knowledge, where a script lives, comes in as a function.
import type { Config, Medium, Origin, ResourceGroupConfig, AuthConfig } from './types.js';
import { type ConfigError, type Notice, didYouMean } from './errors.js';
import type { HaCfValues, Place, Setting } from './directives.js';
import { type ParsedGroup, parseResource } from './haresources.js';
import type { FoundScript } from './locate-script.js';
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
  findScript: (name: string) => FoundScript | null;
  /** For the "not found" message. */
  searchPath: readonly string[];
}

export interface BuildResult {
  config: Config | null;
  errors: ConfigError[];
  notices: Notice[];
}

export const defaults = {
  keepaliveMs: 1000,
  deadtimeMs: 30000,
  udpport: 694,
  baud: 19200,
  startTimeoutMs: 60000,
  stopTimeoutMs: 60000,
  statusTimeoutMs: 20000,
  arpCount: 5,
  arpIntervalMs: 200,
  dadTimeoutMs: 100,
  realtime: true,
  rtprio: 50,
  controlSocket: '/run/twinbeat/control.sock',
  stateFile: '/var/lib/twinbeat/state.ini',
  pidFile: '/run/twinbeat/twinbeat.pid',
  metricsPort: 0,
  metricsAddress: '127.0.0.1',
} as const;

/** Heartbeat's derived initdead: deadtime if > 10 s, 12 s if < 6 s, otherwise 2 × deadtime. */
export function defaultInitdead(deadtimeMs: number): number {
  if (deadtimeMs > 10000) return deadtimeMs;
  if (deadtimeMs < 6000) return 12000;
  return 2 * deadtimeMs;
}

export function buildConfig(input: BuildInput): BuildResult {
  const errors: ConfigError[] = [];
  const notices: Notice[] = [];
  const v = input.hacf;
  const file = input.haCfFile;
  const at = (s: Setting<unknown> | undefined): Place => s?.origin ?? { file, line: 0 };
  const fail = (place: Place, directive: string, expected: string, got: string, hint?: string) =>
    errors.push({ file: place.file, line: place.line, directive, expected, got, ...(hint ? { hint } : {}) });
  const ms = formatDuration;

  // ---- timing ----
  const keepaliveMs = v.keepalive?.value ?? defaults.keepaliveMs;
  const deadtimeMs = v.deadtime?.value ?? defaults.deadtimeMs;
  const warntimeMs = v.warntime?.value ?? deadtimeMs / 2;
  const initdeadMs = v.initdead?.value ?? defaultInitdead(deadtimeMs);
  if (deadtimeMs <= 2 * keepaliveMs) {
    const blame = v.deadtime ? 'deadtime' : 'keepalive';
    fail(at(v.deadtime ?? v.keepalive), blame, `deadtime greater than 2 × keepalive (${ms(2 * keepaliveMs)})`, `deadtime ${ms(deadtimeMs)} with keepalive ${ms(keepaliveMs)}`);
  }
  if (warntimeMs >= deadtimeMs) {
    fail(at(v.warntime), 'warntime', `less than deadtime (${ms(deadtimeMs)})`, ms(warntimeMs));
  }
  if (initdeadMs < deadtimeMs) {
    fail(at(v.initdead), 'initdead', `at least deadtime (${ms(deadtimeMs)})`, ms(initdeadMs));
  } else if (v.initdead && initdeadMs < 10000) {
    notices.push({ ...at(v.initdead), directive: 'initdead', message: `${ms(initdeadMs)} is short: a peer that boots slowly will be declared dead (Heartbeat recommends at least 10s)` });
  }

  // ---- nodes ----
  const self = input.self.toLowerCase();
  const nodeNames = v.nodes.map((n) => n.value);
  let nodes: [string, string] | null = null;
  if (nodeNames.length === 2) {
    nodes = [nodeNames[0]!, nodeNames[1]!];
    if (!nodeNames.includes(self)) {
      fail({ file, line: v.nodes[0]!.origin.line }, 'node', `this node (${self}) to be one of the two nodes`, nodeNames.join(', '), didYouMean(self, nodeNames) ?? 'name this node with --node, or fix the node lines: names must match uname -n');
      nodes = null;
    }
  } else if (nodeNames.length > 2) {
    fail(v.nodes[2]!.origin, 'node', 'exactly two nodes (twinbeat is a pair)', `${nodeNames.length}: ${nodeNames.join(', ')}`);
  } else {
    fail(v.nodes[0]?.origin ?? { file, line: 0 }, 'node', 'two node names (this node and its peer)', nodeNames.length === 0 ? 'none' : `only ${nodeNames[0]}`);
  }

  // ---- media ----
  const udpport = v.udpport?.value ?? defaults.udpport;
  const baud = v.baud?.value ?? defaults.baud;
  const media: Medium[] = [
    ...v.bcast.map((s): Medium => ({ kind: 'bcast', dev: s.value, origin: s.origin })),
    ...v.ucast.map((s): Medium => ({ kind: 'ucast', dev: s.value.dev, peer: s.value.peer, origin: s.origin })),
    ...v.mcast.map((s): Medium => ({ kind: 'mcast', ...s.value, origin: s.origin })),
    ...v.serial.map((s): Medium => ({ kind: 'serial', device: s.value, baud, origin: s.origin })),
  ];
  if (media.length === 0) {
    fail({ file, line: 0 }, 'media', 'at least one of bcast, ucast, mcast or serial (better two: UDP and serial)', 'none');
  } else if (media.length === 1) {
    notices.push({ ...media[0]!.origin as Place, directive: media[0]!.kind, message: 'only one medium: a single cable or switch failure makes each node think the other died; add a second (serial plus UDP)' });
  }
  if (v.baud && v.serial.length === 0) {
    notices.push({ ...v.baud.origin, directive: 'baud', message: 'no serial line is configured, so baud has no effect' });
  }

  // ---- auto_failback ----
  if (!v.autoFailback) {
    notices.push({ file, line: 0, directive: 'auto_failback', message: 'not set: Heartbeat\'s default is legacy, which twinbeat treats as on (groups return to their preferred node)' });
  }
  const autoFailback = v.autoFailback?.value === 'off' ? 'off' : 'on';

  // ---- resource groups ----
  const groups: ResourceGroupConfig[] = [];
  for (const g of input.groups) {
    if (nodeNames.length > 0 && !nodeNames.includes(g.owner)) {
      fail(g.origin, g.owner, `a node from ha.cf (${nodeNames.join(' or ')}) as the first word`, JSON.stringify(g.owner), didYouMean(g.owner, nodeNames));
    }
    const resources = g.resources.map((r) => {
      const found = input.findScript(r.script);
      if (!found) {
        fail(g.origin, r.id, `an executable script ${r.script} in ${input.searchPath.join(', ')}`, 'none', 'Cannot locate resource script');
      }
      return { ...r, path: found?.path ?? '', class: found?.class ?? 'heartbeat' };
    });
    groups.push({ owner: g.owner, key: g.key, resources, origin: g.origin });
  }

  // ---- extensions that refer to resources ----
  const ids = groups.flatMap((g) => g.resources.map((r) => r.id));
  const monitors: Config['ext']['monitors'] = {};
  for (const m of v.monitors) {
    const { id: written, ...settings } = m.value;
    // Written as in haresources, so a bare IP means IPaddr::IP here too.
    const parsed = parseResource(written);
    const id = parsed.ok ? parsed.resource.id : written;
    if (!ids.includes(id)) {
      fail(m.origin, 'tb_monitor', 'a resource id from haresources', JSON.stringify(written), didYouMean(id, ids));
      continue;
    }
    if (settings.timeoutMs > settings.intervalMs * 10) {
      notices.push({ ...m.origin, directive: 'tb_monitor', message: `timeout ${ms(settings.timeoutMs)} is much longer than interval ${ms(settings.intervalMs)}` });
    }
    monitors[id] = settings;
  }

  if (errors.length > 0 || !nodes || !input.auth) return { config: null, errors, notices };

  const origins: Record<string, Origin> = {};
  const record = (name: string, s: Setting<unknown> | undefined) => (origins[name] = s?.origin ?? 'default');
  record('node', v.nodes[0]);
  for (const [name, s] of [
    ['keepalive', v.keepalive], ['deadtime', v.deadtime], ['warntime', v.warntime], ['initdead', v.initdead],
    ['udpport', v.udpport], ['baud', v.baud], ['auto_failback', v.autoFailback], ['logfile', v.logfile],
    ['debugfile', v.debugfile], ['logfacility', v.logfacility], ['debug', v.debug], ['deadping', v.deadping],
    ['realtime', v.realtime], ['rtprio', v.rtprio],
    ['ping', v.ping[0]], ['ping_group', v.pingGroups[0]],
    ['tb_start_timeout', v.startTimeout], ['tb_stop_timeout', v.stopTimeout], ['tb_status_timeout', v.statusTimeout],
    ['tb_arp_count', v.arpCount], ['tb_arp_interval', v.arpInterval], ['tb_dad_timeout', v.dadTimeout], ['tb_control_socket', v.controlSocket],
    ['tb_control_group', v.controlGroup], ['tb_state_file', v.stateFile], ['tb_pid_file', v.pidFile],
    ['tb_metrics_port', v.metricsPort],
  ] as const) record(name, s);
  for (const m of v.monitors) record(`tb_monitor ${m.value.id}`, m);
  for (const h of v.hooks) record(`tb_hook ${h.value.kind}`, h);

  const shared = { nodes, keepaliveMs, deadtimeMs, warntimeMs, initdeadMs, autoFailback, udpport, groups } as const;
  const config: Config = {
    dir: input.dir,
    self,
    peer: nodes[0] === self ? nodes[1] : nodes[0],
    ...shared,
    baud,
    media,
    logfile: v.logfile?.value ?? null,
    debugfile: v.debugfile?.value ?? null,
    logfacility: v.logfacility?.value ?? null,
    debug: v.debug?.value ?? 0,
    ping: v.ping.map((p) => p.value),
    pingGroups: v.pingGroups.map((p) => p.value),
    deadpingMs: v.deadping?.value ?? deadtimeMs,
    realtime: v.realtime?.value ?? defaults.realtime,
    rtprio: v.rtprio?.value ?? defaults.rtprio,
    auth: input.auth,
    digest: configDigest(shared),
    ext: {
      monitors,
      hooks: Object.fromEntries(v.hooks.map((h) => [h.value.kind, h.value.path])),
      startTimeoutMs: v.startTimeout?.value ?? defaults.startTimeoutMs,
      stopTimeoutMs: v.stopTimeout?.value ?? defaults.stopTimeoutMs,
      statusTimeoutMs: v.statusTimeout?.value ?? defaults.statusTimeoutMs,
      arpCount: v.arpCount?.value ?? defaults.arpCount,
      arpIntervalMs: v.arpInterval?.value ?? defaults.arpIntervalMs,
      dadTimeoutMs: v.dadTimeout?.value ?? defaults.dadTimeoutMs,
      controlSocket: v.controlSocket?.value ?? defaults.controlSocket,
      controlGroup: v.controlGroup?.value ?? null,
      stateFile: v.stateFile?.value ?? defaults.stateFile,
      pidFile: v.pidFile?.value ?? defaults.pidFile,
      metricsPort: v.metricsPort?.value ?? defaults.metricsPort,
      metricsAddress: v.metricsAddress?.value ?? defaults.metricsAddress,
    },
    origins,
  };
  return { config, errors, notices };
}
