// haresources text → resource groups (Heartbeat ResourceManager syntax): one logical line per
// group, `NODE RESOURCE…`, `\` continues a line, `#` comments anywhere. A resource is
// `script::arg1::arg2`, a bare `script`, or an IPv4 address (optionally /cidr/dev/broadcast),
// which is shorthand for `IPaddr::…`. Script resolution and the node check need the outside
// world or ha.cf, so they happen in load.ts and validate.ts.
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
const ipScripts = ['IPaddr', 'IPaddr2'];

type Parsed = { ok: true; resource: ParsedResource } | { ok: false; expected: string; hint?: string };

export function parseResource(word: string): Parsed {
  const text = looksLikeIp.test(word) ? `IPaddr::${word}` : word;
  const [script, ...args] = text.split('::') as [string, ...string[]];
  if (!scriptName.test(script)) return { ok: false, expected: 'a resource: SCRIPT, SCRIPT::ARG… or an IPv4 address' };
  if (args.some((a) => a === '')) return { ok: false, expected: 'non-empty :: arguments' };
  if (ipScripts.includes(script)) {
    const problem = ipArgumentProblem(args[0]);
    if (problem) return { ok: false, expected: problem, hint: 'IP resources are written IP[/CIDR[/IFACE[/BROADCAST]]]' };
  }
  return { ok: true, resource: { id: text, script, args } };
}

/** The checks IPaddr would make later, made now so the operator sees them with a line number. */
function ipArgumentProblem(arg: string | undefined): string | null {
  if (arg === undefined) return 'an IPv4 address argument';
  const [ip, mask, dev, broadcast] = arg.split('/');
  if (!isIPv4(ip ?? '')) return 'an IPv4 address';
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
