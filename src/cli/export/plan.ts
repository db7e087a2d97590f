// What a twinbeat pair becomes in Pacemaker/Corosync terms: a loaded Config (plus what the command
// learned about this host's interfaces) in, a format-neutral plan out. Pure: no I/O, no clock.
// The renderers (corosync.ts, cib.ts, pcs.ts) only print this plan; every mapping decision and
// every "not carried over" note is made here, once. Touches nothing outside its arguments.
import type { Config, Medium, ResourceSpec } from '../../config/types.js';
import { formatOrigin } from '../../config/describe.js';

/** A name that would break the generated files or mean something else there. */
export class ExportRefused extends Error {
  override readonly name = 'ExportRefused';
}

export interface PlanInput {
  config: Config;
  /** corosync cluster_name. */
  clusterName: string;
  /**
   * IPv4 addresses of config.self by interface, when the command runs on that node (null: not
   * known; every address that cannot be derived from ha.cf becomes a FILL IN placeholder).
   */
  localAddresses: Record<string, string[]> | null;
}

export interface Agent {
  class: 'ocf' | 'lsb' | 'systemd' | 'stonith';
  /** ocf only. */
  provider?: string;
  type: string;
}

export interface Op {
  name: 'start' | 'stop' | 'monitor';
  interval: string;
  timeout: string;
}

export interface Primitive {
  id: string;
  /** The haresources resource it came from (`IPaddr::10.0.0.10/24/eth0`). */
  source: string;
  agent: Agent;
  params: [string, string][];
  ops: Op[];
  meta: [string, string][];
  /** What did not translate one to one; printed next to the primitive and as warnings. */
  notes: string[];
}

export interface Group {
  id: string;
  /** haresources group key and the line it came from. */
  key: string;
  origin: string;
  preferredNode: string;
  members: Primitive[];
}

export interface Link {
  number: number;
  dev: string;
  /** The ha.cf media lines this link replaces, e.g. `ucast eth1 192.168.50.2 (ha.cf:3)`. */
  from: string[];
  /** Address of each node on this link; null = unknown (a FILL IN placeholder). */
  addresses: Record<string, string | null>;
  notes: string[];
}

export interface PingPlan {
  primitiveId: string;
  cloneId: string;
  hosts: string[];
  /** Location constraints keeping every group off a node that reaches no ping host. */
  ruleIds: { group: string; id: string }[];
  notes: string[];
}

export interface PacemakerPlan {
  clusterName: string;
  dir: string;
  nodes: [string, string];
  links: Link[];
  /** Media that do not become knet links (serial lines, links past knet's 8). */
  dropped: string[];
  /** twinbeat settings with no place in the CIB, named at its top. */
  unmapped: string[];
  totem: { tokenMs: number; deadtimeMs: number; udpport: number; authMethod: string; signIndex: number };
  logging: { facility: string | null; debug: boolean };
  stickiness: { value: number; why: string };
  /** Score of the location preference for a group's haresources node. */
  preferenceScore: number;
  groups: Group[];
  locationIds: Map<string, string>;
  ping: PingPlan | null;
  fencing: { placeholderId: string; placeholderType: string; hook: string | null };
  warnings: string[];
}

/** Location preference for the haresources node; the Heartbeat converter (haresources2cib.py) used 100. */
export const preferenceScore = 100;
/**
 * auto_failback off: a finite stickiness well above the preference (even for a group of one
 * resource; a group's stickiness is the sum of its members'), so nothing moves back on its own,
 * while `crm_resource --move` / `pcs resource move` (an INFINITY preference), standby and bans
 * still win. INFINITY would tie with a move's INFINITY and the group would stay put
 * (test/unit/cli/export/simulate.test.ts shows both).
 */
export const stayPutStickiness = 1000;
/** Corosync's default token since 3.1.0 (ANCHORS §1); shorter is discouraged upstream. */
export const minimumTokenMs = 3000;
/** knet's link limit (KNET_MAX_LINK). */
export const maxKnetLinks = 8;

/** IDs the renderers write as they are; no generated ID may take them. */
export const fixedIds = ['cib-bootstrap-options', 'cib-bootstrap-options-stonith-enabled', 'rsc-options', 'rsc-options-resource-stickiness'];

const hostnameLike = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const agentType = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;
const paramName = /^[A-Za-z_][A-Za-z0-9_]*$/;
const clusterNameRule = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Heartbeat resource.d wrappers that call an OCF agent of the same name, with the OCF parameter
 * each positional argument fills (the order Heartbeat's haresources2cib.py used).
 */
const heartbeatWrappers: Record<string, string[]> = {
  Filesystem: ['device', 'directory', 'fstype', 'options'],
  Delay: ['startdelay', 'stopdelay', 'mondelay'],
  MailTo: ['email', 'subject'],
  IPsrcaddr: ['ipaddress'],
  Xinetd: ['service'],
  apache: ['configfile'],
  portblock: ['protocol', 'portno', 'action'],
  LVM: ['volgrpname'],
  Raid1: ['raidconf', 'raiddev'],
  // twinbeat's own template: its NAME argument has no OCF parameter (the state file is per resource).
  Dummy: [],
};
const ipScripts = new Set(['IPaddr', 'IPaddr2', 'IPv6addr']);

export function planPacemaker(input: PlanInput): PacemakerPlan {
  const c = input.config;
  if (!clusterNameRule.test(input.clusterName)) {
    throw new ExportRefused(`cluster name ${JSON.stringify(input.clusterName)}: expected 1-32 letters, digits, _ or -`);
  }
  for (const node of c.nodes) {
    if (!hostnameLike.test(node)) throw new ExportRefused(`node name ${JSON.stringify(node)} cannot be a corosync/Pacemaker node name (expected a host name: letters, digits, . _ -)`);
  }
  const warnings: string[] = [];
  const ids = new IdAllocator();
  for (const id of fixedIds) ids.reserve(id);
  const fencing = { placeholderId: ids.take('fence-CONFIGURE-ME'), placeholderType: 'fence_CONFIGURE_ME', hook: c.ext.hooks['fence'] ?? null };
  warnings.push(
    `fencing is a placeholder: ${fencing.placeholderId} (stonith:${fencing.placeholderType}) cannot fence anything, so after a node failure Pacemaker will NOT recover its resources until you configure a real fence device for each node`,
  );

  const { links, dropped } = planLinks(c, input.localAddresses);
  for (const l of links) {
    for (const node of c.nodes) if (l.addresses[node] === null) warnings.push(`corosync.conf: fill in ${node}'s address on link ${l.number} (${l.dev})`);
  }
  for (const d of dropped) warnings.push(`not carried over: ${d}`);
  if (links.length === 0) warnings.push('ha.cf has no UDP medium: corosync.conf has no link addresses; add one network per link before starting corosync');

  const unmapped = Object.entries(c.ext.hooks)
    .filter(([kind]) => kind !== 'fence')
    .map(([kind, path]) => `tb_hook ${kind} ${path}: Pacemaker runs no hooks; alerts (pcs alert create) are the nearest`);
  warnings.push(...unmapped.map((u) => `not carried over: ${u}`));

  const timing = { start: msText(c.ext.startTimeoutMs), stop: msText(c.ext.stopTimeoutMs) };
  const groups: Group[] = c.groups.map((g) => {
    const members = g.resources.map((r) => planPrimitive(r, c, ids, timing));
    const id = ids.take(`group-${members[0]!.id}`);
    for (const m of members) for (const n of m.notes) warnings.push(`${m.id}: ${n}`);
    return { id, key: g.key, origin: formatOrigin(g.origin, c.dir), preferredNode: g.owner, members };
  });
  const locationIds = new Map(groups.map((g) => [g.id, ids.take(`location-${g.id}-prefers-${g.preferredNode}`)]));

  const ping = planPing(c, groups, ids);
  const off = c.autoFailback === 'off';
  const stickiness = off
    ? { value: stayPutStickiness, why: `auto_failback off: groups stay where they run (stickiness ${stayPutStickiness} > preference ${preferenceScore}) until a failure, standby or move; finite so that pcs resource move still wins` }
    : { value: 0, why: `auto_failback ${c.autoFailback}: groups go back to their haresources node (preference ${preferenceScore}) when it returns` };

  return {
    clusterName: input.clusterName,
    dir: c.dir,
    nodes: c.nodes,
    links,
    dropped,
    unmapped,
    totem: {
      tokenMs: Math.max(minimumTokenMs, Math.round(c.deadtimeMs / 2.2)),
      deadtimeMs: c.deadtimeMs,
      udpport: c.udpport,
      authMethod: c.auth.keys.find((k) => k.index === c.auth.signIndex)?.method ?? 'unknown',
      signIndex: c.auth.signIndex,
    },
    logging: { facility: c.logfacility, debug: c.debug > 0 },
    stickiness,
    preferenceScore,
    groups,
    locationIds,
    ping,
    fencing,
    warnings,
  };
}

/** Milliseconds as Pacemaker writes intervals: whole seconds as `Ns`, anything else as `Nms`. */
export function msText(ms: number): string {
  const whole = Math.round(ms);
  return whole % 1000 === 0 ? `${whole / 1000}s` : `${whole}ms`;
}

/** One knet link per interface that carries UDP heartbeats, with what ha.cf says about addresses. */
function planLinks(c: Config, local: Record<string, string[]> | null): { links: Link[]; dropped: string[] } {
  const byDev = new Map<string, { from: string[]; ucast: string[]; notes: string[] }>();
  const dropped: string[] = [];
  const where = (m: Medium) => formatOrigin(m.origin, c.dir);
  for (const m of c.media) {
    if (m.kind === 'serial') {
      dropped.push(`serial ${m.device} (${where(m)}): corosync has no serial medium; give the pair a second network link instead (knet carries up to ${maxKnetLinks})`);
      continue;
    }
    const entry = byDev.get(m.dev) ?? { from: [], ucast: [], notes: [] };
    byDev.set(m.dev, entry);
    if (m.kind === 'ucast') {
      entry.from.push(`ucast ${m.dev} ${m.peer} (${where(m)})`);
      entry.ucast.push(m.peer);
    } else if (m.kind === 'bcast') {
      entry.from.push(`bcast ${m.dev} (${where(m)})`);
    } else {
      entry.from.push(`mcast ${m.dev} ${m.group} ${m.port} (${where(m)})`);
      entry.notes.push(`multicast group ${m.group}:${m.port} not carried over: knet links are unicast between the node addresses`);
    }
  }
  const localAll = new Set(Object.values(local ?? {}).flat());
  const links: Link[] = [];
  for (const [dev, entry] of byDev) {
    if (links.length === maxKnetLinks) {
      dropped.push(`${entry.from.join(', ')}: knet carries at most ${maxKnetLinks} links`);
      continue;
    }
    const notes = [...entry.notes];
    const ucastSelf = entry.ucast.filter((a) => localAll.has(a));
    const ucastPeer = entry.ucast.filter((a) => !localAll.has(a));
    let self: string | null = ucastSelf[0] ?? local?.[dev]?.[0] ?? null;
    let peer: string | null = ucastPeer.length === 1 || (ucastPeer.length > 1 && ucastSelf.length > 0) ? ucastPeer[0]! : null;
    if (local === null && entry.ucast.length === 2) {
      // The usual identical ha.cf names both nodes' addresses; without this host's interfaces
      // there is no telling which is whose.
      notes.push(`ucast names ${entry.ucast.join(' and ')}: one is each node's; run the export on ${c.self} itself to sort them out`);
      self = null;
      peer = null;
    } else if (ucastPeer.length > 1) {
      notes.push(`ucast names several peer addresses (${ucastPeer.join(', ')}); ${peer ? `used ${peer}` : 'none used'}`);
    }
    if (!ucastSelf[0] && (local?.[dev]?.length ?? 0) > 1) notes.push(`${c.self} has several addresses on ${dev} (${local![dev]!.join(', ')}); used the first`);
    links.push({ number: links.length, dev, from: entry.from, addresses: { [c.self]: self, [c.peer]: peer }, notes });
  }
  return { links, dropped };
}

function planPrimitive(r: ResourceSpec, c: Config, ids: IdAllocator, timing: { start: string; stop: string }): Primitive {
  if (!agentType.test(agentTypeOf(r.script).replace(/[@:\\]/g, '_'))) throw new ExportRefused(`resource ${JSON.stringify(r.id)}: script name ${JSON.stringify(r.script)} cannot be an agent type`);
  const notes: string[] = [];
  const mapped = mapAgent(r, notes, c);
  const id = ids.take(primitiveIdFor(r));
  const ops: Op[] = [
    { name: 'start', interval: '0s', timeout: timing.start },
    { name: 'stop', interval: '0s', timeout: timing.stop },
  ];
  const meta: [string, string][] = [];
  const monitor = c.ext.monitors[r.id];
  if (monitor) {
    ops.push({ name: 'monitor', interval: msText(monitor.intervalMs), timeout: msText(monitor.timeoutMs) });
    // twinbeat restarts in place `restarts` times, then gives the group to the peer.
    meta.push(['migration-threshold', String(monitor.restarts + 1)]);
    if (monitor.failures > 1) notes.push(`tb_monitor failures=${monitor.failures}: Pacemaker acts on the first failed monitor (no consecutive-failure count)`);
  }
  return { id, source: r.id, agent: mapped.agent, params: mapped.params, ops, meta, notes };
}

function mapAgent(r: ResourceSpec, notes: string[], c: Config): { agent: Agent; params: [string, string][] } {
  const explicitOcf = /^ocf:([^:]*):(.+)$/.exec(r.script);
  if (explicitOcf) return { agent: { class: 'ocf', provider: explicitOcf[1] || 'heartbeat', type: explicitOcf[2]! }, params: ocfParams(r.args) };
  if (ipScripts.has(r.script)) return { agent: { class: 'ocf', provider: 'heartbeat', type: 'IPaddr2' }, params: ipParams(r, c) };
  const wrapper = heartbeatWrappers[r.script];
  if (r.class === 'heartbeat' && wrapper) {
    const params: [string, string][] = [];
    r.args.forEach((arg, i) => {
      const name = wrapper[i];
      if (name) params.push([name, arg]);
      else notes.push(`argument ${JSON.stringify(arg)} has no ocf:heartbeat:${r.script} parameter: not carried over`);
    });
    return { agent: { class: 'ocf', provider: 'heartbeat', type: r.script }, params };
  }
  switch (r.class) {
    case 'systemd':
      // The same class in Pacemaker: systemd:UNIT, started and stopped through systemd.
      return { agent: { class: 'systemd', type: agentTypeOf(r.script) }, params: [] };
    case 'ocf': {
      const installed = /^\/usr\/lib\/ocf\/resource\.d\/([^/]+)\/[^/]+$/.exec(r.path);
      if (!installed) notes.push(`install ${r.path} as /usr/lib/ocf/resource.d/heartbeat/${r.script} on both nodes (or under a provider of your own and change the provider)`);
      return { agent: { class: 'ocf', provider: installed?.[1] ?? 'heartbeat', type: r.script }, params: ocfParams(r.args) };
    }
    case 'lsb':
      if (r.args.length > 0) notes.push(`LSB scripts take no arguments: ${r.args.join(' ')} not carried over`);
      return { agent: { class: 'lsb', type: r.script }, params: [] };
    default:
      // A Heartbeat-class script (script ARGS ACTION, status read from stdout): Pacemaker's
      // nearest class is lsb, which reads status from the exit code.
      notes.push(
        `heartbeat-class script ${r.path} runs as lsb:${r.script}: install it as /etc/init.d/${r.script} on both nodes; its status must exit 0 when running and 3 when stopped` +
          (r.args.length > 0 ? `; its arguments (${r.args.join(' ')}) are not passed: put them in the script or write an OCF agent` : ''),
      );
      return { agent: { class: 'lsb', type: r.script }, params: [] };
  }
}

/** `name=value` arguments become OCF parameters; bare ones argN, as twinbeat passes them. */
function ocfParams(args: string[]): [string, string][] {
  return args.map((arg, i): [string, string] => {
    const m = /^([^=]*)=(.*)$/s.exec(arg);
    if (m && paramName.test(m[1]!)) return [m[1]!, m[2]!];
    return [`arg${i + 1}`, arg];
  });
}

/** `IP[/CIDR[/NIC[:LABEL][/BROADCAST]]]` → IPaddr2's ip, cidr_netmask, nic, iflabel, broadcast. */
function ipParams(r: ResourceSpec, c: Config): [string, string][] {
  const spec = r.args.join('::');
  // An IPv6 address has colons but no dots before the first slash; IPv4 fields split on '/'.
  const [ip, mask, nicField, broadcast] = spec.split('/');
  const params: [string, string][] = [['ip', ip ?? '']];
  if (mask) params.push(['cidr_netmask', mask]);
  if (nicField) {
    const [nic, label] = nicField.split(':');
    params.push(['nic', nic!]);
    if (label) params.push(['iflabel', label]);
  }
  if (broadcast) params.push(['broadcast', broadcast]);
  params.push(['arp_count', String(c.ext.arpCount)], ['arp_interval', String(Math.round(c.ext.arpIntervalMs))]);
  // tb_dad_timeout's duplicate-address probe is IPaddr2's run_arping (arping -D, its own wait).
  if (c.ext.dadTimeoutMs > 0 && !ip?.includes(':')) params.push(['run_arping', 'true']);
  return params;
}

/** A readable XML ID from the haresources resource: `ip-10.0.0.10`, `Dummy_web`, `apache2`. */
function primitiveIdFor(r: ResourceSpec): string {
  if (ipScripts.has(r.script)) return `ip-${r.args.join('::').split('/')[0]}`;
  return [agentTypeOf(r.script), ...r.args].join('_');
}

/** The type part of a prefixed name (`ocf:heartbeat:IPaddr2` → IPaddr2, `systemd:nginx.service` → nginx.service). */
function agentTypeOf(script: string): string {
  return script.replace(/^ocf:[^:]*:/, '').replace(/^systemd:/, '');
}

/** Unique, schema-valid IDs (xsd:ID, and what pcs accepts): letters, digits, _ . - ; a letter or _ first. */
export class IdAllocator {
  private readonly used = new Set<string>();

  reserve(id: string): void {
    this.used.add(id);
  }

  take(wanted: string): string {
    let base = wanted.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/_{2,}/g, '_').replace(/^[_.-]+|[_.-]+$/g, '').slice(0, 60);
    if (!/^[A-Za-z_]/.test(base)) base = `r_${base}`;
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}-${n}`;
    this.used.add(id);
    return id;
  }
}

function planPing(c: Config, groups: Group[], ids: IdAllocator): PingPlan | null {
  const hosts = [...c.ping, ...c.pingGroups.flatMap((g) => g.addresses)];
  if (hosts.length === 0) return null;
  const notes: string[] = [
    'twinbeat asks its ping nodes only when the peer is declared dead; ocf:pacemaker:ping checks them all the time, so a node that loses its uplink also hands its groups over while the peer is fine (Heartbeat ipfail behaviour)',
  ];
  if (c.pingGroups.length > 0) notes.push(`ping_group ${c.pingGroups.map((g) => g.name).join(', ')}: their addresses are single ping hosts here (ping counts each reachable host; any one keeps the node eligible, as a group did)`);
  const primitiveId = ids.take('ping');
  return { primitiveId, cloneId: ids.take(`${primitiveId}-clone`), hosts, ruleIds: groups.map((g) => ({ group: g.id, id: ids.take(`location-${g.id}-connected`) })), notes };
}
