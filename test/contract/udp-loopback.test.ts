// UDP ucast between two links on loopback: distinct local addresses (127.0.0.2 and 127.0.0.3)
// sharing one port, exactly like two nodes sharing `udpport`. Sends only to loopback addresses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import type { LinkEvent } from '../../src/transport/link.js';
import { UdpLink } from '../../src/transport/udp.js';
import { silentLog } from '../../src/transport/log.js';
import { linkContract } from './link.contract.js';
import { freeUdpPort } from './ports.js';

const deps = { now: () => performance.now(), log: silentLog };

linkContract('udp ucast on loopback', async () => {
  const port = await freeUdpPort('127.0.0.2');
  const a = new UdpLink({ medium: { kind: 'ucast', dev: 'lo', peer: '127.0.0.3', port }, localAddress: '127.0.0.2' }, deps);
  const b = new UdpLink({ medium: { kind: 'ucast', dev: 'lo', peer: '127.0.0.2', port }, localAddress: '127.0.0.3' }, deps);
  await Promise.all([a.open(), b.open()]);
  const injector = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => injector.bind(0, '127.0.0.4', resolve));
  return {
    a,
    b,
    injectToB: (raw) => new Promise<void>((resolve, reject) => injector.send(raw, port, '127.0.0.3', (err) => (err ? reject(err) : resolve()))),
    cleanup: () => new Promise<void>((resolve) => injector.close(() => resolve())),
  };
});

test('udp: a missing device reports medium down once, keeps retrying quietly, closes cleanly', async () => {
  const warnings: string[] = [];
  const link = new UdpLink({ medium: { kind: 'bcast', dev: 'tb3-missing0', port: 9 } }, { now: () => performance.now(), log: { info: () => undefined, warn: (e) => warnings.push(e) } });
  const medium: LinkEvent[] = [];
  link.onEvent((e) => medium.push(e));
  await link.open();
  await new Promise((r) => setTimeout(r, 2_300)); // two retries
  assert.equal(medium.length, 1);
  assert.deepEqual([medium[0]!.kind, medium[0]!.kind === 'medium' && medium[0]!.up], ['medium', false]);
  assert.match(medium[0]!.kind === 'medium' ? medium[0]!.reason : '', /tb3-missing0 does not exist/);
  assert.deepEqual(warnings, ['link-medium-down']);
  assert.doesNotThrow(() => link.send('into the void'));
  assert.equal(link.stats().drops['send-failed'], 1);
  await link.close();
});
