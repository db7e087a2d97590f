// resources.d/IPaddr and IPv6addr with IPv6 against real interfaces: two namespaces joined by a
// veth pair (ULA fd00:… addresses, only inside namespaces this test creates and removes), the
// floating address added with `nodad` in one namespace, the neighbour in the other re-learning
// its MAC from the unsolicited neighbour advertisements, and duplicate-address detection
// (ndisc6) refusing an address the other namespace already answers for.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { rootSkipReason, type Netns } from '../../scripts/lab/netns.js';
import { commandOf, missingSkipReason } from '../../scripts/lab/requirements.js';
import { sleep, uniquePrefix, waitFor } from '../../scripts/lab/process.js';
import { createIpaddrPair, macOf, type IpaddrPair } from '../support/ipaddr-pair.js';

const skip = rootSkipReason || missingSkipReason(['ndisc6', commandOf('resource-agents'), 'sysctl']);

const prefix = uniquePrefix('tb6');
const NET = 'fd00:7b6:0:1';
const VIP = `${NET}::100`;
const STALE_MAC = '02:00:00:00:00:01';

let pair: IpaddrPair;

before(async () => {
  if (skip) return;
  // Interfaces created after this skip DAD for their own link-local address: ndisc6 needs a
  // usable source address, which otherwise appears only a second after the link comes up.
  pair = await createIpaddrPair(prefix, '192.168.79', (ns) => ns.exec(['sysctl', '-q', '-w', 'net.ipv6.conf.default.accept_dad=0']));
  await pair.a.exec(['ip', '-6', 'addr', 'add', `${NET}::1/64`, 'dev', pair.devA, 'nodad']);
  await pair.b.exec(['ip', '-6', 'addr', 'add', `${NET}::2/64`, 'dev', pair.devB, 'nodad']);
});

after(async () => {
  await pair?.destroy();
});

const inA = (arg: string, action: string, env: Record<string, string> = {}, script = 'IPaddr') => pair.ipaddr(pair.a, arg, action, env, script);
const inB = (arg: string, action: string, env: Record<string, string> = {}, script = 'IPaddr') => pair.ipaddr(pair.b, arg, action, env, script);

/** `ADDR/LEN flags…` for every global IPv6 address on ns's device. */
async function addresses(ns: Netns, dev: string): Promise<string[]> {
  const out = (await ns.exec(['ip', '-o', '-6', 'addr', 'show', 'dev', dev, 'scope', 'global'])).stdout;
  return out.split('\n').filter(Boolean).map((line) => {
    // `2: DEV    inet6 ADDR/LEN scope global [nodad] \       valid_lft ...`
    const f = line.split(/\s+/);
    return [f[3], ...f.slice(6, f.indexOf('\\'))].join(' ');
  });
}

/** The MAC namespace b's neighbour cache holds for ip ('' when it holds none). */
async function neighbourMac(ip: string): Promise<string> {
  const out = (await pair.b.exec(['ip', '-6', 'neigh', 'show', ip, 'dev', pair.devB])).stdout;
  return /lladdr ([0-9a-f:]{17})/.exec(out)?.[1] ?? '';
}

async function staleEntry(ip: string): Promise<void> {
  await pair.b.exec(['ip', '-6', 'neigh', 'replace', ip, 'lladdr', STALE_MAC, 'dev', pair.devB, 'nud', 'stale']);
  assert.equal(await neighbourMac(ip), STALE_MAC);
}

test('start adds the address with nodad (prefix and device from the connected route) and the neighbour learns its MAC from the unsolicited NA', { skip, timeout: 60_000 }, async () => {
  // The neighbour still believes the address lives at the old holder's MAC.
  await staleEntry(VIP);
  const start = await inA(VIP, 'start');
  assert.equal(start.code, 0, start.stderr);
  assert.match(start.stdout, new RegExp(`^IPaddr: added ${VIP}/64 to ${pair.devA}$`, 'm'));
  assert.deepEqual(await addresses(pair.a, pair.devA), [`${VIP}/64 nodad`, `${NET}::1/64 nodad`]);
  const macA = await macOf(pair.a, pair.devA);
  await waitFor(`b's neighbour entry for ${VIP} to show ${macA}`, async () => (await neighbourMac(VIP)) === macA, 10_000);
});

test('start again adds nothing and announces again (what reannounce after a heal runs); status running, exit 0', { skip, timeout: 60_000 }, async () => {
  await sleep(1200); // let the first burst (5 × 200 ms) end, so only the second one can fix the entry
  await staleEntry(VIP);
  const again = await inA(VIP, 'start');
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /already on/);
  assert.equal((await addresses(pair.a, pair.devA)).length, 2);
  const macA = await macOf(pair.a, pair.devA);
  await waitFor(`b's neighbour entry for ${VIP} to show ${macA} again`, async () => (await neighbourMac(VIP)) === macA, 10_000);
  for (const script of ['IPaddr', 'IPv6addr']) {
    const status = await inA(`${VIP}/64/${pair.devA}`, 'status', {}, script);
    assert.deepEqual([status.code, status.stdout.trim()], [0, 'running'], script);
    assert.equal((await inA(VIP, 'monitor', {}, script)).code, 0, script);
  }
});

test('DAD: the other namespace already answers for the address, so start (IPv6addr) fails naming its MAC, adds nothing, announces nothing', { skip, timeout: 60_000 }, async () => {
  // The two namespaces share TB_RUN_DIR: let a's burst from the last test end first.
  const pidfile = join(pair.runDir, `IPaddr-${VIP}.arp.pid`);
  await waitFor("a's announcement burst to end", () => !existsSync(pidfile), 10_000);
  const start = await inB(`${VIP}/64/${pair.devB}`, 'start', { TB_DAD_MS: '1000' }, 'IPv6addr');
  assert.equal(start.code, 1, start.stdout + start.stderr);
  const macA = await macOf(pair.a, pair.devA);
  assert.match(start.stderr, new RegExp(`^ocf-exit-reason:IPv6addr: address ${VIP} in use by MAC ${macA} on ${pair.devB} \\(duplicate-address detection\\): not added`, 'm'));
  assert.deepEqual(await addresses(pair.b, pair.devB), [`${NET}::2/64 nodad`], 'nothing added');
  assert.equal(existsSync(pidfile), false, 'no announcement burst started');
  assert.equal((await inB(VIP, 'status')).stdout.trim(), 'stopped');
});

test('stop removes the address and ends the burst; stop again is ok; status stopped, exit 3 (monitor 7)', { skip, timeout: 60_000 }, async () => {
  const long = await inA(VIP, 'start', { TB_ARP_COUNT: '100' });
  assert.equal(long.code, 0, long.stderr);
  const pidfile = join(pair.runDir, `IPaddr-${VIP}.arp.pid`);
  assert.ok(existsSync(pidfile), 'the 20 s burst is recorded');
  const stop = await inA(VIP, 'stop', {}, 'IPv6addr');
  assert.equal(stop.code, 0, stop.stderr);
  assert.match(stop.stdout, new RegExp(`^IPv6addr: removed ${VIP} from ${pair.devA}$`, 'm'));
  assert.equal(existsSync(pidfile), false, 'stop ended the burst');
  assert.deepEqual(await addresses(pair.a, pair.devA), [`${NET}::1/64 nodad`]);
  const again = await inA(VIP, 'stop');
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /already absent/);
  const status = await inA(VIP, 'status');
  assert.deepEqual([status.code, status.stdout.trim()], [3, 'stopped']);
  assert.equal((await inA(VIP, 'monitor')).code, 7);
});

test('the address is free again once a let it go: b takes it (the failover path)', { skip, timeout: 60_000 }, async () => {
  const start = await inB(VIP, 'start', { TB_ARP_COUNT: '0', TB_DAD_MS: '300' }, 'IPv6addr');
  assert.equal(start.code, 0, start.stderr);
  assert.deepEqual(await addresses(pair.b, pair.devB), [`${VIP}/64 nodad`, `${NET}::2/64 nodad`]);
  assert.equal((await inB(VIP, 'stop')).code, 0);
});

test('explicit prefix and device are used as given; TB_ARP_COUNT=0 announces nothing; no route and no device: exit 6', { skip, timeout: 60_000 }, async () => {
  const arg = `${NET}::101/80/${pair.devA}`;
  await staleEntry(`${NET}::101`);
  const start = await inA(arg, 'start', { TB_ARP_COUNT: '0' });
  assert.equal(start.code, 0, start.stderr);
  assert.ok((await addresses(pair.a, pair.devA)).includes(`${NET}::101/80 nodad`), (await addresses(pair.a, pair.devA)).join('\n'));
  // Without the advertisements nothing corrects the neighbour: the first test's update was theirs.
  await sleep(1500);
  assert.equal(await neighbourMac(`${NET}::101`), STALE_MAC);
  assert.equal((await inA(arg, 'stop')).code, 0);
  const unrouted = await inA('fd00:7b6:99::5', 'start');
  assert.equal(unrouted.code, 6);
  assert.match(unrouted.stderr, /no connected route covers fd00:7b6:99::5; name the device: IPaddr::fd00:7b6:99::5\/CIDR\/DEV/);
});

test('hostile arguments: exit 2 before anything runs, no file created by a substitution (hostile)', { skip, timeout: 60_000 }, async () => {
  const marker = join(pair.runDir, 'pwned');
  const cases = [
    `fe80::1%${pair.devA}`,
    'fe80::1/64',
    'ff02::1',
    '::1',
    `${NET}::1/129`,
    `${NET}::1/64/${pair.devA}:web`,
    `${NET}::1/64/${pair.devA}/${NET}::ff`,
    `${NET}:::1`,
    '::ffff:10.0.0.1',
    `${NET}::1$(touch ${marker})`,
    `${NET}::1/64/$(touch ${marker})`,
    `${NET}::1/\`touch ${marker}\``,
    `${NET}::${'0:'.repeat(30)}1`,
  ];
  for (const arg of cases) {
    for (const script of ['IPaddr', 'IPv6addr']) {
      const r = await inA(arg, 'start', {}, script);
      assert.equal(r.code, 2, `${script} ${arg}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^ocf-exit-reason:${script}: `, 'm'));
    }
  }
  assert.equal(existsSync(marker), false);
  assert.equal((await inA('10.0.0.1', 'status', {}, 'IPv6addr')).code, 2, 'IPv6addr refuses IPv4');
  assert.deepEqual(await addresses(pair.a, pair.devA), [`${NET}::1/64 nodad`], 'nothing added');
});

test('ndisc6 failing (device down) does not block the start: a warning, the address added', { skip, timeout: 60_000 }, async () => {
  const down = `${prefix}-dn`;
  await pair.b.exec(['ip', 'link', 'add', down, 'type', 'veth', 'peer', 'name', `${prefix}-dp`]);
  const arg = 'fd00:7b6:0:2::7/64/' + down;
  const start = await inB(arg, 'start', { TB_ARP_COUNT: '0', TB_DAD_MS: '300' });
  assert.equal(start.code, 0, start.stderr);
  assert.match(start.stderr, /duplicate-address detection for fd00:7b6:0:2::7 on .* failed \(ndisc6 exit 1/);
  assert.equal((await inB(arg, 'status')).code, 0);
  assert.equal((await inB(arg, 'stop')).code, 0);
});
