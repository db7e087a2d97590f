// resources.d/IPaddr against real interfaces: two namespaces joined by a veth pair, the
// floating IP added and removed inside one of them, and the neighbour in the other namespace
// re-learning the floating IP's MAC from the gratuitous ARP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { rootSkipReason, type Netns } from '../../scripts/lab/netns.js';
import { missingSkipReason } from '../../scripts/lab/requirements.js';
import { uniquePrefix, waitFor } from '../../scripts/lab/process.js';
import { ScriptRunner } from '../../src/resources/runner.js';
import { isRunning, waitGone, type ScriptDir } from '../support/scripts.js';
import { createIpaddrPair, macOf, type IpaddrPair } from '../support/ipaddr-pair.js';

const skip = rootSkipReason || missingSkipReason(['arping']);

const VIP = '192.168.77.100';
const STALE_MAC = '02:00:00:00:00:01';

let pair: IpaddrPair;
let a: Netns;
let b: Netns;
let devA: string;
let devB: string;
let scripts: ScriptDir;
let runDir: string;

before(async () => {
  if (skip) return;
  pair = await createIpaddrPair(uniquePrefix('tb4'), '192.168.77');
  ({ a, b, devA, devB, scripts, runDir } = pair);
});

after(async () => {
  await pair?.destroy();
});

/** Runs IPaddr inside namespace a, as twinbeat would: `IPaddr ARG ACTION`. */
const ipaddr = (arg: string, action: string, env: Record<string, string> = {}) => pair.ipaddr(a, arg, action, env);

/** `DEV ADDR/LEN LABEL` for every IPv4 address on namespace a's veth. */
async function addresses(): Promise<string[]> {
  const out = (await a.exec(['ip', '-o', '-4', 'addr', 'show', 'dev', devA])).stdout;
  return out.split('\n').filter(Boolean).map((line) => {
    // `2: DEV    inet ADDR/LEN [brd B] scope global [secondary] LABEL\       valid_lft ...`
    const f = line.split(/\s+/);
    const label = f.find((w) => w.endsWith('\\'))?.slice(0, -1) ?? '';
    return `${f[1]} ${f[3]} ${label}`;
  });
}

async function neighbourMac(): Promise<string> {
  const out = (await b.exec(['ip', 'neigh', 'show', VIP, 'dev', devB])).stdout;
  return /lladdr ([0-9a-f:]{17})/.exec(out)?.[1] ?? '';
}

test('start derives the device and prefix from the connected route and tells the neighbour (gratuitous ARP)', { skip, timeout: 60_000 }, async () => {
  // The neighbour still believes the floating IP lives at the old owner's MAC. Linux ignores
  // ARP that would change an entry updated less than locktime (1 s) ago, so let it age first,
  // as a real neighbour's entry would have.
  await b.exec(['ip', 'neigh', 'replace', VIP, 'lladdr', STALE_MAC, 'dev', devB, 'nud', 'stale']);
  assert.equal(await neighbourMac(), STALE_MAC);
  await new Promise((r) => setTimeout(r, 1500));

  const start = await ipaddr(VIP, 'start');
  assert.equal(start.code, 0, start.stderr);
  assert.deepEqual(await addresses(), [`${devA} 192.168.77.1/24 ${devA}`, `${devA} ${VIP}/24 ${devA}:tb`]);

  const macA = await macOf(a, devA);
  await waitFor(`neighbour entry for ${VIP} to show ${macA}`, async () => (await neighbourMac()) === macA, 10_000);
});

test('start again is ok and adds nothing; status says running with exit 0 (monitor 0)', { skip, timeout: 60_000 }, async () => {
  const again = await ipaddr(VIP, 'start');
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /already on/);
  assert.equal((await addresses()).length, 2);
  const status = await ipaddr(VIP, 'status');
  assert.deepEqual([status.code, status.stdout.trim()], [0, 'running']);
  assert.equal((await ipaddr(VIP, 'monitor')).code, 0);
});

test('through the ScriptRunner the heartbeat-class verdicts are ok / not-running', { skip, timeout: 60_000 }, async () => {
  const wrapper = join(scripts.dir, 'IPaddr-in-ns');
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${a.name} ${scripts.path('IPaddr')} "$@"\n`);
  chmodSync(wrapper, 0o755);
  const runner = new ScriptRunner();
  const spec = { id: `IPaddr::${VIP}`, script: 'IPaddr', args: [VIP], path: wrapper, class: 'heartbeat' as const };
  const opts = { timeoutMs: 20_000, env: { TB_RUN_DIR: runDir } };
  assert.equal((await runner.run(spec, 'status', opts)).outcome, 'ok');
  assert.equal((await runner.run({ ...spec, args: ['192.168.77.99'] }, 'monitor', opts)).outcome, 'not-running');
});

test('stop deletes the address; stop again is ok; status says stopped with exit 3 (monitor 7)', { skip, timeout: 60_000 }, async () => {
  const stop = await ipaddr(VIP, 'stop');
  assert.equal(stop.code, 0, stop.stderr);
  assert.deepEqual(await addresses(), [`${devA} 192.168.77.1/24 ${devA}`]);
  const again = await ipaddr(VIP, 'stop');
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /already absent/);
  const status = await ipaddr(VIP, 'status');
  assert.deepEqual([status.code, status.stdout.trim()], [3, 'stopped']);
  assert.equal((await ipaddr(VIP, 'monitor')).code, 7);
});

test('explicit prefix, device and label are used as given', { skip, timeout: 60_000 }, async () => {
  const arg = `192.168.77.101/28/${devA}:web`;
  const start = await ipaddr(arg, 'start', { TB_ARP_COUNT: '0' });
  assert.equal(start.code, 0, start.stderr);
  assert.ok((await addresses()).includes(`${devA} 192.168.77.101/28 ${devA}:web`), (await addresses()).join('\n'));
  assert.equal((await ipaddr(arg, 'stop')).code, 0);
  assert.equal((await addresses()).length, 1);
});

test('stop ends a still-running ARP burst (pidfile in TB_RUN_DIR)', { skip, timeout: 60_000 }, async () => {
  const start = await ipaddr(VIP, 'start', { TB_ARP_COUNT: '100', TB_ARP_INTERVAL_MS: '200' });
  assert.equal(start.code, 0, start.stderr);
  const pidfile = join(runDir, `IPaddr-${VIP}.arp.pid`);
  assert.ok(existsSync(pidfile), 'start recorded the ARP burst');
  const pid = Number(readFileSync(pidfile, 'utf8').trim());
  assert.ok(isRunning(pid), 'the 20 s burst is still running after start returned');
  const stop = await ipaddr(VIP, 'stop');
  assert.equal(stop.code, 0, stop.stderr);
  assert.ok(await waitGone([pid]), 'stop killed the burst');
  assert.equal(existsSync(pidfile), false);
});

test('no connected route and no device: refused with exit 6 and a reason; bad input exit 2', { skip, timeout: 60_000 }, async () => {
  const r = await ipaddr('10.99.0.5', 'start');
  assert.equal(r.code, 6);
  assert.match(r.stderr, /^ocf-exit-reason:IPaddr: no connected route covers 10\.99\.0\.5; name the device/m);
  assert.equal((await addresses()).length, 1);
  assert.equal((await ipaddr('192.168.77.300', 'start')).code, 2);
  assert.equal((await ipaddr(VIP, 'restart')).code, 3);
});
