// haresources with IPv6 floating addresses: the address scripts (IPaddr, IPaddr2, IPv6addr) keep
// everything after the first `::` as their one argument, so the literal's own `::` survives;
// hostile spellings (zone ids, dotted tails, over-long text, shell metacharacters) are refused
// with the line number before any script could see them. Pure: parses text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHaresources, parseResource, ipv6Groups } from '../../../src/config/haresources.js';
import { formatError } from '../../../src/config/errors.js';

test('IPaddr and IPv6addr take the IPv6 literal whole: `IPaddr::fd00::100/64/eth0` is one argument', () => {
  const r = parseHaresources('alpha IPaddr::fd00::100/64/eth0 IPv6addr::fd00:0:0:1::5/64 IPaddr2::2001:db8::7 Filesystem::/dev/sda1::/data\n', 'har');
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.groups[0]!.resources, [
    { id: 'IPaddr::fd00::100/64/eth0', script: 'IPaddr', args: ['fd00::100/64/eth0'] },
    { id: 'IPv6addr::fd00:0:0:1::5/64', script: 'IPv6addr', args: ['fd00:0:0:1::5/64'] },
    { id: 'IPaddr2::2001:db8::7', script: 'IPaddr2', args: ['2001:db8::7'] },
    // Other scripts still split every `::`, as Heartbeat's ResourceManager does.
    { id: 'Filesystem::/dev/sda1::/data', script: 'Filesystem', args: ['/dev/sda1', '/data'] },
  ]);
  assert.equal(r.groups[0]!.key, 'IPaddr::fd00::100/64/eth0');
});

test('IPv6 spellings that are the same address parse; full and compressed forms expand alike', () => {
  for (const ok of ['fd00::1', 'FD00::1/128', '::ffff:a00:1', 'fd00:1:2:3:4:5:6:7', 'fd00:1:2:3:4:5:6::', 'fd00::1/64/eth0', 'fd00::1//eth0', 'fd00::1/64/']) {
    const parsed = parseResource(`IPv6addr::${ok}`);
    assert.equal(parsed.ok, true, `${ok}: ${JSON.stringify(parsed)}`);
  }
  assert.deepEqual(ipv6Groups('fd00::100'), [0xfd00, 0, 0, 0, 0, 0, 0, 0x100]);
  assert.deepEqual(ipv6Groups('fd00:0:0:0:0:0:0:100'), ipv6Groups('fd00::100'));
  assert.deepEqual(ipv6Groups('::'), [0, 0, 0, 0, 0, 0, 0, 0]);
});

test('malformed IPv6 is refused with a reason (hostile)', () => {
  const cases: [string, RegExp][] = [
    ['fd00:::1', /hex groups/],
    ['fd00::1::2', /hex groups/],
    ['fd00:1:2:3:4:5:6:7:8', /hex groups/],
    ['fd00:1:2:3:4:5:6', /hex groups/], // seven groups and no ::
    ['fd00:1:2:3::4:5:6:7', /hex groups/], // :: standing for no group at all
    ['fd000::1', /hex groups/],
    ['fd00::g1', /hex groups/],
    ['::ffff:10.0.0.1', /hex groups/], // dotted tail: IPaddr would not accept it
    ['fd00:1', /hex groups/],
    [':fd00::1', /hex groups/],
    ['fd00::1:', /hex groups/],
    [`fd00:${'0:'.repeat(20)}:1`, /hex groups/], // too long
    ['fe80::1%eth0', /zone id/],
    ['fd00::1%25eth0/64', /zone id/],
    ['fe80::1/64/eth0', /link-local/],
    ['febf::1', /link-local/],
    ['ff02::1', /multicast/],
    ['::', /not :: or ::1/],
    ['::1', /not :: or ::1/],
    ['fd00::1/0', /prefix length 1-128/],
    ['fd00::1/129', /prefix length 1-128/],
    ['fd00::1/64.0', /prefix length 1-128/],
    ['fd00::1/255.255.255.0', /prefix length 1-128/],
    ['fd00::1/0064', /prefix length 1-128/],
    ['fd00::1/64/eth0:web', /no :LABEL/],
    ['fd00::1/64/an-interface-name-too-long', /interface name/],
    ['fd00::1/64/eth0/fd00::ff', /no broadcast/],
    ['fd00::1/64/eth0/x/y', /no broadcast/],
  ];
  for (const [arg, reason] of cases) {
    const parsed = parseResource(`IPaddr::${arg}`);
    assert.equal(parsed.ok, false, arg);
    if (!parsed.ok) assert.match(parsed.expected, reason, arg);
  }
});

test('shell metacharacters never reach a script: every field refuses them (hostile)', () => {
  const nasty = ['$(touch /tmp/pwned)', '`id`', ';reboot', '|sh', '&', '>x', '<x', "'", '"', '\\', '*', '?', '{a,b}', '~root', '!', '#', ' ', '\t', '\n', '\0', '%'];
  for (const bad of nasty) {
    for (const arg of [`fd00::1${bad}`, `fd00::1/64${bad}`, `fd00::1/64/eth0${bad}`, `${bad}fd00::1/64/eth0`]) {
      for (const script of ['IPaddr', 'IPaddr2', 'IPv6addr']) {
        const parsed = parseResource(`${script}::${arg}`);
        assert.equal(parsed.ok, false, `${script}::${JSON.stringify(arg)} was accepted`);
      }
    }
  }
  // The IPv4 form too: still IP[/CIDR[/IFACE[/BROADCAST]]] and nothing more.
  assert.equal(parseResource('IPaddr::10.0.0.1/24/eth0/10.0.0.255/$(id)').ok, false);
  assert.equal(parseResource('IPaddr::10.0.0.1::$(id)').ok, false);
});

test('errors carry the line; a bare IPv6 address is refused with a hint to name the script', () => {
  const r = parseHaresources('a IPaddr::fd00::1/64/eth0\nb fd00:1::1/64/eth0\nc IPv6addr::fe80::1%eth0\nd IPv6addr\ne IPv6addr::\n', 'har');
  assert.deepEqual(r.groups.map((g) => g.owner), ['a']);
  assert.deepEqual(r.errors.map((e) => e.line), [2, 3, 4, 5]);
  assert.match(formatError(r.errors[0]!), /IPv6addr::ADDR\/PREFIX\/IFACE/);
  assert.match(formatError(r.errors[1]!), /zone id/);
  assert.match(formatError(r.errors[2]!), /an address argument/);
});

test('the same IPv6 resource twice is a duplicate, like IPv4', () => {
  const r = parseHaresources('a IPaddr::fd00::1/64\nb IPaddr::fd00::1/64\n', 'har');
  assert.deepEqual(r.errors.map((e) => e.line), [2]);
  assert.match(formatError(r.errors[0]!), /unique group key/);
});
