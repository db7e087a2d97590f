// Migration from Heartbeat v1 in src/config: nice_failback mapped as Heartbeat 3.0.6 maps it,
// host names in ucast/ping/ping_group resolved at load (fake resolvers; one real lookup of
// localhost from /etc/hosts), and warnings for the lines whose protection twinbeat does not give.
// Touches only temp copies of the fixtures (config/stage.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHaCf } from '../../../src/config/hacf.js';
import { buildConfig, effectiveAutoFailback } from '../../../src/config/validate.js';
import { scriptChecks } from '../../../src/resources/locate.js';
import { directiveByName, lostProtections } from '../../../src/config/directives.js';
import { loadConfig, systemResolver } from '../../../src/config/load.js';
import { mostHostNames, resolveHostNames, type Resolver } from '../../../src/config/hostnames.js';
import { formatError, formatWarning } from '../../../src/config/errors.js';
import { describeSettings, formatOrigin } from '../../../src/config/describe.js';
import { udpMedium } from '../../../src/daemon/wiring.js';
import { fakeResolver, stage } from './stage.js';

// ---- nice_failback --------------------------------------------------------------------------

/** auto_failback in effect for an ha.cf fragment: value and origin line (0: not set). */
function failback(text: string): { value: string; line: number; via: string | null } {
  const parsed = parseHaCf(text, 'ha.cf');
  assert.deepEqual(parsed.errors, [], text);
  const { setting, via } = effectiveAutoFailback(parsed.values);
  return { value: setting?.value ?? 'unset', line: setting?.origin.line ?? 0, via };
}

test('nice_failback: Heartbeat 3.0.6 ignores the value; alone it means legacy, from its own line', () => {
  for (const value of ['on', 'off', 'yes', '0']) {
    const r = failback(`keepalive 1\nnice_failback ${value}\n`);
    assert.equal(r.value, 'legacy', value);
    assert.equal(r.line, 2, value);
    assert.match(r.via ?? '', /^nice_failback (on|off): legacy, run as on$/);
  }
});

test('nice_failback after auto_failback on or off means off, whatever its value; after legacy, legacy', () => {
  for (const auto of ['on', 'off']) {
    for (const nice of ['on', 'off']) {
      const r = failback(`auto_failback ${auto}\nnice_failback ${nice}\n`);
      assert.deepEqual([r.value, r.line], ['off', 2], `auto_failback ${auto}, nice_failback ${nice}`);
      assert.equal(r.via, `nice_failback ${nice} after auto_failback ${auto}`);
    }
  }
  assert.deepEqual(failback('auto_failback legacy\nnice_failback on\n').value, 'legacy');
});

test('an auto_failback line after nice_failback wins, as Heartbeat reads lines in order', () => {
  for (const auto of ['on', 'off', 'legacy'] as const) {
    const r = failback(`nice_failback on\nkeepalive 1\nauto_failback ${auto}\n`);
    assert.deepEqual([r.value, r.line, r.via], [auto, 3, null]);
  }
  assert.deepEqual(failback('auto_failback off\n'), { value: 'off', line: 1, via: null }, 'without nice_failback nothing changes');
});

test('nice_failback: a value that is no boolean is an error (Heartbeat fails too); a second line is an error', () => {
  assert.deepEqual(parseHaCf('nice_failback maybe\n', 'ha.cf').errors.map(formatError), [
    'ha.cf:1: nice_failback: expected on or off (also true/false, yes/no, y/n, 1/0), got "maybe"',
  ]);
  assert.match(formatError(parseHaCf('nice_failback on\nnice_failback off\n', 'ha.cf').errors[0]!), /^ha\.cf:2: nice_failback: expected nice_failback once \(already at ha\.cf:1\)/);
});

test('load: the mapped auto_failback is what Config and check use, with nice_failback as its origin', async (t) => {
  const s = stage('valid', 'minimal');
  t.after(() => s.remove());
  appendFileSync(join(s.dir, 'ha.cf'), '\nnice_failback on\n');
  const haCf = join(s.dir, 'ha.cf');
  const lines = readFileSync(haCf, 'utf8').split('\n');
  const niceLine = lines.indexOf('nice_failback on') + 1;
  const autoLine = lines.findIndex((l) => l.startsWith('auto_failback')) + 1;
  const r = await loadConfig(s.dir, s.node, { scripts: s.scripts, resolve: s.resolve });
  assert.ok(r.ok, r.ok ? '' : r.errors.map(formatError).join('\n'));
  const row = describeSettings(r.config).find((x) => x.name === 'auto_failback')!;
  // minimal says auto_failback off before it: Heartbeat turns nice_failback on into off.
  assert.ok(autoLine > 0 && autoLine < niceLine);
  assert.equal(r.config.autoFailback, 'off');
  assert.equal(row.value, 'off (from nice_failback on after auto_failback off)');
  assert.equal(formatOrigin(row.origin, s.dir), `ha.cf:${niceLine}`);
  assert.ok(r.notices.some((n) => n.directive === 'nice_failback' && n.line === niceLine && /Heartbeat 3\.0\.6/.test(n.message)));
});

// ---- host names -------------------------------------------------------------------------------

const hosts = fakeResolver('10.1.1.1 alpha-hb\n10.1.1.2 beta-hb\n10.0.0.254 gw\n10.0.0.253 gw2\n127.0.1.1 alpha\n');

function values(text: string) {
  const parsed = parseHaCf(text, 'ha.cf');
  assert.deepEqual(parsed.errors.map(formatError), [], text);
  return parsed.values;
}

test('host names: ucast, ping and ping_group names become addresses; the names are kept for check', async () => {
  const r = await resolveHostNames(values('ucast eth1 beta-hb\nucast eth1 10.1.1.9\nping gw 10.0.0.1\nping_group routers gw2 10.0.0.2\n'), 'alpha', hosts);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.values.ucast.map((u) => u.value), [{ dev: 'eth1', peer: '10.1.1.2', host: 'beta-hb' }, { dev: 'eth1', peer: '10.1.1.9' }]);
  assert.deepEqual(r.values.ping.map((p) => p.value), ['10.0.0.254', '10.0.0.1']);
  assert.deepEqual(r.values.pingGroups[0]!.value, { name: 'routers', addresses: ['10.0.0.253', '10.0.0.2'] });
  assert.deepEqual(r.names.map((n) => [n.directive, n.name, n.address, n.origin.line]), [
    ['ucast', 'beta-hb', '10.1.1.2', 1],
    ['ping', 'gw', '10.0.0.254', 3],
    ['ping_group', 'gw2', '10.0.0.253', 4],
  ]);
});

test('host names: each distinct name is asked once, all at once; addresses only asks nothing', async () => {
  const asked: string[] = [];
  const counting: Resolver = async (name) => (asked.push(name), hosts(name));
  await resolveHostNames(values('ucast eth1 beta-hb\nping beta-hb gw\nping_group g beta-hb\n'), 'alpha', counting);
  assert.deepEqual(asked.sort(), ['beta-hb', 'gw']);
  asked.length = 0;
  await resolveHostNames(values('ucast eth1 10.0.0.2\nping 10.0.0.1\n'), 'alpha', counting);
  assert.deepEqual(asked, []);
});

test('host names: unresolvable, silent, loopback and IPv6-only names are FILE:LINE errors', async () => {
  const hostile: Resolver = async (name) => {
    if (name === 'silent') return new Promise<string[]>(() => {});
    if (name === 'v6only') return ['fe80::1', 'not an address'];
    if (name === 'flaky') throw Object.assign(new Error('temporary failure'), { code: 'EAI_AGAIN' });
    return hosts(name);
  };
  const started = Date.now();
  const r = await resolveHostNames(values('ucast eth1 nowhere\nucast eth1 silent\nping v6only\nping flaky\nping_group g gw alpha\n'), 'alpha', hostile, 50);
  assert.ok(Date.now() - started < 2000, 'a resolver that never answers is cut off by the timeout');
  assert.deepEqual(r.errors.map(formatError), [
    'ha.cf:1: ucast: expected a host name with an IPv4 address, got "nowhere" (not found in /etc/hosts or DNS; write the address, or add the name to /etc/hosts on both nodes)',
    'ha.cf:2: ucast: expected a host name with an IPv4 address, got "silent" (no answer within 50ms; write the address, or add the name to /etc/hosts on both nodes)',
    'ha.cf:3: ping: expected a host name with an IPv4 address, got "v6only" (it has no IPv4 address; write the address, or add the name to /etc/hosts on both nodes)',
    'ha.cf:4: ping: expected a host name with an IPv4 address, got "flaky" (lookup failed: EAI_AGAIN; write the address, or add the name to /etc/hosts on both nodes)',
    'ha.cf:5: ping_group: expected a host name with an IPv4 address, got "alpha" (it resolves to 127.0.1.1, a loopback address of this host; write the address, or add the name to /etc/hosts on both nodes)',
  ]);
  assert.deepEqual([r.values.ucast, r.values.ping, r.values.pingGroups], [[], [], []], 'nothing unresolved is left in the values');
});

test('host names: a ucast line naming this node by a name on loopback (Debian 127.0.1.1) opens no link', async () => {
  const r = await resolveHostNames(values('ucast eth1 ALPHA\nucast eth1 beta-hb\n'), 'alpha', hosts);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.values.ucast.map((u) => u.value.peer), ['10.1.1.2']);
  assert.deepEqual(r.notices.map((n) => [n.line, n.message]), [[1, 'ALPHA is this node and resolves to loopback: the line opens no link']]);
});

test('host names: the usual identical ha.cf with both nodes\' names still skips this node\'s own line', async (t) => {
  const s = stage('valid', 'heartbeat-v1-migration');
  t.after(() => s.remove());
  const r = await loadConfig(s.dir, 'alpha', { scripts: s.scripts, resolve: s.resolve });
  assert.ok(r.ok, r.ok ? '' : r.errors.map(formatError).join('\n'));
  const ucast = r.config.media.filter((m) => m.kind === 'ucast');
  assert.deepEqual(ucast.map((m) => m.kind === 'ucast' && m.peer), ['10.1.1.1', '10.1.1.2']);
  // On alpha (10.1.1.1) the daemon's wiring drops the line naming alpha-hb and keeps beta-hb's.
  const own = new Set(['127.0.0.1', '10.1.1.1']);
  assert.deepEqual(ucast.map((m) => m.kind === 'ucast' && udpMedium(m, 694, own)?.kind), [undefined, 'ucast']);
  assert.equal(udpMedium(ucast[0] as Exclude<typeof ucast[0], { kind: 'serial' }>, 694, own), null);
});

test('host names: at most mostHostNames different names are looked up; the rest are errors, not lookups', async () => {
  const asked: string[] = [];
  const counting: Resolver = async (name) => (asked.push(name), ['10.0.0.1']);
  const text = Array.from({ length: mostHostNames + 3 }, (_, i) => `ping host${i}`).join('\n');
  const r = await resolveHostNames(values(text), 'alpha', counting);
  assert.equal(asked.length, mostHostNames);
  assert.deepEqual(r.errors.map((e) => e.line), [mostHostNames + 1, mostHostNames + 2, mostHostNames + 3]);
  assert.match(formatError(r.errors[0]!), /not looked up: more than 32 different host names/);
});

test('host names: hostile words are refused by the parser before any lookup', () => {
  const long = `${'a'.repeat(63)}.`.repeat(4) + 'b';
  for (const word of ['beta_!hb', '-beta', 'beta-', 'a..b', '10.0.0.300', '999', long, 'be ta']) {
    const errors = parseHaCf(`ucast eth1 ${word}\nping ${word}\n`, 'ha.cf').errors;
    assert.ok(errors.length >= 1, `${word} refused`);
  }
  assert.deepEqual(parseHaCf('ucast eth1 db-2.example.net\nping gw_1\n', 'ha.cf').errors, []);
});

test('host names: a configuration without a resolver would never hand a name to a socket', async () => {
  const parsed = parseHaCf('node alpha beta\nucast eth0 beta-hb\nping gw\n', 'ha.cf');
  const built = buildConfig({ dir: '/x', self: 'alpha', haCfFile: 'ha.cf', haresourcesFile: 'haresources', hacf: parsed.values, groups: [], auth: { signIndex: 1, keys: [{ index: 1, method: 'sha256', key: 'k' }] }, scripts: scriptChecks('/nonexistent/tb-config') });
  assert.equal(built.config, null);
  assert.deepEqual(built.errors.map(formatError), [
    'ha.cf:2: ucast: expected an IPv4 address (host names are resolved by loadConfig), got "beta-hb"',
    'ha.cf:3: ping: expected an IPv4 address (host names are resolved by loadConfig), got "gw"',
  ]);
});

test('host names: the system resolver finds localhost in /etc/hosts; a ping node there is refused with FILE:LINE', async (t) => {
  // The one real lookup: localhost comes from /etc/hosts, so no DNS server is asked.
  assert.ok((await systemResolver()('localhost')).some((a) => a.startsWith('127.')));
  const s = stage('valid', 'minimal');
  t.after(() => s.remove());
  appendFileSync(join(s.dir, 'ha.cf'), '\nping localhost\n');
  const r = await loadConfig(s.dir, s.node, { scripts: s.scripts });
  assert.equal(r.ok, false);
  const line = r.ok ? '' : r.errors.map((e) => s.relative(formatError(e))).find((e) => e.includes('localhost'));
  assert.match(line ?? '', /^ha\.cf:\d+: ping: expected a host name with an IPv4 address, got "localhost" \(it resolves to 127\.\d+\.\d+\.\d+, a loopback address of this host;/);
});

// ---- warnings ---------------------------------------------------------------------------------

test('warnings: stonith, stonith_host, watchdog and respawn of dopd each warn per line, with the table\'s text; respawn of ipfail turns uplink tracking on', () => {
  const text = [
    'stonith baytech /etc/ha.d/conf/stonith.baytech',
    'stonith_host * baytech 10.0.0.3 mylogin mysecretpassword',
    'watchdog /dev/watchdog',
    'respawn hacluster /usr/lib/heartbeat/ipfail',
    'respawn hacluster /usr/lib64/heartbeat/dopd',
    'respawn root /usr/local/bin/something',
    'respawn hacluster /usr/lib/heartbeat/dopd',
  ].join('\n');
  const r = parseHaCf(text, 'ha.cf');
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.warnings.map((w) => `${w.line} ${w.directive}`), ['1 stonith', '2 stonith_host', '3 watchdog', '5 respawn', '7 respawn']);
  const table = (name: string, words: string[]) => lostProtections(directiveByName.get(name)!, words)[0]!;
  assert.deepEqual({ lost: r.warnings[0]!.lost, instead: r.warnings[0]!.instead }, { lost: table('stonith', []).lost, instead: table('stonith', []).instead });
  assert.match(r.warnings[0]!.instead, /tb_hook fence/);
  assert.match(r.warnings[2]!.instead, /WatchdogSec=/);
  assert.match(r.warnings[3]!.lost, /^dopd is not run/);
  assert.match(r.warnings[3]!.instead, /^nothing in twinbeat/);
  assert.equal(r.values.ipfail?.origin.line, 4, 'respawn of ipfail turns uplink tracking on');
  assert.equal(formatWarning(r.warnings[2]!), `ha.cf:3: watchdog: ${table('watchdog', []).lost} Instead: ${table('watchdog', []).instead}`);
  // ipfail says what replaces it; the respawn of another program is the one generic notice.
  assert.deepEqual(r.notices.map((n) => `${n.line} ${n.directive}`), ['4 respawn', '6 respawn']);
  assert.match(r.notices[0]!.message, /^ipfail is not run: twinbeat's built-in uplink tracking/);
});

test('warnings: a malformed line is an error, not also a warning; a program merely containing ipfail is no ipfail', () => {
  const bad = parseHaCf('stonith\nrespawn hacluster\n', 'ha.cf');
  assert.equal(bad.errors.length, 2);
  assert.deepEqual(bad.warnings, []);
  const other = parseHaCf('respawn hacluster /usr/lib/heartbeat/ipfail-wrapper\nrespawn x /opt/ipfail/run\n', 'ha.cf');
  assert.deepEqual(other.warnings, []);
  assert.equal(other.values.ipfail, undefined, 'no uplink tracking either');
});

test('warnings come back from loadConfig whether the configuration is valid or not', async (t) => {
  const s = stage('valid', 'minimal');
  t.after(() => s.remove());
  appendFileSync(join(s.dir, 'ha.cf'), '\nwatchdog /dev/watchdog\n');
  const good = await loadConfig(s.dir, s.node, { scripts: s.scripts, resolve: s.resolve });
  assert.ok(good.ok);
  assert.deepEqual(good.warnings.map((w) => w.directive), ['watchdog']);
  writeFileSync(join(s.dir, 'haresources'), 'nobody Dummy::x\n');
  const bad = await loadConfig(s.dir, s.node, { scripts: s.scripts, resolve: s.resolve });
  assert.equal(bad.ok, false);
  assert.deepEqual(bad.warnings.map((w) => w.directive), ['watchdog']);
});
