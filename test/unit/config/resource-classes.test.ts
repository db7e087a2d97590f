// The prefixed resource classes in haresources (ocf:PROVIDER:TYPE, ocf::TYPE with NAME=VALUE
// parameters, systemd:UNIT) and ha.cf's env directive: what parses, what is refused with
// FILE:LINE, and hostile input (injection, oversize, bad names). Pure parsing, plus loadConfig
// over a temporary directory with a fake OCF_ROOT for the "missing agent" errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OCF_LIMITS, parseHaresources, parseResource } from '../../../src/config/haresources.js';
import { parseHaCf } from '../../../src/config/hacf.js';
import { DAEMON_SET_HA_NAMES, ENV_LIMITS } from '../../../src/config/directives.js';
import { loadConfig } from '../../../src/config/load.js';
import { scriptChecks } from '../../../src/resources/locate.js';
import { fakeResolver } from './stage.js';

function resource(word: string) {
  const parsed = parseResource(word);
  assert.ok(parsed.ok, `${word}: ${parsed.ok ? '' : parsed.expected}`);
  return parsed.resource;
}

function refused(word: string): string {
  const parsed = parseResource(word);
  assert.equal(parsed.ok, false, `${word} should be refused`);
  return parsed.ok ? '' : `${parsed.expected} ${parsed.hint ?? ''}`;
}

test('ocf:PROVIDER:TYPE and ocf::TYPE (provider heartbeat) with NAME=VALUE parameters', () => {
  assert.deepEqual(resource('ocf:heartbeat:IPaddr2::ip=10.0.0.5::cidr_netmask=24'), {
    id: 'ocf:heartbeat:IPaddr2::ip=10.0.0.5::cidr_netmask=24',
    script: 'ocf:heartbeat:IPaddr2',
    args: ['ip=10.0.0.5', 'cidr_netmask=24'],
  });
  assert.deepEqual(resource('ocf::Dummy'), { id: 'ocf::Dummy', script: 'ocf:heartbeat:Dummy', args: [] });
  assert.equal(resource('ocf:pacemaker:ping::host_list=10.0.0.254').script, 'ocf:pacemaker:ping');
  // An empty value is a value (OCF allows it); `=` inside a value is kept.
  assert.deepEqual(resource('ocf::X::a=::b=c=d').args, ['a=', 'b=c=d']);
});

test("an IPv6 value keeps its own `::`: a piece without NAME= continues the value before it", () => {
  assert.deepEqual(resource('ocf:heartbeat:IPaddr2::ip=fd00::100::cidr_netmask=64').args, ['ip=fd00::100', 'cidr_netmask=64']);
  assert.deepEqual(resource('ocf::IPv6addr::ipv6addr=::1').args, ['ipv6addr=::1']);
  assert.deepEqual(resource('ocf::IPv6addr::ipv6addr=fd00::').args, ['ipv6addr=fd00::']);
});

test('bad OCF names and parameters are refused, saying what was expected', () => {
  assert.match(refused('ocf:IPaddr2'), /ocf:PROVIDER:TYPE/);
  assert.match(refused('ocf:heartbeat:IPaddr2:extra'), /ocf:PROVIDER:TYPE/);
  assert.match(refused('ocf:..:IPaddr2'), /agent provider/);
  assert.match(refused('ocf:heartbeat:.hidden'), /agent type/);
  assert.match(refused('ocf:heartbeat:-x'), /agent type/);
  assert.match(refused(`ocf:heartbeat:${'a'.repeat(65)}`), /at most 64/);
  assert.match(refused('ocf::IPaddr2::10.0.0.5'), /NAME=VALUE/, 'a bare first argument');
  assert.match(refused('ocf::IPaddr2::1ip=10.0.0.5'), /NAME=VALUE/);
  assert.match(refused('ocf::IPaddr2::ip-addr=10.0.0.5'), /NAME=VALUE/);
  assert.match(refused('ocf::IPaddr2::ip=1::ip=2'), /once; ip is given twice/);
  assert.match(refused('ocf::IPaddr2::'), /NAME=VALUE/, 'an empty parameter');
});

test('hostile parameters: shell text stays a value (never parsed here), oversize and too many are refused', () => {
  for (const value of ['$(reboot)', '`id`', 'a;rm${IFS}-rf${IFS}/', "'\"", '>x', '|cat']) {
    assert.deepEqual(resource(`ocf::Dummy::state=${value}`).args, [`state=${value}`], value);
  }
  const longest = 'v'.repeat(OCF_LIMITS.valueBytes);
  assert.equal(resource(`ocf::Dummy::s=${longest}`).args[0], `s=${longest}`);
  assert.match(refused(`ocf::Dummy::s=${longest}v`), new RegExp(`at most ${OCF_LIMITS.valueBytes} bytes`));
  // Bytes, not characters: 512 two-byte characters are 1024 bytes, one more is too many.
  assert.match(refused(`ocf::Dummy::s=${'é'.repeat(OCF_LIMITS.valueBytes / 2 + 1)}`), /bytes/);
  const many = Array.from({ length: OCF_LIMITS.parameters + 1 }, (_, i) => `p${i}=x`).join('::');
  assert.match(refused(`ocf::Dummy::${many}`), new RegExp(`at most ${OCF_LIMITS.parameters} OCF parameters`));
  assert.match(refused(`ocf::Dummy::${'N'.repeat(65)}=x`), /NAME=VALUE/);
});

test('systemd:UNIT: .service added when no unit suffix, never an option, no arguments', () => {
  assert.deepEqual(resource('systemd:nginx'), { id: 'systemd:nginx', script: 'systemd:nginx.service', args: [] });
  assert.equal(resource('systemd:nginx.service').script, 'systemd:nginx.service');
  assert.equal(resource('systemd:getty@tty1.service').script, 'systemd:getty@tty1.service');
  assert.equal(resource('systemd:mnt-data\\x2dfast.mount').script, 'systemd:mnt-data\\x2dfast.mount');
  assert.equal(resource('systemd:postgresql@15-main').script, 'systemd:postgresql@15-main.service');
  assert.match(refused('systemd:--root=/tmp'), /not starting with -/);
  assert.match(refused('systemd:-H'), /not starting with -/);
  assert.match(refused('systemd:.hidden'), /not starting with/);
  assert.match(refused('systemd:'), /unit name/);
  assert.match(refused('systemd:a$(id)'), /unit name/);
  assert.match(refused('systemd:a/b'), /unit name/);
  assert.match(refused('systemd:nginx::reload'), /without :: arguments/);
  assert.match(refused(`systemd:${'u'.repeat(256)}`), /unit name/);
});

test('an unknown class is refused; IPv4 labels and IPv6 literals are not mistaken for a class', () => {
  for (const word of ['lsb:apache2', 'stonith:fence_ipmilan', 'service:nginx', 'upstart:x', 'nagios:check']) {
    assert.match(refused(word), /a resource class twinbeat runs \(ocf:PROVIDER:TYPE, ocf::TYPE or systemd:UNIT/, word);
  }
  assert.equal(resource('10.0.0.20/24/eth0:1/10.0.0.255').script, 'IPaddr');
  assert.match(refused('fd00:1::5/64/eth0'), /write an IPv6 address with its script/);
});

test('haresources errors carry FILE:LINE for each bad class or parameter', () => {
  const text = ['alpha ocf:heartbeat:IPaddr2::ip=10.0.0.5 systemd:nginx', 'beta lsb:apache2', '# comment', 'beta ocf::Dummy::x', 'alpha systemd:-H'].join('\n');
  const r = parseHaresources(text, '/etc/ha.d/haresources');
  assert.deepEqual(r.errors.map((e) => `${e.file}:${e.line}`), ['/etc/ha.d/haresources:2', '/etc/ha.d/haresources:4', '/etc/ha.d/haresources:5']);
  assert.deepEqual(r.groups.map((g) => g.resources.map((x) => x.script)), [['ocf:heartbeat:IPaddr2', 'systemd:nginx.service']]);
});

test('env NAME=VALUE: several per line and per file, each becomes one entry with its line', () => {
  const r = parseHaCf('env FOO=bar BAZ=\nenv PATHISH=/a:/b\n', '/etc/ha.d/ha.cf');
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.values.env.map((e) => [e.value.name, e.value.value, e.origin.line]), [['FOO', 'bar', 1], ['BAZ', '', 1], ['PATHISH', '/a:/b', 2]]);
});

test('hostile env lines are refused with FILE:LINE: bad names, oversize values, repeats; commas split as in Heartbeat', () => {
  const lines = [
    'env 1BAD=x',
    'env BAD-NAME=x',
    'env =x',
    'env NOVALUE',
    `env ${'N'.repeat(ENV_LIMITS.nameLength + 1)}=x`,
    `env BIG=${'v'.repeat(ENV_LIMITS.valueBytes + 1)}`,
    'env TWICE=1',
    'env TWICE=2',
    'env LIST=a,b',
  ];
  const r = parseHaCf(lines.join('\n') + '\n', '/etc/ha.d/ha.cf');
  assert.deepEqual(r.errors.map((e) => `${e.file}:${e.line}`), [1, 2, 3, 4, 5, 6, 8, 9].map((n) => `/etc/ha.d/ha.cf:${n}`));
  assert.match(r.errors[5]!.expected, new RegExp(`at most ${ENV_LIMITS.valueBytes} bytes`));
  assert.match(r.errors[6]!.expected, /TWICE is already at \/etc\/ha\.d\/ha\.cf:7/);
  // `a,b` is LIST=a then a token `b` without `=`: refused, LIST=a kept (Heartbeat's own splitting).
  assert.deepEqual(r.values.env.map((e) => `${e.value.name}=${e.value.value}`), ['TWICE=1', 'LIST=a']);
  assert.equal(parseHaCf(`env OK=${'v'.repeat(ENV_LIMITS.valueBytes)}\n`, 'f').errors.length, 0);
});

test('env names the daemon sets itself are ignored with a notice, as Heartbeat overwrote them', () => {
  const r = parseHaCf(DAEMON_SET_HA_NAMES.map((n) => `env ${n}=x`).join('\n') + '\nenv RSCTMP=/run/mine\n', 'ha.cf');
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.values.env.map((e) => e.value.name), ['RSCTMP']);
  assert.equal(r.notices.filter((n) => n.directive === 'env' && /set by twinbeat itself/.test(n.message)).length, DAEMON_SET_HA_NAMES.length);
});

/** A configuration directory with these haresources lines, and an OCF_ROOT holding `agents`. */
function configDir(haresources: string, agents: string[], envLines = ''): { dir: string; ocfRoot: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'h15c-config-'));
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'ha.cf'), `node alpha\nnode beta\nbcast lo\nauto_failback on\n${envLines}`);
  writeFileSync(join(dir, 'haresources'), haresources);
  writeFileSync(join(dir, 'authkeys'), 'auth 1\n1 sha1 secret\n', { mode: 0o600 });
  const ocfRoot = join(dir, 'ocf');
  for (const agent of agents) {
    const [provider, type] = agent.split(':') as [string, string];
    mkdirSync(join(ocfRoot, 'resource.d', provider), { recursive: true, mode: 0o755 });
    writeFileSync(join(ocfRoot, 'resource.d', provider, type), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  }
  return { dir, ocfRoot, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

async function load(c: { dir: string; ocfRoot: string }) {
  return loadConfig(c.dir, 'alpha', { scripts: scriptChecks(c.dir, [join(c.dir, 'resource.d')], c.ocfRoot), resolve: fakeResolver('') });
}

test('load: ocf agents found under OCF_ROOT/resource.d/PROVIDER/TYPE, env lines become HA_NAME', { skip: process.getuid?.() !== 0 ? 'authkeys must be owned by root' : false }, async () => {
  const c = configDir('alpha ocf:heartbeat:IPaddr2::ip=10.0.0.5 ocf::Dummy::state=x\n', ['heartbeat:IPaddr2', 'heartbeat:Dummy'], 'env RSCTMP=/run/h15c\n');
  try {
    const r = await load(c);
    assert.ok(r.ok, JSON.stringify(r));
    const [ip, dummy] = r.config.groups[0]!.resources;
    assert.deepEqual([ip!.class, ip!.path], ['ocf', join(c.ocfRoot, 'resource.d/heartbeat/IPaddr2')]);
    assert.deepEqual([dummy!.class, dummy!.script, dummy!.args], ['ocf', 'ocf:heartbeat:Dummy', ['state=x']]);
    assert.deepEqual(r.config.env, { HA_RSCTMP: '/run/h15c' });
    assert.equal(r.config.origins['env RSCTMP'] !== 'default', true);
  } finally {
    c.remove();
  }
});

test('load: a missing OCF agent is an error at the haresources line, naming the path looked at', { skip: process.getuid?.() !== 0 ? 'authkeys must be owned by root' : false }, async () => {
  const c = configDir('alpha ocf:heartbeat:IPaddr2::ip=10.0.0.5\n\nbeta ocf:acme:Nope\n', ['heartbeat:IPaddr2']);
  try {
    const r = await load(c);
    assert.equal(r.ok, false);
    const errors = r.ok ? [] : r.errors;
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.equal(`${errors[0]!.file}:${errors[0]!.line}`, `${join(c.dir, 'haresources')}:3`);
    assert.match(errors[0]!.hint ?? '', new RegExp(`Cannot locate OCF agent ocf:acme:Nope: no executable ${join(c.ocfRoot, 'resource.d/acme/Nope').replace(/[.]/g, '\\.')}`));
  } finally {
    c.remove();
  }
});
