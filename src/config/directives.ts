// The ha.cf directive table (the shape of Heartbeat's config.c `Directives[]`): one entry per
// directive with its parser, default, whether it may repeat, what twinbeat does with it, and the
// text the docs are generated from. Parsers only record values; defaults and cross-field rules
// are applied after the whole file is read (validate.ts), so directive order never matters.
import { parseDuration, durationExpectation, formatDuration } from './duration.js';
import { shown } from './errors.js';

export interface Place {
  file: string;
  line: number;
}

export interface Setting<T> {
  value: T;
  origin: Place;
}

export interface MonitorSpec {
  id: string;
  intervalMs: number;
  timeoutMs: number;
  failures: number;
  restarts: number;
}

/** What ha.cf said, before defaults: each value with the line it came from. */
export interface HaCfValues {
  nodes: Setting<string>[];
  keepalive?: Setting<number>;
  deadtime?: Setting<number>;
  warntime?: Setting<number>;
  initdead?: Setting<number>;
  deadping?: Setting<number>;
  udpport?: Setting<number>;
  baud?: Setting<number>;
  bcast: Setting<string>[];
  /** `peer` as written: an IPv4 address, or a host name load.ts resolves (then `host` keeps the name). */
  ucast: Setting<{ dev: string; peer: string; host?: string }>[];
  mcast: Setting<{ dev: string; group: string; port: number; ttl: number; loop: boolean }>[];
  serial: Setting<string>[];
  autoFailback?: Setting<'on' | 'off' | 'legacy'>;
  /** Heartbeat's obsolete nice_failback; validate.ts maps it onto auto_failback as Heartbeat does. */
  niceFailback?: Setting<boolean>;
  logfile?: Setting<string>;
  debugfile?: Setting<string>;
  logfacility?: Setting<string | null>;
  debug?: Setting<number>;
  /** Addresses or host names as written; load.ts resolves the names (hostNames records them). */
  ping: Setting<string>[];
  pingGroups: Setting<{ name: string; addresses: string[] }>[];
  monitors: Setting<MonitorSpec>[];
  hooks: Setting<{ kind: TbHookKind; path: string }>[];
  /** `env NAME=VALUE`: exported to scripts as HA_NAME (Heartbeat config.c set_env). */
  env: Setting<{ name: string; value: string }>[];
  /** `respawn USER …/ipfail …` as written: turns uplink tracking on (src/core/uplink.ts). */
  ipfail?: Setting<string>;
  /** tb_track_interface: interfaces whose link state counts in the uplink score. */
  trackInterfaces: Setting<string>[];
  startTimeout?: Setting<number>;
  stopTimeout?: Setting<number>;
  notifyTimeout?: Setting<number>;
  statusTimeout?: Setting<number>;
  arpCount?: Setting<number>;
  arpInterval?: Setting<number>;
  dadTimeout?: Setting<number>;
  realtime?: Setting<boolean>;
  rtprio?: Setting<number>;
  controlSocket?: Setting<string>;
  controlGroup?: Setting<string | null>;
  statusGroup?: Setting<string | null>;
  stateFile?: Setting<string>;
  pidFile?: Setting<string>;
  metricsPort?: Setting<number>;
  metricsAddress?: Setting<string>;
}

export function emptyValues(): HaCfValues {
  return { nodes: [], bcast: [], ucast: [], mcast: [], serial: [], ping: [], pingGroups: [], monitors: [], hooks: [], env: [], trackInterfaces: [] };
}

/** Bounds of an `env` line's NAME and VALUE (Heartbeat's MAXLINE is 512 bytes for both). */
export const ENV_LIMITS = { nameLength: 64, valueBytes: 511 } as const;
/**
 * The HA_ variables the daemon sets for every script itself (src/resources/environment.ts), so
 * an `env` line cannot change them: Heartbeat set these after reading ha.cf, overwriting any.
 */
export const DAEMON_SET_HA_NAMES: readonly string[] = ['CURHOST', 'DIR', 'FUNCS', 'DATEFMT', 'LOGFILE', 'DEBUGLOG', 'LOGFACILITY', 'LOGD', 'debug', 'NICEFAILBACK'];

/**
 * The kinds `tb_hook` accepts: the core's hook kinds (kept equal by test/unit/core/vocabulary.test.ts)
 * plus `notify`, keepalived's generic notify script, which the edge runs beside every
 * master/backup/fault/stop notification (src/daemon/actions.ts).
 */
export const tbHookKinds = ['fence', 'escalate', 'local-failure', 'remote-failure', 'master', 'backup', 'fault', 'stop', 'notify'] as const;
export type TbHookKind = (typeof tbHookKinds)[number];

export const standardBauds = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800];

export interface DirectiveContext {
  values: HaCfValues;
  origin: Place;
  /** Record a problem with this line; the directive name is filled in by the caller. */
  error(expected: string, got: string, hint?: string): void;
  notice(message: string): void;
}

export type DirectiveKind = 'acted' | 'accepted-notice' | 'extension';

/**
 * A safety role Heartbeat took on for this directive and twinbeat does not: what the operator
 * loses and what takes its place. `program` limits it to lines running that program (respawn).
 */
export interface LostProtection {
  program?: string;
  lost: string;
  instead: string;
}

export interface Directive {
  name: string;
  kind: DirectiveKind;
  repeatable: boolean;
  /** Default as documented; '—' when there is none. Derived from `fallbacks` where it has them. */
  default: string;
  /**
   * The values used for the fields this directive sets when ha.cf does not: the one place a
   * default lives (validate, `check`, the CLI's runtime paths and the docs read it from here).
   */
  fallbacks?: Fallbacks;
  /** Syntax of the value, for docs. */
  syntax: string;
  /** What the directive means and what twinbeat does with it. */
  doc: string;
  /**
   * `tokens`: the value is split on blanks and commas and each token applied separately (like
   * Heartbeat's list directives: `node a b` adds two); `line`: the words of the whole line.
   */
  shape: 'tokens' | 'line';
  /** Each line matching one of these is a warning (`check --strict` fails) instead of a notice. */
  warnings?: readonly LostProtection[];
  apply(words: string[], ctx: DirectiveContext): void;
}

/** The protections a line of `directive` gives up (none for most lines). */
export function lostProtections(directive: Directive, words: string[]): LostProtection[] {
  // respawn/failfast: USER PATH [ARGS]; the program is PATH's last component.
  const program = words[1]?.split('/').pop();
  return (directive.warnings ?? []).filter((w) => w.program === undefined || w.program === program);
}

// ---- value parsers: each returns the value or records an error and returns undefined ----------

function single(words: string[], ctx: DirectiveContext, expected: string): string | undefined {
  if (words.length === 1) return words[0]!;
  ctx.error(`one value (${expected})`, words.length === 0 ? 'nothing' : shown(words.join(' ')));
  return undefined;
}

/** A group name for a socket (tb_control_group, tb_status_group), or `none`: root only. */
function groupName(words: string[], ctx: DirectiveContext): string | null | undefined {
  const word = single(words, ctx, 'a group name or none');
  if (word === undefined) return undefined;
  if (word === 'none') return null;
  if (!/^[a-z_][a-z0-9_-]*\$?$/i.test(word)) {
    ctx.error('a group name or none', shown(word));
    return undefined;
  }
  return word;
}

const trueWords = ['true', 'on', 'yes', 'y', '1'];
const falseWords = ['false', 'off', 'no', 'n', '0'];

export function parseBoolean(text: string): boolean | undefined {
  const lower = text.toLowerCase();
  if (trueWords.includes(lower)) return true;
  if (falseWords.includes(lower)) return false;
  return undefined;
}

function bool(words: string[], ctx: DirectiveContext): boolean | undefined {
  const expected = 'on or off (also true/false, yes/no, y/n, 1/0)';
  const word = single(words, ctx, expected);
  if (word === undefined) return undefined;
  const flag = parseBoolean(word);
  if (flag === undefined) ctx.error(expected, shown(word));
  return flag;
}

function integer(words: string[], ctx: DirectiveContext, min: number, max: number): number | undefined {
  const expected = `an integer from ${min} to ${max}`;
  const word = single(words, ctx, expected);
  if (word === undefined) return undefined;
  if (!/^\d+$/.test(word) || Number(word) < min || Number(word) > max) {
    ctx.error(expected, shown(word));
    return undefined;
  }
  return Number(word);
}

function duration(words: string[], ctx: DirectiveContext, allowZero = false): number | undefined {
  const word = single(words, ctx, durationExpectation);
  if (word === undefined) return undefined;
  const parsed = parseDuration(word);
  if (!parsed.ok) {
    ctx.error(parsed.expected, shown(word));
    return undefined;
  }
  if (parsed.ms <= 0 && !allowZero) {
    ctx.error('a duration greater than zero', shown(word));
    return undefined;
  }
  return parsed.ms;
}

function oneOf<T extends string>(words: string[], ctx: DirectiveContext, choices: readonly T[], caseSensitive = false): T | undefined {
  const expected = choices.join(' or ');
  const word = single(words, ctx, expected);
  if (word === undefined) return undefined;
  const found = choices.find((c) => (caseSensitive ? c === word : c === word.toLowerCase()));
  if (!found) ctx.error(expected, shown(word));
  return found;
}

function absolutePath(words: string[], ctx: DirectiveContext): string | undefined {
  const word = single(words, ctx, 'an absolute path');
  if (word === undefined) return undefined;
  if (!word.startsWith('/')) {
    ctx.error('an absolute path', shown(word));
    return undefined;
  }
  if (Buffer.byteLength(word) > longestPath) {
    ctx.error(`an absolute path of at most ${longestPath} bytes`, shown(word));
    return undefined;
  }
  return word;
}

/** PATH_MAX less its terminating NUL: the kernel refuses anything longer. */
const longestPath = 4095;

function atLeast(words: string[], ctx: DirectiveContext, n: number, expected: string): boolean {
  if (words.length >= n) return true;
  ctx.error(expected, words.length === 0 ? 'nothing' : shown(words.join(' ')));
  return false;
}

export function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

/**
 * A DNS or /etc/hosts name (RFC 1123 labels; `_` tolerated as glibc does). Digits and dots only
 * are never a name, so a mistyped address (10.0.0.300) is reported as an address.
 */
export function isHostName(text: string): boolean {
  if (text.length > 253 || /^[\d.]+$/.test(text)) return false;
  return text.split('.').every((label) => /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/.test(label));
}

const addressOrName = 'an IPv4 address or a host name';

/** An address or a host name as written (load.ts resolves names); undefined after an error. */
function hostOrAddress(word: string, ctx: DirectiveContext): string | undefined {
  if (isIPv4(word) || isHostName(word)) return word;
  ctx.error(addressOrName, shown(word));
  return undefined;
}

const interfaceName = /^[A-Za-z0-9_.:@-]{1,15}$/;

function device(word: string, ctx: DirectiveContext): boolean {
  if (interfaceName.test(word)) return true;
  ctx.error('a network interface name', shown(word));
  return false;
}

const syslogFacilities = [
  'auth', 'authpriv', 'cron', 'daemon', 'ftp', 'kern', 'lpr', 'mail', 'news', 'syslog', 'user', 'uucp',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
];

/** Set a single-valued field; a second line for it is an error naming the first. */
function setOnce<K extends ScalarKey>(ctx: DirectiveContext, key: K, value: ValueOf<K>, got: string): void {
  const previous = ctx.values[key] as Setting<unknown> | undefined;
  if (previous) {
    ctx.error(`a single value (already set at ${previous.origin.file}:${previous.origin.line})`, shown(got));
    return;
  }
  (ctx.values[key] as Setting<unknown>) = { value, origin: ctx.origin };
}

// ---- the table ---------------------------------------------------------------------------------

type Spec = Omit<Directive, 'repeatable' | 'shape'> & Partial<Pick<Directive, 'repeatable' | 'shape'>>;

function entry(spec: Spec): Directive {
  return { repeatable: false, shape: 'line', ...spec };
}

/** A field of HaCfValues set by one line (not a list), and the type of its value. */
export type ScalarKey = { [K in keyof HaCfValues]-?: HaCfValues[K] extends unknown[] ? never : K }[keyof HaCfValues];
export type ValueOf<K extends ScalarKey> = NonNullable<HaCfValues[K]> extends Setting<infer T> ? T : never;
export type Fallbacks = { [K in ScalarKey]?: ValueOf<K> };

/** How a default is written in ha.cf: on/off, none, or as is (durations pass formatDuration). */
function writtenAs(value: unknown): string {
  if (value === null) return 'none';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return String(value);
}

interface ScalarSpec<T> extends Omit<Spec, 'apply' | 'default'> {
  /** The value when ha.cf does not set it; omitted when the default is derived (write `default`). */
  fallback?: T;
  /** How the fallback is written in the docs (default: writtenAs). */
  show?: (value: T) => string;
  /** Added after the written fallback in the docs, e.g. `(midpoint)`. */
  defaultNote?: string;
  /** Documented default when there is no fixed fallback (derived from other settings, or none). */
  default?: string;
}

/** A scalar directive whose value lands in one HaCfValues field. */
function scalar<K extends ScalarKey>(
  spec: ScalarSpec<ValueOf<K>>,
  key: K,
  parse: (words: string[], ctx: DirectiveContext) => ValueOf<K> | undefined,
): Directive {
  const { fallback, show = writtenAs, defaultNote, default: documented, ...rest } = spec;
  const fixed = fallback !== undefined;
  const written = fixed ? `${show(fallback)}${defaultNote ? ` ${defaultNote}` : ''}` : (documented ?? '—');
  return entry({
    ...rest,
    default: written,
    ...(fixed ? { fallbacks: { [key]: fallback } as Fallbacks } : {}),
    apply(words, ctx) {
      const value = parse(words, ctx);
      if (value !== undefined) setOnce(ctx, key, value, words.join(' '));
    },
  });
}

/** A Heartbeat directive twinbeat accepts but does not act on; `check` validates its shape only. */
function ignored(name: string, syntax: string, def: string, doc: string, check: (words: string[], ctx: DirectiveContext) => unknown, repeatable = false): Directive {
  return entry({ name, kind: 'accepted-notice', syntax, default: def, doc, repeatable, apply: (words, ctx) => void check(words, ctx) });
}

const anyWords = (n: number, expected: string) => (words: string[], ctx: DirectiveContext) => atLeast(words, ctx, n, expected);

/** respawn USER PATH [ARGS]: a line running ipfail turns uplink tracking on; others are only checked. */
function respawn(words: string[], ctx: DirectiveContext): void {
  if (!atLeast(words, ctx, 2, 'USER PATH [ARGS]')) return;
  if (words[1]!.split('/').pop() !== 'ipfail') return;
  const earlier = ctx.values.ipfail;
  if (earlier) return ctx.error(`one respawn of ipfail (already at ${earlier.origin.file}:${earlier.origin.line})`, shown(words.join(' ')));
  ctx.values.ipfail = { value: words.join(' '), origin: ctx.origin };
  ctx.notice('ipfail is not run: twinbeat\'s built-in uplink tracking replaces it (ping nodes and tb_track_interface counted against the peer\'s, deadping, see ping)');
}

function broadcastOn(words: string[], ctx: DirectiveContext): void {
  const dev = single(words, ctx, 'an interface name');
  if (dev !== undefined && device(dev, ctx)) ctx.values.bcast.push({ value: dev, origin: ctx.origin });
}

/** tb_monitor's option defaults (the syntax line documents them). */
const monitorFallbacks: Omit<MonitorSpec, 'id'> = { intervalMs: 5000, timeoutMs: 10000, failures: 3, restarts: 1 };
const monitorSyntax =
  `RESOURCE-ID [interval=${formatDuration(monitorFallbacks.intervalMs)}] [timeout=${formatDuration(monitorFallbacks.timeoutMs)}]` +
  ` [failures=${monitorFallbacks.failures}] [restarts=${monitorFallbacks.restarts}]`;

/** tb_metrics_port's defaults: off, and loopback when a port is given without an address. */
const metricsFallbacks: Fallbacks = { metricsPort: 0, metricsAddress: '127.0.0.1' };

function monitor(words: string[], ctx: DirectiveContext): void {
  const [id, ...options] = words;
  if (id === undefined) {
    ctx.error(monitorSyntax, 'nothing');
    return;
  }
  const spec: MonitorSpec = { id, ...monitorFallbacks };
  let ok = true;
  for (const option of options) {
    const match = /^(interval|timeout|failures|restarts)=(.*)$/.exec(option);
    if (!match) {
      ctx.error('interval=, timeout=, failures= or restarts=', shown(option));
      ok = false;
      continue;
    }
    const [, key, value] = match as unknown as [string, 'interval' | 'timeout' | 'failures' | 'restarts', string];
    if (key === 'interval' || key === 'timeout') {
      const dur = parseDuration(value);
      if (!dur.ok || dur.ms <= 0) {
        ctx.error(`${key}= ${durationExpectation} greater than zero`, shown(value));
        ok = false;
      } else spec[key === 'interval' ? 'intervalMs' : 'timeoutMs'] = dur.ms;
    } else if (!/^\d+$/.test(value) || Number(value) > 1000 || (key === 'failures' && Number(value) < 1)) {
      ctx.error(`${key}= an integer from ${key === 'failures' ? 1 : 0} to 1000`, shown(value));
      ok = false;
    } else spec[key] = Number(value);
  }
  const earlier = ctx.values.monitors.find((m) => m.value.id === id);
  if (earlier) {
    ctx.error(`one tb_monitor line per resource (${id} already at ${earlier.origin.file}:${earlier.origin.line})`, shown(words.join(' ')));
    return;
  }
  if (ok) ctx.values.monitors.push({ value: spec, origin: ctx.origin });
}

// ---- protections Heartbeat gave and twinbeat does not (warnings; README "Migrating from Heartbeat v1") ----

const stonithLost: LostProtection = {
  lost: 'not acted on: twinbeat drives no STONITH device, so before a takeover nobody powers off a peer that is hung rather than dead, and both nodes may hold the IP and write to shared storage.',
  instead: 'a tb_hook fence script that powers off the peer (for example cluster-glue\'s stonith(8) with this device\'s type and parameters, or a fence_* agent) and exits 0 only when it is off; nothing starts until it does.',
};

const watchdogLost: LostProtection = {
  lost: 'not acted on: twinbeat does not feed the kernel watchdog, so a hung daemon no longer reboots this node.',
  instead: 'systemd\'s watchdog: WatchdogSec= in the twinbeat unit restarts a daemon that stops answering (a restart, not a reboot); leave the device to systemd\'s RuntimeWatchdogSec= (system.conf), which reboots the machine if systemd itself hangs.',
};

const dopdLost: LostProtection = {
  program: 'dopd',
  lost: 'dopd is not run: DRBD\'s fence-peer handler drbd-peer-outdater, which asks dopd to outdate the peer\'s disk, fails, so a node with stale data can be promoted.',
  instead: 'nothing in twinbeat: point DRBD\'s fence-peer handler at a script that outdates the peer without Heartbeat (for example drbdadm outdate over ssh), or accept the risk knowingly.',
};

export const directives: readonly Directive[] = [
  // ---- acted on: membership and timing ----
  entry({
    name: 'node', kind: 'acted', repeatable: true, shape: 'tokens', syntax: 'NAME [NAME]', default: '— (required)',
    doc: 'A cluster member, lower-cased like Heartbeat. twinbeat needs exactly two, one of them this node (--node, else the first line of nodeinfo in the configuration directory, else uname -n).',
    apply(words, ctx) {
      const name = single(words, ctx, 'a node name');
      if (name === undefined) return;
      const lower = name.toLowerCase();
      // 64: the longest name uname -n can return (HOST_NAME_MAX).
      if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(lower)) return ctx.error('a node name (letters, digits, ., _, -; at most 64)', shown(name));
      const earlier = ctx.values.nodes.find((n) => n.value === lower);
      if (earlier) return ctx.error(`a node not listed before (${lower} already at ${earlier.origin.file}:${earlier.origin.line})`, shown(name));
      ctx.values.nodes.push({ value: lower, origin: ctx.origin });
    },
  }),
  scalar({ name: 'keepalive', kind: 'acted', syntax: 'TIME', fallback: 1000, show: formatDuration, doc: 'Interval between heartbeats on every medium.' }, 'keepalive', (words, ctx) => duration(words, ctx)),
  scalar({ name: 'deadtime', kind: 'acted', syntax: 'TIME', fallback: 30000, show: formatDuration, doc: 'Silence on all media after which the peer is declared dead and its resources taken over. Must exceed 2 × keepalive.' }, 'deadtime', (words, ctx) => duration(words, ctx)),
  scalar({ name: 'warntime', kind: 'acted', syntax: 'TIME', default: 'deadtime / 2', doc: 'A gap between two heartbeats longer than this logs a "late heartbeat" warning. Must be less than deadtime.' }, 'warntime', (words, ctx) => duration(words, ctx)),
  scalar({ name: 'initdead', kind: 'acted', syntax: 'TIME', default: 'deadtime if > 10s, 12s if < 6s, else 2 × deadtime', doc: 'Dead time used at start-up, before the peer was first heard. Must be at least deadtime.' }, 'initdead', (words, ctx) => duration(words, ctx)),
  // ---- acted on: media ----
  scalar({ name: 'udpport', kind: 'acted', syntax: 'PORT', fallback: 694, doc: 'UDP port for bcast and ucast (applies wherever it appears in the file).' }, 'udpport', (words, ctx) => integer(words, ctx, 1, 65535)),
  entry({
    name: 'bcast', kind: 'acted', repeatable: true, shape: 'tokens', syntax: 'IFACE [IFACE]', default: '—',
    doc: 'UDP broadcast heartbeats on each listed interface.',
    apply: broadcastOn,
  }),
  entry({
    name: 'udp', kind: 'acted', repeatable: true, shape: 'tokens', syntax: 'IFACE [IFACE]', default: '—',
    doc: 'Old Heartbeat alias of bcast.',
    apply: broadcastOn,
  }),
  entry({
    name: 'ucast', kind: 'acted', repeatable: true, syntax: 'IFACE PEER', default: '—',
    doc: 'UDP unicast heartbeats to one address: an IPv4 address, or a host name resolved to its IPv4 address when the configuration is loaded (start, reload, check; at most 5 s per name; an unresolvable name is an error, so prefer /etc/hosts to DNS). Listing both nodes\' addresses (so ha.cf is identical on both) is fine: a line naming one of this node\'s own IPv4 addresses (as found when the daemon starts) opens no link, and any frame of our own that comes back is dropped; a line naming this node by a name that resolves to loopback (Debian\'s 127.0.1.1) is skipped with a notice.',
    apply(words, ctx) {
      if (words.length !== 2) return ctx.error('IFACE PEER', words.length === 0 ? 'nothing' : shown(words.join(' ')));
      const [dev, written] = words as [string, string];
      if (!device(dev, ctx)) return;
      const peer = hostOrAddress(written, ctx);
      if (peer !== undefined) ctx.values.ucast.push({ value: { dev, peer }, origin: ctx.origin });
    },
  }),
  entry({
    name: 'mcast', kind: 'acted', repeatable: true, syntax: 'IFACE GROUP PORT TTL LOOP', default: '—',
    doc: 'IPv4 multicast heartbeats: group 224.0.0.0–239.255.255.255, port, TTL 0–255, loop 0 or 1.',
    apply(words, ctx) {
      const expected = 'IFACE GROUP PORT TTL LOOP';
      if (words.length !== 5) return ctx.error(expected, words.length === 0 ? 'nothing' : shown(words.join(' ')));
      const [dev, group, port, ttl, loop] = words as [string, string, string, string, string];
      if (!device(dev, ctx)) return;
      const first = Number(group.split('.')[0]);
      if (!isIPv4(group) || first < 224 || first > 239) return ctx.error('a multicast group 224.0.0.0-239.255.255.255', shown(group));
      if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) return ctx.error('a port from 1 to 65535', shown(port));
      if (!/^\d+$/.test(ttl) || Number(ttl) > 255) return ctx.error('a TTL from 0 to 255', shown(ttl));
      if (loop !== '0' && loop !== '1') return ctx.error('loop 0 or 1', shown(loop));
      ctx.values.mcast.push({ value: { dev, group, port: Number(port), ttl: Number(ttl), loop: loop === '1' }, origin: ctx.origin });
    },
  }),
  entry({
    name: 'serial', kind: 'acted', repeatable: true, shape: 'tokens', syntax: 'DEVICE [DEVICE]', default: '—',
    doc: 'Heartbeats over an RS-232 null-modem cable (8N1, RTS/CTS) at the baud rate.',
    apply(words, ctx) {
      const dev = absolutePath(words, ctx);
      if (dev === undefined) return;
      const earlier = ctx.values.serial.find((s) => s.value === dev);
      if (earlier) return ctx.error(`a device not listed before (already at ${earlier.origin.file}:${earlier.origin.line})`, shown(dev));
      ctx.values.serial.push({ value: dev, origin: ctx.origin });
    },
  }),
  scalar({ name: 'baud', kind: 'acted', syntax: 'RATE', fallback: 19200, doc: `Serial speed for every serial port, one of ${standardBauds.join(', ')} (applies wherever it appears in the file).` }, 'baud', (words, ctx) => {
    const word = single(words, ctx, 'a baud rate');
    if (word === undefined) return undefined;
    if (!standardBauds.includes(Number(word)) || !/^\d+$/.test(word)) {
      ctx.error(`a standard baud rate (${standardBauds.join(', ')})`, shown(word));
      return undefined;
    }
    return Number(word);
  }),
  // ---- acted on: behaviour and logging ----
  scalar({ name: 'auto_failback', kind: 'acted', syntax: 'on|off|legacy', default: 'legacy (treated as on)', doc: 'on: the preferred node takes its groups back when it returns; off: groups stay where they are until a failure or standby. legacy is accepted and treated as on, with a notice.' }, 'autoFailback', (words, ctx) => {
    const word = single(words, ctx, 'on, off or legacy');
    if (word === undefined) return undefined;
    if (word.toLowerCase() === 'legacy') {
      ctx.notice('legacy is Heartbeat\'s no-handshake mode; twinbeat treats it as on (write auto_failback on to silence this)');
      return 'legacy';
    }
    const flag = parseBoolean(word);
    if (flag === undefined) ctx.error('on, off or legacy', shown(word));
    return flag === undefined ? undefined : flag ? 'on' : 'off';
  }),
  scalar({ name: 'nice_failback', kind: 'acted', syntax: 'on|off', default: '—', doc: 'Obsolete spelling of auto_failback, mapped the way Heartbeat 3.0.6 maps it (config.c set_nice_failback): the value itself is ignored (a Heartbeat bug that logs "changed to auto_failback off" but tests the wrong variable); after an auto_failback on or off line it means auto_failback off, otherwise auto_failback legacy (run as on); an auto_failback line after it wins. check shows the result on the auto_failback line with nice_failback\'s line as its origin. Write auto_failback instead: Heartbeat 1.x\'s nice_failback on meant off.' }, 'niceFailback', bool),
  scalar({ name: 'logfile', kind: 'acted', syntax: 'PATH', default: '— (none)', doc: 'Log file (info and above).' }, 'logfile', absolutePath),
  scalar({ name: 'debugfile', kind: 'acted', syntax: 'PATH', default: '— (none)', doc: 'Debug log file (everything).' }, 'debugfile', absolutePath),
  scalar({ name: 'logfacility', kind: 'acted', syntax: 'FACILITY|none', fallback: null, doc: 'Syslog facility (daemon, local0 … local7, …) or none.' }, 'logfacility', (words, ctx) => {
    const word = single(words, ctx, 'a syslog facility or none');
    if (word === undefined) return undefined;
    if (word.toLowerCase() === 'none') return null;
    if (!syslogFacilities.includes(word.toLowerCase())) {
      ctx.error(`a syslog facility (${syslogFacilities.join(', ')}) or none`, shown(word));
      return undefined;
    }
    return word.toLowerCase();
  }),
  scalar({ name: 'debug', kind: 'acted', syntax: '0-255', fallback: 0, doc: 'Debug level; above 0 debug messages are logged.' }, 'debug', (words, ctx) => integer(words, ctx, 0, 255)),
  entry({
    name: 'crm', kind: 'acted', syntax: 'off', default: 'off',
    doc: 'Pacemaker mode. Only off (no, false) is accepted: twinbeat runs haresources (v1) mode.',
    apply: (words, ctx) => crmOff(words, ctx),
  }),
  entry({
    name: 'pacemaker', kind: 'acted', syntax: 'off', default: 'off',
    doc: 'Alias of crm; only off is accepted.',
    apply: (words, ctx) => crmOff(words, ctx),
  }),
  entry({
    name: 'autojoin', kind: 'acted', syntax: 'none', default: 'none',
    doc: 'Dynamic membership; must be none (the pair is fixed by the two node lines).',
    apply(words, ctx) {
      const word = single(words, ctx, 'none');
      if (word !== undefined && word.toLowerCase() !== 'none') ctx.error('none (twinbeat is a fixed pair; list both nodes with node)', shown(word));
    },
  }),
  // ---- acted on: split-brain defence ----
  entry({
    name: 'ping', kind: 'acted', repeatable: true, shape: 'tokens', syntax: 'HOST [HOST]', default: '—',
    doc: 'A ping node (typically the router both nodes use). In Heartbeat only ipfail used them; twinbeat uses them against split brain. When the peer is declared dead (and the tie delay has passed) it sends one ICMP echo (the ping command, 1 s wait) to every ping node and ping group: if none answers, this node is the isolated side, takes nothing over and stops what it holds; if one answers it goes on with the takeover. While the peer stays dead the probe is repeated every deadtime; an isolated node that reaches a ping node again may take over. HOST is an IPv4 address or a host name resolved when the configuration is loaded, like ucast (a name resolving to loopback is refused: it would always answer). With uplink tracking (respawn … ipfail, as in Heartbeat, or tb_track_interface) ping nodes are also probed every keepalive (at least every second) while the peer lives: each that answers adds one to this node\'s uplink score, which travels in the heartbeats, and a node whose score stays below its peer\'s for deadping hands its groups to the peer (equal scores: nothing moves).',
    apply(words, ctx) {
      const word = single(words, ctx, addressOrName);
      if (word === undefined) return;
      const address = hostOrAddress(word, ctx);
      if (address !== undefined) ctx.values.ping.push({ value: address, origin: ctx.origin });
    },
  }),
  entry({
    name: 'ping_group', kind: 'acted', repeatable: true, syntax: 'NAME HOST [HOST…]', default: '—',
    doc: 'Ping addresses that count as one ping node, reachable if any of them answers; probed like ping (HOST: an IPv4 address or a host name, resolved like ping).',
    apply(words, ctx) {
      if (!atLeast(words, ctx, 2, 'NAME HOST [HOST…]')) return;
      const [name, ...written] = words as [string, ...string[]];
      const addresses = written.map((w) => hostOrAddress(w, ctx));
      if (addresses.some((a) => a === undefined)) return;
      ctx.values.pingGroups.push({ value: { name, addresses: addresses as string[] }, origin: ctx.origin });
    },
  }),
  entry({
    name: 'tb_track_interface', kind: 'extension', repeatable: true, shape: 'tokens', syntax: 'INTERFACE [INTERFACE…]', default: '—',
    doc: 'Uplink tracking (keepalived\'s track_interface): each interface that is up and running (IFF_UP and IFF_RUNNING) adds one to this node\'s uplink score, as each reachable ping node or ping_group does; a missing interface counts as down. Turns uplink tracking on like respawn … ipfail: a node whose score stays below its peer\'s for deadping hands its groups to the peer.',
    apply(words, ctx) {
      const name = single(words, ctx, 'an interface name');
      if (name === undefined || !device(name, ctx)) return;
      const earlier = ctx.values.trackInterfaces.find((t) => t.value === name);
      if (earlier) return ctx.error(`an interface not tracked before (${name} already at ${earlier.origin.file}:${earlier.origin.line})`, shown(name));
      ctx.values.trackInterfaces.push({ value: name, origin: ctx.origin });
    },
  }),
  // ---- accepted, recorded, not acted on ----
  scalar({ name: 'deadping', kind: 'acted', syntax: 'TIME', default: 'deadtime', doc: 'Heartbeat\'s dead time for ping nodes. With uplink tracking (respawn … ipfail, tb_track_interface): how long this node must reach less of its uplink than the peer before it hands its groups over, and half of how long it must not before it takes them back (damping). Without uplink tracking: not used.' }, 'deadping', (words, ctx) => duration(words, ctx)),
  ignored('use_logd', 'on|off', 'off', 'Log through ha_logd. twinbeat logs directly to logfile, debugfile and syslog.', bool),
  ignored('conn_logd_time', 'TIME', '60', 'ha_logd reconnect interval; twinbeat has no logd.', (words, ctx) => duration(words, ctx)),
  ignored('syslogmsgfmt', 'on|off', 'on', 'Syslog-style lines in log files; twinbeat has one log format.', bool),
  ignored('log_badpack', 'on|off', 'on', 'Log bad packets. twinbeat ignores the value: it always counts dropped frames per link and reason (twinbeat status, tb_metrics_port) and logs each frame that fails decoding, authentication or the replay check at debug level.', bool),
  {
    ...ignored('respawn', 'USER PATH [ARGS]', '—', 'Run and restart a helper. twinbeat runs no helpers: it has no API for them. Respawning ipfail turns on twinbeat\'s built-in uplink tracking instead (ipfail is not run; see ping and deadping); respawning dopd is a warning (a protection is lost), anything else a notice.', respawn, true),
    warnings: [dopdLost],
  },
  ignored('failfast', 'USER PATH [ARGS]', '—', 'Like respawn, reboot when it dies. Not run by twinbeat.', anyWords(2, 'USER PATH [ARGS]'), true),
  ignored('apiauth', 'CLIENT uid=… gid=…', 'built-in', 'Heartbeat API access control; twinbeat has no client API (the control socket is governed by tb_control_group).', anyWords(1, 'CLIENT [uid=USERS] [gid=GROUPS]'), true),
  { ...ignored('stonith', 'TYPE CONFIGFILE', '—', 'v1 STONITH device. twinbeat does not drive STONITH devices; use the tb_hook fence extension. A warning.', anyWords(2, 'TYPE CONFIGFILE'), true), warnings: [stonithLost] },
  { ...ignored('stonith_host', 'HOST TYPE PARAMS…', '—', 'v1 STONITH device inline. Not driven by twinbeat; use tb_hook fence. A warning.', anyWords(2, 'HOST TYPE [PARAMS]'), true), warnings: [stonithLost] },
  { ...ignored('watchdog', 'DEVICE', '—', 'Kernel watchdog device. twinbeat does not tickle a watchdog. A warning.', absolutePath), warnings: [watchdogLost] },
  scalar({ name: 'realtime', kind: 'acted', syntax: 'on|off', fallback: true, doc: 'Run the daemon under SCHED_FIFO at rtprio (needs root or CAP_SYS_NICE; otherwise a warning and normal priority), so CPU-hungry processes cannot delay heartbeats into a false takeover. Resource scripts and hooks run at normal priority (SCHED_RESET_ON_FORK). Unlike Heartbeat, memory is not locked (see memreserve).' }, 'realtime', bool),
  scalar({ name: 'rtprio', kind: 'acted', syntax: '1-99', fallback: 50, defaultNote: '(midpoint)', doc: 'SCHED_FIFO priority when realtime is on.' }, 'rtprio', (words, ctx) => integer(words, ctx, 1, 99)),
  ignored('memreserve', 'KB', '6500', 'Memory Heartbeat locks when realtime. twinbeat does not lock memory (Node.js cannot mlockall); on a swapping machine use the systemd unit\'s MemorySwapMax=0.', (words, ctx) => integer(words, ctx, 0, 1_000_000_000)),
  ignored('hopfudge', '0-255', '1', 'Serial ring TTL fudge; unused even in Heartbeat.', (words, ctx) => integer(words, ctx, 0, 255)),
  ignored('compression', 'zlib|bz2', 'zlib', 'Message compression plugin; twinbeat messages are small and never compressed.', (words, ctx) => oneOf(words, ctx, ['zlib', 'bz2'])),
  ignored('compression_threshold', 'KB', '2', 'See compression.', (words, ctx) => integer(words, ctx, 0, 1_000_000)),
  ignored('traditional_compression', 'on|off', 'off', 'See compression.', bool),
  ignored('msgfmt', 'classic|netstring', 'classic', 'Wire format; twinbeat chooses its own framing.', (words, ctx) => oneOf(words, ctx, ['classic', 'netstring'])),
  ignored('max_rexmit_delay', 'MS', '250', 'Retransmit request pacing; twinbeat does not retransmit heartbeats.', (words, ctx) => integer(words, ctx, 0, 1_000_000)),
  ignored('hbgenmethod', 'file|time', 'file', 'Generation number source; twinbeat keeps its generation in tb_state_file.', (words, ctx) => oneOf(words, ctx, ['file', 'time'], true)),
  ignored('uuidfrom', 'file|nodename', 'file', 'Node UUID source; twinbeat identifies nodes by name.', (words, ctx) => oneOf(words, ctx, ['file', 'nodename'])),
  entry({
    name: 'env', kind: 'acted', repeatable: true, shape: 'tokens', syntax: 'NAME=VALUE [NAME=VALUE…]', default: '—',
    doc: `Exported to every resource script as HA_NAME=VALUE, as Heartbeat exported it to its children (config.c set_env); lines and tokens add up. NAME: a letter or _, then letters, digits, _ (at most ${ENV_LIMITS.nameLength}); VALUE: at most ${ENV_LIMITS.valueBytes} bytes, no blanks or commas (Heartbeat splits the line there); each NAME once. The names twinbeat sets itself (${DAEMON_SET_HA_NAMES.join(', ')}) are ignored with a notice, as Heartbeat overwrote them; env RSCTMP=DIR replaces the default HA_RSCTMP.`,
    apply(words, ctx) {
      const word = single(words, ctx, 'NAME=VALUE');
      if (word === undefined) return;
      const m = /^([^=]*)=([\s\S]*)$/.exec(word);
      if (!m || !new RegExp(`^[A-Za-z_][A-Za-z0-9_]{0,${ENV_LIMITS.nameLength - 1}}$`).test(m[1]!)) {
        return ctx.error(`NAME=VALUE (NAME: a letter or _, then letters, digits, _; at most ${ENV_LIMITS.nameLength})`, shown(word));
      }
      const [, name, value] = m as unknown as [string, string, string];
      if (Buffer.byteLength(value) > ENV_LIMITS.valueBytes) return ctx.error(`a value of at most ${ENV_LIMITS.valueBytes} bytes`, shown(word));
      const earlier = ctx.values.env.find((e) => e.value.name === name);
      if (earlier) return ctx.error(`each NAME once (${name} is already at ${earlier.origin.file}:${earlier.origin.line})`, shown(word));
      if (DAEMON_SET_HA_NAMES.includes(name)) return ctx.notice(`HA_${name} is set by twinbeat itself, as Heartbeat set it; env ${name}=… is ignored`);
      ctx.values.env.push({ value: { name, value }, origin: ctx.origin });
    },
  }),
  ignored('coredumps', 'on|off', 'on', 'Enable core dumps; not applicable to twinbeat.', bool),
  ignored('coreroot', 'PATH', '—', 'Core dump directory; not applicable.', absolutePath),
  ignored('use_apphbd', 'on|off', 'off', 'Register with apphbd; not applicable.', bool),
  ignored('cluster', 'NAME', 'linux-ha', 'Cluster name; twinbeat does not use it.', (words, ctx) => single(words, ctx, 'a cluster name')),
  ignored('mcast6', 'IFACE GROUP PORT TTL LOOP', '—', 'IPv6 multicast; twinbeat speaks IPv4 only.', anyWords(5, 'IFACE GROUP PORT TTL LOOP'), true),
  ignored('ucast6', 'IFACE PEER', '—', 'IPv6 unicast; twinbeat speaks IPv4 only.', anyWords(2, 'IFACE PEER'), true),
  ignored('ping6', 'ADDRESS…', '—', 'IPv6 ping nodes; not acted on.', anyWords(1, 'an IPv6 address'), true),
  ignored('quorum_server', 'HOST', '—', 'Pacemaker quorum server; not applicable.', (words, ctx) => single(words, ctx, 'a host')),
  ignored('crm_daemon_dir', 'PATH', '—', 'Pacemaker only.', absolutePath),
  ignored('crmd_spawns_pengine', 'on|off', '—', 'Pacemaker only.', bool),
  ignored('record_config_changes', 'on|off', 'on', 'Pacemaker only.', bool),
  ignored('record_pengine_inputs', 'on|off', 'on', 'Pacemaker only.', bool),
  ignored('enable_config_writes', 'on|off', 'on', 'Pacemaker only.', bool),
  // ---- twinbeat extensions (tb_ prefix never collides with Heartbeat) ----
  entry({
    name: 'tb_monitor', kind: 'extension', repeatable: true, syntax: monitorSyntax, default: '— (no monitoring)',
    doc: 'While this node runs the resource\'s group, check the resource every interval (status; monitor for OCF agents), the first check one interval after it started; a check running longer than timeout counts as failed. After `failures` consecutive failures the resource is restarted here (stop, start), at most `restarts` times while the group stays here; the next time, or when the restarted resource fails to start, the group is stopped, marked failed on this node (local-failure hook) and left to the peer. RESOURCE-ID is written as in haresources (a bare IP means IPaddr::IP).',
    apply: monitor,
  }),
  entry({
    name: 'tb_hook', kind: 'extension', repeatable: true, syntax: 'fence|escalate|local-failure|remote-failure|master|backup|fault|stop|notify PATH', default: '—',
    doc: 'Executable run on an event, with details in TWINBEAT_* environment variables; hooks run in two lanes, one at a time per lane and in order: fence and escalate (killed after tb_stop_timeout), the notifications local-failure, remote-failure, master, backup, fault, stop (killed after tb_notify_timeout, or tb_stop_timeout if shorter), so a hung notifier never delays a fence, a takeover or a release. fence: before taking over from a peer declared dead (not after a goodbye from a peer holding nothing), TWINBEAT_TARGET=peer; nothing starts until it exits 0, and a failure is retried after keepalive + deadtime/2. escalate: a resource failed to stop (TWINBEAT_GROUP, TWINBEAT_RESOURCE, TWINBEAT_REASON=stop-failed). local-failure: a group was marked failed here after a failed start or tb_monitor giving up (TWINBEAT_GROUP, TWINBEAT_REASON). remote-failure: the peer was declared dead without a goodbye (TWINBEAT_REASON=peer-dead). master, backup, fault, stop (keepalived notify_master/_backup/_fault/_stop): a group, or this node as a whole, changed state (TWINBEAT_TYPE=group|node, TWINBEAT_NAME, TWINBEAT_GROUP, TWINBEAT_STATE, TWINBEAT_PREVIOUS_STATE, TWINBEAT_PRIORITY, TWINBEAT_REASON) and gets keepalived\'s arguments INSTANCE|GROUP NAME STATE PRIORITY; notify: keepalived\'s generic notify script, run after the state\'s own script for every such change with the same arguments; notifications of one group or node arrive in order, and a newer one replaces one still waiting. PATH must be an executable file that only root can change, in directories only root can change (checked when the configuration loads and again before each run).',
    apply(words, ctx) {
      if (words.length !== 2) return ctx.error(`${tbHookKinds.join('|')} PATH`, words.length === 0 ? 'nothing' : shown(words.join(' ')));
      const [kind, path] = words as [string, string];
      if (!(tbHookKinds as readonly string[]).includes(kind)) return ctx.error(tbHookKinds.join(', '), shown(kind));
      if (absolutePath([path], ctx) === undefined) return;
      const earlier = ctx.values.hooks.find((h) => h.value.kind === kind);
      if (earlier) return ctx.error(`one ${kind} hook (already at ${earlier.origin.file}:${earlier.origin.line})`, shown(path));
      ctx.values.hooks.push({ value: { kind: kind as TbHookKind, path }, origin: ctx.origin });
    },
  }),
  scalar({ name: 'tb_notify_timeout', kind: 'extension', syntax: 'TIME', fallback: 30000, show: formatDuration, doc: 'A notification hook (local-failure, remote-failure, master, backup, fault, stop, notify) running longer, or longer than tb_stop_timeout, is killed (its whole process group) and counted as timed out; the next notification then runs.' }, 'notifyTimeout', (words, ctx) => duration(words, ctx)),
  scalar({ name: 'tb_start_timeout', kind: 'extension', syntax: 'TIME', fallback: 60000, show: formatDuration, doc: 'A resource start running longer is killed and counts as failed.' }, 'startTimeout', (words, ctx) => duration(words, ctx)),
  scalar({ name: 'tb_stop_timeout', kind: 'extension', syntax: 'TIME', fallback: 60000, show: formatDuration, doc: 'A resource stop running longer is killed and counts as failed.' }, 'stopTimeout', (words, ctx) => duration(words, ctx)),
  scalar({ name: 'tb_status_timeout', kind: 'extension', syntax: 'TIME', fallback: 20000, show: formatDuration, doc: 'Timeout of the resource status checks the daemon runs at start-up to reclaim what a killed predecessor left running (tb_monitor checks use their own timeout=).' }, 'statusTimeout', (words, ctx) => duration(words, ctx)),
  scalar({ name: 'tb_arp_count', kind: 'extension', syntax: 'N', fallback: 5, doc: 'Gratuitous ARP packets sent after an IP address is brought up (0: none).' }, 'arpCount', (words, ctx) => integer(words, ctx, 0, 100)),
  scalar({ name: 'tb_arp_interval', kind: 'extension', syntax: 'TIME', fallback: 200, show: formatDuration, doc: 'Interval between those ARP packets.' }, 'arpInterval', (words, ctx) => duration(words, ctx)),
  scalar({ name: 'tb_dad_timeout', kind: 'extension', syntax: 'TIME', fallback: 100, show: formatDuration, doc: 'Duplicate-address detection before IPaddr adds an address: one `arping -D` probe, waiting this long for a reply. A reply (another host, e.g. a peer whose daemon was killed with -9, still answers for the IP) fails the start: nothing added, no ARP sent. Probed while the peer is late (before deadtime), so a takeover normally does not wait for it; without such a probe it adds up to this much; 0: off.' }, 'dadTimeout', (words, ctx) => duration(words, ctx, true)),
  scalar({ name: 'tb_control_socket', kind: 'extension', syntax: 'PATH', fallback: '/run/twinbeat/control.sock', doc: 'Unix socket the CLI talks to.' }, 'controlSocket', absolutePath),
  scalar({ name: 'tb_control_group', kind: 'extension', syntax: 'GROUP|none', fallback: null, defaultNote: '(root only)', doc: 'Group allowed to use the control socket besides root: every command (status, standby, takeover, reload, stop).' }, 'controlGroup', groupName),
  scalar({ name: 'tb_status_group', kind: 'extension', syntax: 'GROUP|none', fallback: null, defaultNote: '(root only)', doc: 'Group allowed to read the status besides root, and nothing else: the daemon answers `status` on a second socket, status.sock in the control socket\'s directory (0660, this group), and refuses every other command there. For monitoring (`twinbeat status --check`); `twinbeat status` falls back to it when the control socket is not accessible.' }, 'statusGroup', groupName),
  scalar({ name: 'tb_state_file', kind: 'extension', syntax: 'PATH', fallback: '/var/lib/twinbeat/state.ini', doc: 'Where the generation number and standby state survive restarts.' }, 'stateFile', absolutePath),
  scalar({ name: 'tb_pid_file', kind: 'extension', syntax: 'PATH', fallback: '/run/twinbeat/twinbeat.pid', doc: 'Pid file of the daemon.' }, 'pidFile', absolutePath),
  entry({
    name: 'tb_metrics_port', kind: 'extension', syntax: 'PORT [IPv4]',
    default: `${metricsFallbacks.metricsPort} (off); address ${metricsFallbacks.metricsAddress}`,
    fallbacks: metricsFallbacks,
    doc: 'Serve Prometheus metrics at http://ADDRESS:PORT/metrics (roles, peer and link liveness, frames and drops by reason, groups and resources held, core event counts); 0: off. ADDRESS defaults to 127.0.0.1; the endpoint has no authentication, so listen elsewhere only on a trusted management network. A port in use is logged (event=metrics-failed) and the daemon runs on without metrics; a change takes effect at the next start.',
    apply(words, ctx) {
      if (words.length === 0 || words.length > 2) return ctx.error('PORT [IPv4]', words.length === 0 ? 'nothing' : shown(words.join(' ')));
      const port = integer(words.slice(0, 1), ctx, 0, 65535);
      const address = words[1];
      if (address !== undefined && !isIPv4(address)) return ctx.error('an IPv4 address to listen on', shown(address));
      if (port === undefined) return;
      // A second tb_metrics_port line never gets here: the parser refuses repeated directives.
      setOnce(ctx, 'metricsPort', port, words.join(' '));
      if (address !== undefined) setOnce(ctx, 'metricsAddress', address, address);
    },
  }),
];

function crmOff(words: string[], ctx: DirectiveContext): void {
  const word = single(words, ctx, 'off');
  if (word !== undefined && parseBoolean(word) !== false) {
    ctx.error('off', shown(word), 'twinbeat runs haresources (v1) mode only; it is not a Pacemaker messaging layer');
  }
}

export const directiveByName: ReadonlyMap<string, Directive> = new Map(directives.map((directive) => [directive.name, directive]));

const fallbackByKey: ReadonlyMap<string, unknown> = new Map(directives.flatMap((directive) => Object.entries(directive.fallbacks ?? {})));

/**
 * What ha.cf set for `key`, else the default from the directive table. Only for fields whose
 * directive has a fixed default; asking for another is a programming error, not a config one.
 */
export function settingOrDefault<K extends ScalarKey>(values: HaCfValues, key: K): ValueOf<K> {
  const set = values[key] as Setting<ValueOf<K>> | undefined;
  return set ? set.value : directiveDefault(key);
}

/** The directive table's default for `key` (a field whose directive has a fixed default). */
export function directiveDefault<K extends ScalarKey>(key: K): ValueOf<K> {
  if (!fallbackByKey.has(key)) throw new Error(`the directive table has no default for ${key}`);
  return fallbackByKey.get(key) as ValueOf<K>;
}
