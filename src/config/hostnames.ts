// Host names in ucast, ping and ping_group, resolved when the configuration is loaded (start,
// reload, check), as Heartbeat resolved them when it read ha.cf. The parser keeps names as
// written (it stays pure); resolveHostNames turns them into IPv4 addresses through the Resolver
// loadConfig is given (load.ts systemResolver, or a test's fake). Touches nothing itself.
import type { ConfigError, Notice } from './errors.js';
import { shown } from './errors.js';
import { type HaCfValues, type Place, isIPv4 } from './directives.js';
import { formatDuration } from './duration.js';

/** The IPv4 addresses of a name, in the resolver's order; rejects (with an errno code) if none. */
export type Resolver = (name: string) => Promise<string[]>;

/** A name a line used and the address twinbeat uses for it (`check` shows both). */
export interface ResolvedName {
  directive: 'ucast' | 'ping' | 'ping_group';
  name: string;
  address: string;
  origin: Place;
}

/**
 * Longest wait for one name. A DNS server that does not answer must not hold a start or a reload
 * for getaddrinfo's full retry cycle (up to 30 s); names in /etc/hosts answer at once.
 */
export const resolveTimeoutMs = 5000;

/**
 * Most distinct names one configuration may ask for. A pair needs a handful; a hostile 1 MiB
 * ha.cf must not start tens of thousands of lookups that outlive the load.
 */
export const mostHostNames = 32;

export interface Resolution {
  /** `values` with every name replaced by its address (ucast keeps the name in `host`). */
  values: HaCfValues;
  names: ResolvedName[];
  errors: ConfigError[];
  notices: Notice[];
}

type Lookup = { ok: true; addresses: string[] } | { ok: false; reason: string };

const isLoopback = (address: string) => address.startsWith('127.');

/** Resolve each distinct name once, all at once, each bounded by `timeoutMs`. */
async function lookUpAll(names: string[], resolve: Resolver, timeoutMs: number): Promise<Map<string, Lookup>> {
  const distinct = [...new Set(names)];
  const outcomes = await Promise.all(
    distinct.map(async (name, i): Promise<Lookup> => {
      if (i >= mostHostNames) return { ok: false, reason: `not looked up: more than ${mostHostNames} different host names` };
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<Lookup>((done) => {
        timer = setTimeout(() => done({ ok: false, reason: `no answer within ${formatDuration(timeoutMs)}` }), timeoutMs);
      });
      const answer = resolve(name).then(
        (found): Lookup => {
          // Whatever a resolver returns, only IPv4 addresses count; loopback last (see below).
          const addresses = found.filter(isIPv4);
          if (addresses.length === 0) return { ok: false, reason: 'it has no IPv4 address' };
          return { ok: true, addresses: [...addresses.filter((a) => !isLoopback(a)), ...addresses.filter(isLoopback)] };
        },
        (err: unknown): Lookup => ({ ok: false, reason: lookupFailure(err) }),
      );
      try {
        return await Promise.race([answer, timeout]);
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return new Map(distinct.map((name, i) => [name, outcomes[i]!]));
}

function lookupFailure(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOTFOUND' || code === 'EAI_NONAME') return 'not found in /etc/hosts or DNS';
  if (code === 'ENODATA' || code === 'EAI_NODATA') return 'it has no IPv4 address';
  return `lookup failed: ${code ?? String(err)}`;
}

const hint = 'write the address, or add the name to /etc/hosts on both nodes';

/**
 * Replace the host names of ucast, ping and ping_group lines with their IPv4 addresses. A name
 * that does not resolve is an error on its line. A name resolving only to loopback is refused
 * (a ping node that is this host always answers; a ucast peer there is no peer), except a ucast
 * line naming this node itself, which Debian's `127.0.1.1 NAME` line in /etc/hosts maps to
 * loopback: that line is this node's own and is skipped, as a line with its own address is.
 */
export async function resolveHostNames(values: HaCfValues, self: string, resolve: Resolver, timeoutMs = resolveTimeoutMs): Promise<Resolution> {
  const written = [
    ...values.ucast.map((u) => u.value.peer),
    ...values.ping.map((p) => p.value),
    ...values.pingGroups.flatMap((g) => g.value.addresses),
  ].filter((w) => !isIPv4(w));
  const result: Resolution = { values, names: [], errors: [], notices: [] };
  if (written.length === 0) return result;
  const outcomes = await lookUpAll(written, resolve, timeoutMs);

  const addressOf = (directive: ResolvedName['directive'], name: string, origin: Place, loopbackIsSelf: boolean): string | null | 'self' => {
    if (isIPv4(name)) return name;
    const outcome = outcomes.get(name)!;
    const fail = (got: string, why: string) => {
      result.errors.push({ ...origin, directive, expected: 'a host name with an IPv4 address', got: shown(got), hint: `${why}; ${hint}` });
      return null;
    };
    if (!outcome.ok) return fail(name, outcome.reason);
    const address = outcome.addresses[0]!;
    if (isLoopback(address)) {
      if (loopbackIsSelf && name.toLowerCase() === self.toLowerCase()) return 'self';
      return fail(name, `it resolves to ${address}, a loopback address of this host`);
    }
    result.names.push({ directive, name, address, origin });
    return address;
  };

  const ucast: HaCfValues['ucast'] = [];
  for (const line of values.ucast) {
    const address = addressOf('ucast', line.value.peer, line.origin, true);
    if (address === 'self') {
      result.notices.push({ ...line.origin, directive: 'ucast', message: `${line.value.peer} is this node and resolves to loopback: the line opens no link` });
    } else if (address !== null) {
      ucast.push(address === line.value.peer ? line : { ...line, value: { ...line.value, peer: address, host: line.value.peer } });
    }
  }
  const ping: HaCfValues['ping'] = [];
  for (const line of values.ping) {
    const address = addressOf('ping', line.value, line.origin, false);
    if (typeof address === 'string' && address !== 'self') ping.push({ ...line, value: address });
  }
  const pingGroups: HaCfValues['pingGroups'] = [];
  for (const line of values.pingGroups) {
    const addresses = line.value.addresses.map((a) => addressOf('ping_group', a, line.origin, false));
    if (addresses.every((a) => a !== null && a !== 'self')) pingGroups.push({ ...line, value: { ...line.value, addresses: addresses as string[] } });
  }
  result.values = { ...values, ucast, ping, pingGroups };
  return result;
}
