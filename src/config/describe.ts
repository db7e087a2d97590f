// The effective configuration as (setting, value, origin) rows, for `twinbeat check`: every
// value twinbeat will use, including defaults, and where it came from. Pure.
import type { Config, Medium, Origin } from './types.js';
import { formatDuration } from './duration.js';

export interface SettingRow {
  name: string;
  value: string;
  origin: Origin;
}

/** An address as check shows it: with the host name it was resolved from, if any. */
function named(config: Config, directive: Config['hostNames'][number]['directive'], address: string, origin?: Origin): string {
  const found = config.hostNames.find((h) => h.directive === directive && h.address === address && (origin === undefined || (origin !== 'default' && h.origin.line === origin.line)));
  return found ? `${address} (${found.name})` : address;
}

export function describeMedium(m: Medium, config?: Config): string {
  switch (m.kind) {
    case 'bcast': return `bcast ${m.dev}`;
    case 'ucast': return `ucast ${m.dev} ${config ? named(config, 'ucast', m.peer, m.origin) : m.peer}`;
    case 'mcast': return `mcast ${m.dev} ${m.group} ${m.port} ${m.ttl} ${m.loop ? 1 : 0}`;
    case 'serial': return `serial ${m.device} at ${m.baud} baud`;
  }
}

export function describeSettings(config: Config): SettingRow[] {
  const from = (name: string): Origin => config.origins[name] ?? 'default';
  const row = (name: string, value: string, origin: Origin = from(name)): SettingRow => ({ name, value, origin });
  const none = (value: string | null) => value ?? 'none';
  const rows: SettingRow[] = [
    row('node', `${config.nodes.join(', ')} (this node: ${config.self}, peer: ${config.peer})`),
    row('keepalive', formatDuration(config.keepaliveMs)),
    row('deadtime', formatDuration(config.deadtimeMs)),
    row('warntime', formatDuration(config.warntimeMs)),
    row('initdead', formatDuration(config.initdeadMs)),
    row('udpport', String(config.udpport)),
    row('baud', String(config.baud)),
    ...config.media.map((m) => row('medium', describeMedium(m, config), m.origin)),
    row('auto_failback', config.autoFailbackVia ? `${config.autoFailback} (from ${config.autoFailbackVia})` : config.autoFailback),
    row('logfile', none(config.logfile)),
    row('debugfile', none(config.debugfile)),
    row('logfacility', none(config.logfacility)),
    row('debug', String(config.debug)),
    row('realtime', config.realtime ? `on (SCHED_FIFO priority ${config.rtprio})` : 'off'),
  ];
  if (config.ping.length > 0) rows.push(row('ping', config.ping.map((a) => named(config, 'ping', a)).join(', ')));
  for (const g of config.pingGroups) rows.push(row('ping_group', `${g.name}: ${g.addresses.map((a) => named(config, 'ping_group', a)).join(', ')}`));
  if (config.uplink.trackInterfaces.length > 0) rows.push(row('tb_track_interface', config.uplink.trackInterfaces.join(', ')));
  rows.push(row('uplink tracking', uplinkTracking(config), config.origins['respawn ipfail'] ?? from('tb_track_interface')));
  const signing = config.auth.keys.find((k) => k.index === config.auth.signIndex);
  rows.push(row('auth', `signs with key ${config.auth.signIndex} (${signing?.method ?? '?'}); accepts ${config.auth.keys.map((k) => `${k.index} ${k.method}`).join(', ')}`, { file: `${config.dir}/authkeys`, line: 0 }));
  const ext = config.ext;
  rows.push(
    row('tb_start_timeout', formatDuration(ext.startTimeoutMs)),
    row('tb_stop_timeout', formatDuration(ext.stopTimeoutMs)),
    row('tb_notify_timeout', formatDuration(ext.notifyTimeoutMs)),
    row('tb_status_timeout', formatDuration(ext.statusTimeoutMs)),
    row('tb_arp_count', String(ext.arpCount)),
    row('tb_arp_interval', formatDuration(ext.arpIntervalMs)),
    row('tb_dad_timeout', ext.dadTimeoutMs === 0 ? '0 (off)' : formatDuration(ext.dadTimeoutMs)),
    row('tb_control_socket', ext.controlSocket),
    row('tb_control_group', ext.controlGroup ?? 'none (root only)'),
    row('tb_status_group', ext.statusGroup ?? 'none (root only)'),
    row('tb_state_file', ext.stateFile),
    row('tb_pid_file', ext.pidFile),
    row('tb_metrics_port', ext.metricsPort === 0 ? '0 (off)' : `${ext.metricsPort} on ${ext.metricsAddress}`),
  );
  for (const [id, m] of Object.entries(ext.monitors)) {
    rows.push(row('tb_monitor', `${id} interval=${formatDuration(m.intervalMs)} timeout=${formatDuration(m.timeoutMs)} failures=${m.failures} restarts=${m.restarts}`, from(`tb_monitor ${id}`)));
  }
  for (const [kind, path] of Object.entries(ext.hooks)) rows.push(row('tb_hook', `${kind} ${path}`, from(`tb_hook ${kind}`)));
  return rows;
}

export function formatOrigin(o: Origin, relativeTo?: string): string {
  if (o === 'default') return 'default';
  const file = relativeTo && o.file.startsWith(`${relativeTo}/`) ? o.file.slice(relativeTo.length + 1) : o.file;
  return o.line > 0 ? `${file}:${o.line}` : file;
}

/** Uplink tracking (ipfail) as check shows it: what the score counts and how long a move waits. */
function uplinkTracking(config: Config): string {
  if (!config.uplink.enabled) return 'off';
  const pingTargets = config.ping.length + config.pingGroups.length;
  const interfaces = config.uplink.trackInterfaces.length;
  return `on: score out of ${pingTargets + interfaces} (${pingTargets} ping target${pingTargets === 1 ? '' : 's'}, ${interfaces} interface${interfaces === 1 ? '' : 's'}); a node below its peer for ${formatDuration(config.deadpingMs)} (deadping) hands its groups over`;
}
