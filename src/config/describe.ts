// The effective configuration as (setting, value, origin) rows, for `twinbeat check`: every
// value twinbeat will use, including defaults, and where it came from.
import type { Config, Medium, Origin } from './types.js';
import { formatDuration as t } from './duration.js';

export interface SettingRow {
  name: string;
  value: string;
  origin: Origin;
}

export function describeMedium(m: Medium): string {
  switch (m.kind) {
    case 'bcast': return `bcast ${m.dev}`;
    case 'ucast': return `ucast ${m.dev} ${m.peer}`;
    case 'mcast': return `mcast ${m.dev} ${m.group} ${m.port} ${m.ttl} ${m.loop ? 1 : 0}`;
    case 'serial': return `serial ${m.device} at ${m.baud} baud`;
  }
}

export function describeSettings(c: Config): SettingRow[] {
  const from = (name: string): Origin => c.origins[name] ?? 'default';
  const row = (name: string, value: string, origin: Origin = from(name)): SettingRow => ({ name, value, origin });
  const none = (v: string | null) => v ?? 'none';
  const rows: SettingRow[] = [
    row('node', `${c.nodes.join(', ')} (this node: ${c.self}, peer: ${c.peer})`),
    row('keepalive', t(c.keepaliveMs)),
    row('deadtime', t(c.deadtimeMs)),
    row('warntime', t(c.warntimeMs)),
    row('initdead', t(c.initdeadMs)),
    row('udpport', String(c.udpport)),
    row('baud', String(c.baud)),
    ...c.media.map((m) => row('medium', describeMedium(m), m.origin)),
    row('auto_failback', c.autoFailback),
    row('logfile', none(c.logfile)),
    row('debugfile', none(c.debugfile)),
    row('logfacility', none(c.logfacility)),
    row('debug', String(c.debug)),
    row('realtime', c.realtime ? `on (SCHED_FIFO priority ${c.rtprio})` : 'off'),
  ];
  if (c.ping.length > 0) rows.push(row('ping', c.ping.join(', ')));
  for (const g of c.pingGroups) rows.push(row('ping_group', `${g.name}: ${g.addresses.join(', ')}`));
  const signing = c.auth.keys.find((k) => k.index === c.auth.signIndex);
  rows.push(row('auth', `signs with key ${c.auth.signIndex} (${signing?.method ?? '?'}); accepts ${c.auth.keys.map((k) => `${k.index} ${k.method}`).join(', ')}`, { file: `${c.dir}/authkeys`, line: 0 }));
  const e = c.ext;
  rows.push(
    row('tb_start_timeout', t(e.startTimeoutMs)),
    row('tb_stop_timeout', t(e.stopTimeoutMs)),
    row('tb_status_timeout', t(e.statusTimeoutMs)),
    row('tb_arp_count', String(e.arpCount)),
    row('tb_arp_interval', t(e.arpIntervalMs)),
    row('tb_dad_timeout', e.dadTimeoutMs === 0 ? '0 (off)' : t(e.dadTimeoutMs)),
    row('tb_control_socket', e.controlSocket),
    row('tb_control_group', e.controlGroup ?? 'none (root only)'),
    row('tb_state_file', e.stateFile),
    row('tb_pid_file', e.pidFile),
    row('tb_metrics_port', e.metricsPort === 0 ? '0 (off)' : `${e.metricsPort} on ${e.metricsAddress}`),
  );
  for (const [id, m] of Object.entries(e.monitors)) {
    rows.push(row('tb_monitor', `${id} interval=${t(m.intervalMs)} timeout=${t(m.timeoutMs)} failures=${m.failures} restarts=${m.restarts}`, from(`tb_monitor ${id}`)));
  }
  for (const [kind, path] of Object.entries(e.hooks)) rows.push(row('tb_hook', `${kind} ${path}`, from(`tb_hook ${kind}`)));
  return rows;
}

export function formatOrigin(o: Origin, relativeTo?: string): string {
  if (o === 'default') return 'default';
  const file = relativeTo && o.file.startsWith(`${relativeTo}/`) ? o.file.slice(relativeTo.length + 1) : o.file;
  return o.line > 0 ? `${file}:${o.line}` : file;
}
