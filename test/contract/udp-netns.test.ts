// UDP links between two network namespaces joined by a veth pair — the way two real nodes talk.
// Each link runs in a child process started with `ip netns exec` (a Link cannot change
// namespace in-process) and is driven through ProxyLink. Runs the contract for ucast, bcast and
// mcast. Root only; its two namespaces (tb3-XXXX-a and -b, a fresh XXXX each run, so a namespace
// left behind by a killed run cannot block the next) are removed afterwards, also on failure.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Netns, rootSkipReason, vethPair } from '../../scripts/lab/netns.js';
import { uniquePrefix, waitFor } from '../../scripts/lab/process.js';
import type { UdpLinkOptions, UdpMedium } from '../../src/transport/udp.js';
import { repoRoot } from '../support/paths.js';
import { linkContract } from './link.contract.js';
import { ProxyLink } from './proxy-link.js';

const ADDR_A = '10.203.0.1';
const ADDR_B = '10.203.0.2';
const PORT = 694;
const childScript = join(repoRoot, 'dist/test/contract/udp-child.js');

let lab: Promise<{ a: Netns; b: Netns }> | null = null;
function namespaces(): Promise<{ a: Netns; b: Netns }> {
  lab ??= (async () => {
    const prefix = uniquePrefix('tb3');
    const a = await Netns.create(`${prefix}-a`);
    const b = await Netns.create(`${prefix}-b`).catch(async (err) => {
      await a.destroy();
      throw err;
    });
    try {
      await vethPair({ ns: a, ifname: 'tb3-va', cidr: `${ADDR_A}/24` }, { ns: b, ifname: 'tb3-vb', cidr: `${ADDR_B}/24` });
      // Node lists an interface only once it is running (carrier up), a moment after `ip link set up`.
      for (const [ns, ifname] of [[a, 'tb3-va'], [b, 'tb3-vb']] as const) {
        await waitFor(`${ifname} running`, async () => (await ns.exec(['cat', `/sys/class/net/${ifname}/operstate`])).stdout.trim() === 'up', 5_000);
      }
    } catch (err) {
      await Promise.all([a.destroy(), b.destroy()]);
      throw err;
    }
    return { a, b };
  })();
  return lab;
}

after(async () => {
  if (!lab) return;
  const { a, b } = await lab.catch(() => ({ a: null, b: null }));
  await Promise.all([a?.destroy(), b?.destroy()]);
});

function startChild(ns: Netns, name: string, options: UdpLinkOptions): ProxyLink {
  const child = ns.spawn([process.execPath, childScript, JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, TB3_UDP_CHILD: '1' } });
  return new ProxyLink(name, child);
}

const media: { label: string; forA: UdpMedium; forB: UdpMedium }[] = [
  { label: 'ucast', forA: { kind: 'ucast', dev: 'tb3-va', peer: ADDR_B, port: PORT }, forB: { kind: 'ucast', dev: 'tb3-vb', peer: ADDR_A, port: PORT } },
  { label: 'bcast', forA: { kind: 'bcast', dev: 'tb3-va', port: PORT }, forB: { kind: 'bcast', dev: 'tb3-vb', port: PORT } },
  {
    label: 'mcast',
    forA: { kind: 'mcast', dev: 'tb3-va', group: '239.0.3.3', port: PORT, ttl: 1, loop: false },
    forB: { kind: 'mcast', dev: 'tb3-vb', group: '239.0.3.3', port: PORT, ttl: 1, loop: false },
  },
];

for (const { label, forA, forB } of media) {
  linkContract(
    `udp ${label} between namespaces`,
    async () => {
      const { a: nsA, b: nsB } = await namespaces();
      const a = startChild(nsA, `a:${label}`, { medium: forA });
      const b = startChild(nsB, `b:${label}`, { medium: forB });
      try {
        await Promise.all([a.open(), b.open()]);
      } catch (err) {
        await Promise.allSettled([a.close(), b.close()]);
        throw err;
      }
      // mcast receivers bind the group; everyone else hears B on its unicast address.
      const target = forB.kind === 'mcast' ? forB.group : ADDR_B;
      return { a, b, injectToB: async (raw) => a.inject(raw, target, PORT), cleanup: async () => undefined };
    },
    { skip: rootSkipReason, timeoutMs: 10_000 },
  );
}

test('udp: a device that appears after start is picked up (medium down, then up)', { skip: rootSkipReason }, async () => {
  const { a: nsA } = await namespaces();
  const link = startChild(nsA, 'late', { medium: { kind: 'bcast', dev: 'tb3-late', port: PORT } });
  const medium: boolean[] = [];
  link.onEvent((e) => e.kind === 'medium' && medium.push(e.up));
  try {
    await link.open();
    await waitFor('medium down', () => medium.length === 1, 5_000);
    // A veth pair inside the namespace (both ends up, so it has carrier) plays the late NIC.
    await nsA.exec(['ip', 'link', 'add', 'tb3-late', 'type', 'veth', 'peer', 'name', 'tb3-late2']);
    await nsA.exec(['ip', 'addr', 'add', '10.203.1.1/24', 'dev', 'tb3-late']);
    await nsA.exec(['ip', 'link', 'set', 'tb3-late2', 'up']);
    await nsA.exec(['ip', 'link', 'set', 'tb3-late', 'up']);
    await waitFor('medium up', () => medium.length === 2, 5_000);
    assert.deepEqual(medium, [false, true]);
  } finally {
    await link.close();
    await nsA.exec(['ip', 'link', 'del', 'tb3-late'], { allowFail: true });
  }
});
