// haresources text → resource groups (Heartbeat ResourceManager syntax): one logical line per
// group, `NODE RESOURCE…`, `\` continues a line, `#` comments anywhere. A resource is
// `script::arg1::arg2`, a bare `script`, or an IPv4 address (optionally /cidr/dev/broadcast),
// which is shorthand for `IPaddr::…`. The address scripts (IPaddr, IPaddr2, IPv6addr) take ONE
// argument, everything after the first `::`, so an IPv6 literal keeps its own `::`
// (`IPaddr::fd00::100/64/eth0`). Two resource classes are named by a prefix, as Pacemaker names
// agents (classes.ts in src/resources runs them): `ocf:PROVIDER:TYPE::NAME=VALUE::…` (`ocf::TYPE`
// means provider heartbeat) and `systemd:UNIT`. Script resolution and the node check need the
// outside world or ha.cf, so they happen in load.ts and validate.ts.
import { lex, printableLines } from './lexer.js';
import { type ConfigError, type Notice, clipped, shown } from './errors.js';
import { isIPv4, type Place } from './directives.js';

export interface ParsedResource {
  id: string;
  script: string;
  args: string[];
}

export interface ParsedGroup {
  /** Lower-cased like Heartbeat. */
  owner: string;
  key: string;
  resources: ParsedResource[];
  origin: Place;
}

export interface HaresourcesResult {
  groups: ParsedGroup[];
  errors: ConfigError[];
  notices: Notice[];
}

const looksLikeIp = /^\d+\.\d+\.\d+\.\d+/;
const scriptName = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;
/** Scripts whose one argument is a floating address; the daemon re-announces them after a heal. */
export const ADDRESS_SCRIPTS: readonly string[] = ['IPaddr', 'IPaddr2', 'IPv6addr'];

type Parsed = { ok: true; resource: ParsedResource } | { ok: false; expected: string; hint?: string };

export function parseResource(word: string): Parsed {
  if (word.startsWith('ocf:')) return parseOcf(word);
  if (word.startsWith('systemd:')) return parseSystemd(word);
  const head = word.split('::')[0]!;
  const prefix = /^([^:]*):/.exec(head)?.[1];
  // A `class:` prefix twinbeat does not run. An IPv6 literal (hex groups) falls through to the
  // address hint below.
  if (prefix !== undefined && !looksLikeIp.test(word) && !/^[0-9A-Fa-f]*$/.test(prefix)) {
    return { ok: false, expected: `a resource class twinbeat runs (${resourceClasses})`, hint: `${shown(prefix)} is not one; an init script is written by its name alone (it is found in /etc/init.d)` };
  }
  const text = looksLikeIp.test(word) ? `IPaddr::${word}` : word;
  const [script, ...split] = text.split('::') as [string, ...string[]];
  if (!scriptName.test(script)) {
    // Heartbeat's shorthand is IPv4 only; a bare IPv6 address is usually an unnamed script.
    const hint = word.includes(':') && /^[0-9A-Fa-f:]+$/.test(word.split('/')[0]!) ? { hint: 'write an IPv6 address with its script: IPaddr::ADDR/PREFIX/IFACE or IPv6addr::ADDR/PREFIX/IFACE' } : {};
    return { ok: false, expected: 'a resource: SCRIPT, SCRIPT::ARG… or an IPv4 address', ...hint };
  }
  const isAddress = ADDRESS_SCRIPTS.includes(script);
  const args = isAddress && split.length > 0 ? [text.slice(script.length + 2)] : split;
  if (args.some((a) => a === '')) return { ok: false, expected: 'non-empty :: arguments' };
  if (isAddress) {
    const problem = ipArgumentProblem(args[0]);
    const hint = args[0]?.split('/')[0]?.includes(':') ? 'IPv6 resources are written IPv6[/PREFIX[/IFACE]]' : 'IP resources are written IP[/CIDR[/IFACE[/BROADCAST]]]';
    if (problem) return { ok: false, expected: problem, hint };
  }
  return { ok: true, resource: { id: text, script, args } };
}

const resourceClasses = 'ocf:PROVIDER:TYPE, ocf::TYPE or systemd:UNIT; heartbeat-class scripts by name';
/** An agent's provider or type: one path component under OCF_ROOT/resource.d. */
const agentName = /^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,63}$/;
const parameterName = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Bounds that keep a parameter a parameter (Linux allows 128 KiB per environment string). */
export const OCF_LIMITS = { parameters: 64, valueBytes: 1024 } as const;
const ocfSyntax = 'ocf:PROVIDER:TYPE[::NAME=VALUE…] or ocf::TYPE[::NAME=VALUE…]';

/**
 * `ocf:PROVIDER:TYPE::NAME=VALUE::NAME=VALUE`, `ocf::TYPE…` meaning provider heartbeat. The
 * script becomes `ocf:PROVIDER:TYPE` (provider filled in); each argument is one `NAME=VALUE`
 * that the runner turns into OCF_RESKEY_NAME. Heartbeat's `::` separator also occurs inside an
 * IPv6 value, so a piece that does not start with `NAME=` continues the value before it:
 * `ip=fd00::100::cidr_netmask=64` is ip=fd00::100 and cidr_netmask=64.
 */
function parseOcf(word: string): Parsed {
  const m = /^ocf:([^:]*):([^:]+)(?:::([\s\S]*))?$/.exec(word);
  if (!m) return { ok: false, expected: ocfSyntax, hint: 'e.g. ocf:heartbeat:IPaddr2::ip=10.0.0.5::cidr_netmask=24' };
  const provider = m[1] || 'heartbeat';
  const type = m[2]!;
  for (const [what, name] of [['provider', provider], ['type', type]] as const) {
    if (!agentName.test(name)) return { ok: false, expected: `an agent ${what} of letters, digits and _ . + - (at most 64, not starting with . or -) in ${ocfSyntax}`, hint: `${what} ${shown(name)}` };
  }
  const params = ocfParameters(m[3]);
  if (!params.ok) return params;
  return { ok: true, resource: { id: word, script: `ocf:${provider}:${type}`, args: params.args } };
}

function ocfParameters(text: string | undefined): { ok: true; args: string[] } | { ok: false; expected: string; hint?: string } {
  if (text === undefined) return { ok: true, args: [] };
  const args: string[] = [];
  for (const piece of text.split('::')) {
    const name = /^([^=]*)=/.exec(piece)?.[1];
    if (name !== undefined && parameterName.test(name)) args.push(piece);
    else if (args.length > 0 && name === undefined) args[args.length - 1] += `::${piece}`;
    else return { ok: false, expected: 'OCF parameters written NAME=VALUE (NAME: a letter or _, then letters, digits, _; at most 64)', hint: `got the parameter ${shown(piece)}; a value cannot contain blanks, and ::NAME= starts the next parameter` };
  }
  const seen = new Set<string>();
  for (const arg of args) {
    const name = arg.slice(0, arg.indexOf('='));
    if (seen.has(name)) return { ok: false, expected: `each OCF parameter once; ${name} is given twice` };
    seen.add(name);
    if (Buffer.byteLength(arg) - name.length - 1 > OCF_LIMITS.valueBytes) return { ok: false, expected: `an OCF parameter value of at most ${OCF_LIMITS.valueBytes} bytes`, hint: `${name} is longer` };
  }
  if (args.length > OCF_LIMITS.parameters) return { ok: false, expected: `at most ${OCF_LIMITS.parameters} OCF parameters`, hint: `got ${args.length}` };
  return { ok: true, args };
}

/** Suffixes systemd gives unit types; a name without one means NAME.service (as in Pacemaker). */
const unitSuffixes = ['service', 'socket', 'target', 'mount', 'automount', 'swap', 'timer', 'path', 'slice', 'scope', 'device'];
/** systemd's unit-name alphabet (letters, digits, : - _ . \\ @), at most 255 characters. */
const unitName = /^[A-Za-z0-9:_.\\@-]{1,255}$/;

/** `systemd:UNIT`: no `::` arguments (systemctl passes none); never starting with `-` (it would be an option). */
function parseSystemd(word: string): Parsed {
  let unit = word.slice('systemd:'.length);
  if (unit.includes('::')) return { ok: false, expected: 'systemd:UNIT without :: arguments (put settings in the unit or a drop-in)' };
  if (!unitName.test(unit) || unit.startsWith('-') || unit.startsWith('.')) {
    return { ok: false, expected: 'systemd:UNIT, a unit name of letters, digits and : - _ . \\ @ (not starting with - or .)', hint: `unit ${shown(unit)}` };
  }
  const suffix = unit.slice(unit.lastIndexOf('.') + 1);
  if (!unit.includes('.') || !unitSuffixes.includes(suffix)) unit += '.service';
  if (unit.length > 255) return { ok: false, expected: 'a unit name of at most 255 characters' };
  return { ok: true, resource: { id: word, script: `systemd:${unit}`, args: [] } };
}

/**
 * The eight 16-bit groups of plain IPv6 text (eight groups of 1-4 hex digits, or fewer with one
 * `::`), or null. No zone id (`%eth0`) and no dotted IPv4 tail: resources.d/IPaddr accepts
 * exactly this, so what passes here runs.
 */
export function ipv6Groups(text: string): number[] | null {
  if (text.length > 39 || !/^[0-9A-Fa-f:]+$/.test(text)) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const [head, tail] = halves.map((h) => (h === '' ? [] : h.split(':')));
  if (![...head!, ...(tail ?? [])].every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return null;
  const given = head!.length + (tail?.length ?? 0);
  if (tail === undefined ? given !== 8 : given > 7) return null;
  const zeros: string[] = tail === undefined ? [] : Array<string>(8 - given).fill('0');
  return [...head!, ...zeros, ...(tail ?? [])].map((g) => parseInt(g, 16));
}

export const isIPv6 = (text: string): boolean => ipv6Groups(text) !== null;

/** Addresses no host may float: unspecified, loopback, link-local (needs a zone), multicast. */
function ipv6Problem(groups: number[]): string | null {
  if (groups.slice(0, 7).every((g) => g === 0) && groups[7]! <= 1) return 'a unicast IPv6 address (not :: or ::1)';
  if ((groups[0]! & 0xffc0) === 0xfe80) return 'a global or unique-local IPv6 address (link-local fe80::/10 cannot float)';
  if ((groups[0]! & 0xff00) === 0xff00) return 'a unicast IPv6 address (not multicast ff00::/8)';
  return null;
}

/** IPv6's fields: no netmask in dotted form, no label, no broadcast. */
function ipv6ArgumentProblem(groups: number[], prefix: string | undefined, dev: string | undefined, rest: string[]): string | null {
  const scope = ipv6Problem(groups);
  if (scope) return scope;
  if (prefix !== undefined && prefix !== '' && !(/^\d{1,3}$/.test(prefix) && Number(prefix) >= 1 && Number(prefix) <= 128)) return 'a prefix length 1-128 after the IPv6 address';
  if (dev !== undefined && dev !== '' && !/^[A-Za-z0-9_.@-]{1,15}$/.test(dev)) return 'an interface name after the prefix length (IPv6 addresses have no :LABEL)';
  if (rest.length > 0) return 'at most IPv6/PREFIX/IFACE (IPv6 has no broadcast address)';
  return null;
}

/** The checks IPaddr would make later, made now so the operator sees them with a line number. */
function ipArgumentProblem(arg: string | undefined): string | null {
  if (arg === undefined) return 'an address argument (IPaddr::IP…)';
  const [ip, mask, dev, broadcast, ...more] = arg.split('/');
  if (ip?.includes('%')) return 'an address without a zone id (%…): name the interface as IP/PREFIX/IFACE';
  if (ip?.includes(':')) {
    const groups = ipv6Groups(ip);
    if (groups === null) return 'an IPv6 address in hex groups (at most one ::, no dotted IPv4 tail)';
    return ipv6ArgumentProblem(groups, mask, dev, broadcast === undefined ? more : [broadcast, ...more]);
  }
  if (!isIPv4(ip ?? '')) return 'an IPv4 address';
  if (more.length > 0) return 'at most IP/CIDR/IFACE/BROADCAST';
  if (mask !== undefined && mask !== '' && !(/^\d+$/.test(mask) && Number(mask) <= 32) && !isIPv4(mask)) return 'a prefix length 0-32 or a dotted netmask after the address';
  if (dev !== undefined && dev !== '' && !/^[A-Za-z0-9_.:@-]{1,15}$/.test(dev)) return 'an interface name after the netmask';
  if (broadcast !== undefined && broadcast !== '' && !isIPv4(broadcast)) return 'a broadcast IPv4 address after the interface';
  return null;
}

export function parseHaresources(text: string, file: string): HaresourcesResult {
  const groups: ParsedGroup[] = [];
  const errors: ConfigError[] = [];
  const firstSeen = new Map<string, Place>();
  for (const { line, words } of printableLines(lex(text, file, { continuation: true }), errors)) {
    const [node, ...rest] = words as [string, ...string[]];
    const owner = node.toLowerCase();
    if (rest.length === 0) {
      errors.push({ file, line, directive: clipped(owner), expected: 'NODE followed by at least one resource', got: 'no resources' });
      continue;
    }
    const resources: ParsedResource[] = [];
    for (const word of rest) {
      const parsed = parseResource(word);
      if (!parsed.ok) {
        errors.push({ file, line, directive: 'resource', expected: parsed.expected, got: shown(word), ...(parsed.hint ? { hint: parsed.hint } : {}) });
        continue;
      }
      const earlier = firstSeen.get(parsed.resource.id);
      if (earlier) {
        const what = resources.length === 0 ? 'a unique group key (the first resource names the group)' : 'each resource in one group only';
        errors.push({ file, line, directive: 'resource', expected: `${what}; ${parsed.resource.id} is already at ${earlier.file}:${earlier.line}`, got: 'a duplicate' });
        continue;
      }
      firstSeen.set(parsed.resource.id, { file, line });
      resources.push(parsed.resource);
    }
    if (resources.length > 0) groups.push({ owner, key: resources[0]!.id, resources, origin: { file, line } });
  }
  return { groups, errors, notices: [] };
}
