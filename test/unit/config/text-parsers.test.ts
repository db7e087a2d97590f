// The pure text layers: lexer, durations, ha.cf directives, haresources and authkeys syntax.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lex } from '../../../src/config/lexer.js';
import { parseDuration, formatDuration } from '../../../src/config/duration.js';
import { parseHaCf } from '../../../src/config/hacf.js';
import { parseHaresources } from '../../../src/config/haresources.js';
import { parseAuthkeys } from '../../../src/config/authkeys.js';
import { formatError, suggest } from '../../../src/config/errors.js';
import { directives, lostProtections } from '../../../src/config/directives.js';

test('lexer: comments anywhere, tabs, trailing blanks, blank lines, line numbers', () => {
  const lines = lex('# head\n\nnode\talpha   # first\n  keepalive 2  \n#x\n', 'f');
  assert.deepEqual(lines, [
    { file: 'f', line: 3, words: ['node', 'alpha'] },
    { file: 'f', line: 4, words: ['keepalive', '2'] },
  ]);
});

test('lexer: backslash continuation keeps the first line number; CRLF is fine', () => {
  const lines = lex('alpha a \\\r\n  b \\  \n c\nbeta d\n', 'f', { continuation: true });
  assert.deepEqual(lines.map((l) => [l.line, l.words]), [[1, ['alpha', 'a', 'b', 'c']], [4, ['beta', 'd']]]);
});

test('lexer: leading-only comments keep a # inside a value', () => {
  assert.deepEqual(lex('  # c\n1 md5 a#b\n', 'f', { comments: 'leading' })[0]!.words, ['1', 'md5', 'a#b']);
});

test('durations: bare seconds with fractions, ms/msec, s, us/usec; unknown units rejected', () => {
  const ok = (t: string) => {
    const r = parseDuration(t);
    assert.ok(r.ok, t);
    return r.ms;
  };
  assert.equal(ok('2'), 2000);
  assert.equal(ok('1.5'), 1500);
  assert.equal(ok('.5'), 500);
  assert.equal(ok('200ms'), 200);
  assert.equal(ok('200msec'), 200);
  assert.equal(ok('3s'), 3000);
  assert.equal(ok('1500us'), 1.5);
  assert.equal(ok('2000usec'), 2);
  for (const bad of ['', '5m', '1h', '-1', '1e3', 'ms', '1.2.3', ' 1', '10 s', 'NaN', 'Infinity']) {
    assert.equal(parseDuration(bad).ok, false, bad);
  }
  assert.equal(formatDuration(1500), '1.5s');
  assert.equal(formatDuration(200), '200ms');
  assert.equal(formatDuration(1234), '1234ms');
});

test('error format and suggestions', () => {
  assert.equal(formatError({ file: 'ha.cf', line: 3, directive: 'keepalive', expected: 'X', got: 'Y' }), 'ha.cf:3: keepalive: expected X, got Y');
  assert.equal(formatError({ file: 'ha.cf', line: 0, directive: 'media', expected: 'X', got: 'Y', hint: 'h' }), 'ha.cf: media: expected X, got Y (h)');
  assert.equal(suggest('deadtme', directives.map((d) => d.name)), 'deadtime');
  assert.equal(suggest('auto_fallback', directives.map((d) => d.name)), 'auto_failback');
  assert.equal(suggest('zzzzzz', directives.map((d) => d.name)), null);
});

test('ha.cf: values split on blanks and commas; node names lower-cased', () => {
  const r = parseHaCf('node Alpha,beta\nbcast eth0, eth1 eth2\nserial /dev/ttyS0,/dev/ttyS1\n', 'ha.cf');
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.values.nodes.map((n) => n.value), ['alpha', 'beta']);
  assert.deepEqual(r.values.bcast.map((n) => n.value), ['eth0', 'eth1', 'eth2']);
  assert.deepEqual(r.values.serial.map((n) => n.value), ['/dev/ttyS0', '/dev/ttyS1']);
  assert.deepEqual(r.values.nodes[1]!.origin, { file: 'ha.cf', line: 1 });
});

test('ha.cf: booleans accept every Heartbeat spelling, case-insensitively', () => {
  for (const w of ['true', 'ON', 'Yes', 'y', '1', 'false', 'OFF', 'no', 'N', '0']) {
    const r = parseHaCf(`realtime ${w}\n`, 'ha.cf');
    assert.deepEqual(r.errors, [], w);
  }
  const bad = parseHaCf('realtime maybe\n', 'ha.cf');
  assert.equal(bad.errors.length, 1);
  assert.equal(bad.errors[0]!.line, 1);
});

test('ha.cf: every accepted-but-ignored directive gets exactly one notice (or a warning per line giving up a protection), never an error', () => {
  const samples: Record<string, string> = {
    nice_failback: 'on', use_logd: 'yes', conn_logd_time: '60', syslogmsgfmt: 'on', log_badpack: 'off',
    respawn: 'root /usr/local/bin/something', failfast: 'hacluster /usr/lib/x', apiauth: 'ipfail gid=haclient uid=hacluster',
    stonith: 'baytech /etc/ha.d/conf/stonith.baytech', stonith_host: '* baytech 10.0.0.3 mylogin mysecretpassword',
    watchdog: '/dev/watchdog', realtime: 'on', rtprio: '5', memreserve: '6500', hopfudge: '1', compression: 'bz2',
    compression_threshold: '2', traditional_compression: 'no', msgfmt: 'netstring', max_rexmit_delay: '250',
    hbgenmethod: 'time', uuidfrom: 'nodename', env: 'FOO=bar', coredumps: 'true', coreroot: '/var/lib/heartbeat/cores',
    use_apphbd: 'no', cluster: 'web', mcast6: 'eth0 ff02::1 694 1 0', ucast6: 'eth0 fe80::1', ping6: 'fe80::1',
    quorum_server: 'q1', crm_daemon_dir: '/usr/lib/pacemaker', crmd_spawns_pengine: 'no', record_config_changes: 'on',
    record_pengine_inputs: 'on', enable_config_writes: 'on', ping: '10.0.0.1', ping_group: 'routers 10.0.0.1 10.0.0.2', deadping: '30',
  };
  const ignored = directives.filter((d) => d.kind === 'accepted-notice');
  assert.deepEqual(ignored.map((d) => d.name).filter((n) => !(n in samples)), [], 'every ignored directive has a sample here');
  for (const d of ignored) {
    const line = `${d.name} ${samples[d.name]}`;
    const r = parseHaCf(`${line}\n${d.repeatable ? line : ''}\n`, 'ha.cf');
    assert.deepEqual(r.errors, [], line);
    if (lostProtections(d, samples[d.name]!.split(' ')).length > 0) {
      assert.equal(r.notices.length, 0, `${line}: a warning instead of a notice`);
      assert.equal(r.warnings.length, d.repeatable ? 2 : 1, `${line}: one warning per line`);
      continue;
    }
    assert.deepEqual(r.warnings, [], line);
    assert.equal(r.notices.length, 1, `${line}: one notice`);
    assert.match(r.notices[0]!.message, /not acted on/);
  }
});

test('ha.cf: crm/pacemaker only off; autojoin only none', () => {
  for (const ok of ['crm off', 'crm no', 'pacemaker false', 'autojoin none']) assert.deepEqual(parseHaCf(ok, 'f').errors, [], ok);
  for (const bad of ['crm on', 'crm respawn', 'pacemaker yes', 'autojoin any', 'autojoin other']) {
    assert.equal(parseHaCf(bad, 'f').errors.length, 1, bad);
  }
  assert.match(formatError(parseHaCf('crm respawn', 'f').errors[0]!), /haresources \(v1\) mode/);
});

test('ha.cf: unknown directive is an error with a suggestion; names are case-sensitive', () => {
  const r = parseHaCf('keepalive 1\nkeepalvie 2\nKEEPALIVE 3\nfrobnicate 1\n', 'ha.cf');
  assert.deepEqual(r.errors.map(formatError), [
    'ha.cf:2: keepalvie: expected a known ha.cf directive, got "keepalvie" (did you mean keepalive?)',
    'ha.cf:3: KEEPALIVE: expected a known ha.cf directive, got "KEEPALIVE" (directive names are lower case: keepalive)',
    'ha.cf:4: frobnicate: expected a known ha.cf directive, got "frobnicate"',
  ]);
});

test('ha.cf: auto_failback legacy is kept as legacy with a notice', () => {
  const r = parseHaCf('auto_failback legacy\n', 'ha.cf');
  assert.equal(r.values.autoFailback?.value, 'legacy');
  assert.match(r.notices[0]!.message, /treats it as on/);
});

test('ha.cf: tb_monitor options and defaults', () => {
  const r = parseHaCf('tb_monitor web interval=1s failures=5\ntb_monitor db\n', 'ha.cf');
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.values.monitors.map((m) => m.value), [
    { id: 'web', intervalMs: 1000, timeoutMs: 10000, failures: 5, restarts: 1 },
    { id: 'db', intervalMs: 5000, timeoutMs: 10000, failures: 3, restarts: 1 },
  ]);
});

test('haresources: bare IPs mean IPaddr, :: splits arguments, owner lower-cased', () => {
  const r = parseHaresources('Alpha 10.0.0.1/24/eth0/10.0.0.255 Filesystem::/dev/sda1::/data::ext4 \\\n  apache2 # web\n', 'har');
  assert.deepEqual(r.errors, []);
  assert.equal(r.groups.length, 1);
  const g = r.groups[0]!;
  assert.equal(g.owner, 'alpha');
  assert.equal(g.key, 'IPaddr::10.0.0.1/24/eth0/10.0.0.255');
  assert.deepEqual(g.resources, [
    { id: 'IPaddr::10.0.0.1/24/eth0/10.0.0.255', script: 'IPaddr', args: ['10.0.0.1/24/eth0/10.0.0.255'] },
    { id: 'Filesystem::/dev/sda1::/data::ext4', script: 'Filesystem', args: ['/dev/sda1', '/data', 'ext4'] },
    { id: 'apache2', script: 'apache2', args: [] },
  ]);
});

test('haresources: bad resources and duplicate keys are reported with their line', () => {
  const r = parseHaresources('a 10.0.0.1\nb 10.0.0.1\nc ../evil\nd x::::y\ne IPaddr2::300.1.1.1\n', 'har');
  assert.deepEqual(r.errors.map((e) => e.line), [2, 3, 4, 5]);
  assert.match(formatError(r.errors[0]!), /unique group key/);
});

test('authkeys: signing index, several keys, # inside a key, crc notice', () => {
  const r = parseAuthkeys('# c\nauth 2\n1 crc\n2 SHA256 k#ey\n15 md5 x\n', 'ak');
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.auth, {
    signIndex: 2,
    keys: [
      { index: 1, method: 'crc', key: '' },
      { index: 2, method: 'sha256', key: 'k#ey' },
      { index: 15, method: 'md5', key: 'x' },
    ],
  });
  assert.equal(r.notices.length, 1);
  assert.match(r.notices[0]!.message, /authenticates nothing/);
});

test('authkeys: index out of range, duplicate index, key with spaces', () => {
  const r = parseAuthkeys('auth 1\n1 md5 a\n1 sha1 b\n16 md5 c\n2 sha1 two words\n', 'ak');
  assert.deepEqual(r.errors.map((e) => e.line), [3, 4, 5]);
  assert.equal(r.auth, null);
});
