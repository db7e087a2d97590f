// IPaddr's duplicate-address detection against real interfaces: namespace a holds the floating
// IP (a primary whose daemon was killed with -9 while its machine kept the address); IPaddr
// start in namespace b must find it answering and add nothing, send no ARP burst.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { rootSkipReason, type Netns } from '../../scripts/lab/netns.js';
import { missingSkipReason } from '../../scripts/lab/requirements.js';
import { sleep, uniquePrefix } from '../../scripts/lab/process.js';
import { createIpaddrPair, macOf, type IpaddrPair } from '../support/ipaddr-pair.js';

const skip = rootSkipReason || missingSkipReason(['arping', 'timeout', 'sysctl']);

const prefix = uniquePrefix('tb10');
const VIP = '192.168.78.100';

let pair: IpaddrPair;
let a: Netns;
let b: Netns;
let devA: string;
let devB: string;

before(async () => {
  if (skip) return;
  // No IPv6 chatter (router solicitations, MLD): a's receive counter then counts ARP only.
  pair = await createIpaddrPair(prefix, '192.168.78', (ns) => ns.exec(['sysctl', '-q', '-w', 'net.ipv6.conf.default.disable_ipv6=1']));
  ({ a, b, devA, devB } = pair);
  await a.exec(['ip', 'addr', 'add', `${VIP}/24`, 'dev', devA]);
});

after(async () => {
  await pair?.destroy();
});

const ipaddrInB = (arg: string, action: string, env: Record<string, string> = {}) => pair.ipaddr(b, arg, action, env);

async function addressesOfB(): Promise<string[]> {
  const out = (await b.exec(['ip', '-o', '-4', 'addr', 'show', 'dev', devB])).stdout;
  return out.split('\n').filter(Boolean).map((line) => line.split(/\s+/)[3]!);
}

async function packetsReceivedByA(): Promise<number> {
  return Number((await a.exec(['cat', `/sys/class/net/${devA}/statistics/rx_packets`])).stdout.trim());
}

test('the IP answered for by another host: start fails with exit 1 naming its MAC, adds nothing, sends no ARP', { skip, timeout: 60_000 }, async () => {
  const before = await packetsReceivedByA();
  const start = await ipaddrInB(VIP, 'start', { TB_ARP_COUNT: '5', TB_ARP_INTERVAL_MS: '100', TB_DAD_MS: '1000' });
  assert.equal(start.code, 1, start.stdout + start.stderr);
  const macA = await macOf(a, devA);
  assert.match(start.stderr, new RegExp(`^ocf-exit-reason:IPaddr: address ${VIP.replaceAll('.', '\\.')} in use by MAC ${macA} on ${devB} \\(duplicate-address detection\\)`, 'im'));
  assert.deepEqual(await addressesOfB(), ['192.168.78.2/24'], 'nothing added');
  assert.equal(existsSync(join(pair.runDir, `IPaddr-${VIP}.arp.pid`)), false, 'no ARP burst started');
  // A burst would put 10 packets on the wire within 0.5 s; the DAD probe is one.
  await sleep(1000);
  const received = (await packetsReceivedByA()) - before;
  assert.ok(received <= 2, `a received ${received} packets from b: only the DAD probe expected`);
  assert.equal((await ipaddrInB(VIP, 'status')).stdout.trim(), 'stopped');
});

test('a free IP: start adds it after the probe waited at most TB_DAD_MS', { skip, timeout: 60_000 }, async () => {
  const free = '192.168.78.101';
  const start = await ipaddrInB(free, 'start', { TB_ARP_COUNT: '0', TB_DAD_MS: '100' });
  assert.equal(start.code, 0, start.stderr);
  assert.ok((await addressesOfB()).includes(`${free}/24`));
  // Already on our interface: idempotent start skips the probe (which would see no one else).
  const again = await ipaddrInB(free, 'start', { TB_ARP_COUNT: '0', TB_DAD_MS: '100' });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /already on/);
  assert.equal((await ipaddrInB(free, 'stop')).code, 0);
});

test('TB_DAD_MS=0 skips the check: the duplicate is added (the operator chose so)', { skip, timeout: 60_000 }, async () => {
  const start = await ipaddrInB(VIP, 'start', { TB_ARP_COUNT: '0', TB_DAD_MS: '0' });
  assert.equal(start.code, 0, start.stderr);
  assert.ok((await addressesOfB()).includes(`${VIP}/24`));
  assert.equal((await ipaddrInB(VIP, 'stop')).code, 0);
  assert.equal((await ipaddrInB(VIP, 'start', { TB_DAD_MS: 'soon' })).code, 2, 'a bad TB_DAD_MS is an argument error');
});

test('arping failing (device down) does not block the start: warning, address added', { skip, timeout: 60_000 }, async () => {
  const dummy = `${prefix}-dn`;
  // A veth pair inside b, left down: arping refuses a down interface (exit 2).
  await b.exec(['ip', 'link', 'add', dummy, 'type', 'veth', 'peer', 'name', `${prefix}-dp`]);
  const arg = `192.168.90.7/24/${dummy}`;
  const start = await ipaddrInB(arg, 'start', { TB_ARP_COUNT: '0', TB_DAD_MS: '500' });
  assert.equal(start.code, 0, start.stderr);
  assert.match(start.stderr, /duplicate-address detection for 192\.168\.90\.7 on .* failed \(arping exit 2/);
  assert.equal((await ipaddrInB(arg, 'stop')).code, 0);
});

// ---- probe (issue 13): the check alone, run while the peer is suspect; start then skips it.

test('probe of an IP another host answers for: exit 1 naming its MAC, nothing added', { skip, timeout: 60_000 }, async () => {
  const probe = await ipaddrInB(VIP, 'probe', { TB_DAD_MS: '1000' });
  assert.equal(probe.code, 1, probe.stdout + probe.stderr);
  assert.match(probe.stderr, new RegExp(`in use by MAC ${await macOf(a, devA)}`, 'i'));
  assert.deepEqual(await addressesOfB(), ['192.168.78.2/24'], 'nothing added');
});

test('probe of a free IP: exit 0 after at most TB_DAD_MS, nothing added, no ARP burst', { skip, timeout: 60_000 }, async () => {
  const free = '192.168.78.102';
  const started = Date.now();
  const probe = await ipaddrInB(free, 'probe', { TB_DAD_MS: '100' });
  assert.equal(probe.code, 0, probe.stderr);
  assert.ok(Date.now() - started < 1000, 'bounded by the wait');
  assert.match(probe.stdout, /no reply/);
  assert.deepEqual(await addressesOfB(), ['192.168.78.2/24']);
  assert.equal(existsSync(join(pair.runDir, `IPaddr-${free}.arp.pid`)), false);
});

test('probe that cannot run (device down) is not "free": exit 1, where start would warn and add', { skip, timeout: 60_000 }, async () => {
  const dummy = `${prefix}-pn`;
  await b.exec(['ip', 'link', 'add', dummy, 'type', 'veth', 'peer', 'name', `${prefix}-pp`]);
  const probe = await ipaddrInB(`192.168.91.7/24/${dummy}`, 'probe', { TB_DAD_MS: '500' });
  assert.equal(probe.code, 1, probe.stdout + probe.stderr);
  assert.match(probe.stderr, /cannot tell whether 192\.168\.91\.7 is free/);
});

test('start with TB_DAD_CHECKED=1 adds at once without its own probe; any other value checks as always', { skip, timeout: 60_000 }, async () => {
  const free = '192.168.78.103';
  const started = Date.now();
  const start = await ipaddrInB(free, 'start', { TB_ARP_COUNT: '0', TB_DAD_MS: '2000', TB_DAD_CHECKED: '1' });
  assert.equal(start.code, 0, start.stderr);
  assert.ok(Date.now() - started < 1500, 'the 2 s wait was skipped');
  assert.match(start.stdout, /done before the takeover/);
  assert.equal((await ipaddrInB(free, 'stop')).code, 0);
  for (const value of ['yes', '0', '1 ', '']) {
    const refused = await ipaddrInB(VIP, 'start', { TB_ARP_COUNT: '0', TB_DAD_MS: '1000', TB_DAD_CHECKED: value });
    assert.equal(refused.code, 1, `TB_DAD_CHECKED=${JSON.stringify(value)} must not skip the check`);
  }
  assert.deepEqual(await addressesOfB(), ['192.168.78.2/24']);
});

test('TB_DAD_CHECKED=1 with device and prefix given adds before looking; a second start finds it there (exit 0, one address)', { skip, timeout: 60_000 }, async () => {
  const spec = `192.168.78.104/24/${devB}`;
  const env = { TB_ARP_COUNT: '0', TB_DAD_MS: '2000', TB_DAD_CHECKED: '1' };
  const first = await ipaddrInB(spec, 'start', env);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, new RegExp(`added 192\\.168\\.78\\.104/24 to ${devB} as ${devB}:tb`));
  const again = await ipaddrInB(spec, 'start', env);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /192\.168\.78\.104 already on/);
  assert.equal(again.stderr, '', "the failed add's File exists is not shown: it is the answer, not an error");
  assert.deepEqual((await addressesOfB()).filter((a) => a.startsWith('192.168.78.104/')), ['192.168.78.104/24'], 'added once');
  assert.equal((await ipaddrInB(spec, 'stop')).code, 0);
  const missing = await ipaddrInB('192.168.78.105/24/nosuchdev0', 'start', env);
  assert.equal(missing.code, 6, 'a device that does not exist is refused before any add');
});

test('the first gratuitous ARP pair leaves with the start itself: TB_ARP_COUNT=1 sends it, no background burst', { skip, timeout: 60_000 }, async () => {
  const spec = `192.168.78.106/24/${devB}`;
  const before = await packetsReceivedByA();
  const start = await ipaddrInB(spec, 'start', { TB_ARP_COUNT: '1', TB_ARP_INTERVAL_MS: '100', TB_DAD_CHECKED: '1' });
  assert.equal(start.code, 0, start.stderr);
  assert.equal(existsSync(join(pair.runDir, `IPaddr-192.168.78.106.arp.pid`)), false, 'nothing left to stop');
  await sleep(500);
  const received = (await packetsReceivedByA()) - before;
  assert.ok(received >= 2 && received <= 4, `a received ${received} packets: the -U and -A pair expected`);
  assert.equal((await ipaddrInB(spec, 'stop')).code, 0);
});
