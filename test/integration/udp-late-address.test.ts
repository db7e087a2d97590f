// A UDP link whose device has no address when the daemon starts (boot order, DHCP late) must
// come up by itself once the address appears. The link runs inside a namespace of our own
// (tb8-…) with a veth device, in a child process (test/contract/udp-child.ts) driven through
// ProxyLink; the test adds the address from outside and waits for `medium up`. Root only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Netns, rootSkipReason } from '../../scripts/lab/netns.js';
import { uniquePrefix, waitFor } from '../../scripts/lab/process.js';
import type { LinkEvent } from '../../src/transport/link.js';
import type { UdpLinkOptions } from '../../src/transport/udp.js';
import { repoRoot } from '../support/paths.js';
import { ProxyLink } from '../contract/proxy-link.js';

const childScript = join(repoRoot, 'dist/test/contract/udp-child.js');

test('udp ucast: a device without an address at start comes up when the address is added', { skip: rootSkipReason, timeout: 60_000 }, async (t) => {
  const prefix = uniquePrefix('tb8');
  const ns = await Netns.create(`${prefix}-udp`);
  t.after(() => ns.destroy());
  // A veth pair with both ends inside the namespace (no dummy module needed): dev has no address.
  const dev = `${prefix}a`;
  await ns.exec(['ip', 'link', 'add', dev, 'type', 'veth', 'peer', 'name', `${prefix}b`]);
  for (const end of [dev, `${prefix}b`]) await ns.exec(['ip', 'link', 'set', end, 'up']);

  const options: UdpLinkOptions = { medium: { kind: 'ucast', dev, peer: '10.208.0.2', port: 694 } };
  const child = ns.spawn([process.execPath, childScript, JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, TB3_UDP_CHILD: '1' } });
  const link = new ProxyLink('late', child);
  t.after(() => link.close());
  const events: LinkEvent[] = [];
  link.onEvent((e) => events.push(e));
  await link.open(); // open() does not fail for a device without an address

  await waitFor('medium down', () => events.some((e) => e.kind === 'medium' && !e.up), 10_000);
  const down = events.find((e) => e.kind === 'medium')!;
  assert.match(down.kind === 'medium' ? down.reason : '', new RegExp(`${dev} (has no IPv4 address|does not exist)`));
  link.send('before-address');
  await waitFor('the send to be counted as failed', () => (link.stats().drops['send-failed'] ?? 0) >= 1, 10_000);

  const added = Date.now();
  await ns.exec(['ip', 'addr', 'add', '10.208.0.1/24', 'dev', dev]);
  await waitFor('medium up after the address was added', () => events.some((e) => e.kind === 'medium' && e.up), 15_000);
  const upAfterMs = Date.now() - added;
  t.diagnostic(`medium up ${upAfterMs} ms after the address was added`);
  assert.deepEqual(events.filter((e) => e.kind === 'medium').map((e) => e.kind === 'medium' && e.up), [false, true], 'one down, one up: failed retries were quiet');

  link.send('after-address');
  await waitFor('a frame sent from the bound socket', () => link.stats().framesSent >= 1, 10_000);
});
