// The real transport/protocol edge (src/daemon/wiring.ts, core-config.ts): the codec built from
// the Config, which ha.cf media become links, and the settings that reach the core. Reads this
// host's interface addresses; opens no link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameCodec } from '../../../src/protocol/frame-codec.js';
import { realWiring, udpMedium, localAddresses } from '../../../src/daemon/wiring.js';
import { coreConfigFrom } from '../../../src/daemon/core-config.js';
import type { Config } from '../../../src/config/types.js';
import type { Message } from '../../../src/protocol/message.js';

const auth = { signIndex: 1, keys: [{ index: 1, method: 'sha256' as const, key: 'k1' }] };
const configFor = (self: string, extra: Partial<Config> = {}) =>
  ({ self, peer: self === 'alpha' ? 'beta' : 'alpha', nodes: ['alpha', 'beta'], auth, digest: 'abcdef0123456789', ...extra }) as unknown as Config;

const message = (seq: number, generation = 3): Message => ({
  type: 1, from: 'beta', generation, seq, ackGeneration: 0, ackSeq: 0, role: 'active',
  claims: { holds: 1, wants: 1, grants: 0 }, standby: false, configDigest: 'abcdef0123456789',
});

test('the daemon signs and checks frames with FrameCodec, built from its Config', () => {
  const alpha = realWiring.createCodec(configFor('alpha'));
  assert.ok(alpha instanceof FrameCodec);
  const decoded = alpha.decode(realWiring.createCodec(configFor('beta')).encode(message(1)), 'udp');
  assert.equal(decoded.ok, true);
  assert.deepEqual(decoded.ok && decoded.message.claims, { holds: 1, wants: 1, grants: 0 });
});

test('a ucast line naming one of our own addresses makes no link; the others map to UDP media', () => {
  const own = new Set(['10.0.0.1']);
  const origin = 'default' as const;
  assert.equal(udpMedium({ kind: 'ucast', dev: 'eth1', peer: '10.0.0.1', origin }, 694, own), null);
  assert.deepEqual(udpMedium({ kind: 'ucast', dev: 'eth1', peer: '10.0.0.2', origin }, 694, own), { kind: 'ucast', dev: 'eth1', peer: '10.0.0.2', port: 694 });
  assert.deepEqual(udpMedium({ kind: 'bcast', dev: 'eth0', origin }, 695, own), { kind: 'bcast', dev: 'eth0', port: 695 });
  assert.deepEqual(udpMedium({ kind: 'mcast', dev: 'eth2', group: '239.0.0.42', port: 7000, ttl: 1, loop: false, origin }, 694, own), {
    kind: 'mcast', dev: 'eth2', group: '239.0.0.42', port: 7000, ttl: 1, loop: false,
  });
  assert.ok(localAddresses().has('127.0.0.1'));
});

test('the core compares the wire digest prefix, which is what the peer\'s frames carry', () => {
  const core = coreConfigFrom({ ...configFor('alpha'), groups: [], ping: [], pingGroups: [], uplink: { enabled: false, trackInterfaces: [] }, ext: { monitors: {}, hooks: {} } } as unknown as Config, ['udp']);
  assert.equal(core.configDigest, 'abcdef');
});

test('tb_monitor settings, hooks and ping nodes reach the core', () => {
  const groups = [{ owner: 'alpha', key: 'Dummy::a', resources: [{ id: 'Dummy::a' }, { id: 'Dummy::b' }] }];
  const monitors = { 'Dummy::b': { intervalMs: 5000, timeoutMs: 7000, failures: 3, restarts: 2 } };
  const base = { ...configFor('alpha'), groups, ping: [], pingGroups: [], uplink: { enabled: false, trackInterfaces: [] }, deadpingMs: 9000, keepaliveMs: 500 };
  const core = coreConfigFrom({ ...base, ext: { monitors, hooks: { fence: '/x/fence', escalate: '/x/esc' } } } as unknown as Config, ['udp']);
  assert.deepEqual(core.groups[0]!.resources, [
    { id: 'Dummy::a' },
    { id: 'Dummy::b', monitor: { intervalMs: 5000, timeoutMs: 7000, failuresBeforeRestart: 3, maxRestarts: 2 } },
  ]);
  assert.equal(core.fenceBeforeTakeover, true);
  assert.equal(core.escalateOnStopFailure, true);
  assert.equal(core.pingNodesConfigured, false);
  const none = coreConfigFrom({ ...base, pingGroups: [{ name: 'gw', addresses: ['10.0.0.1'] }], ext: { monitors: {}, hooks: {} } } as unknown as Config, ['udp']);
  assert.equal(none.fenceBeforeTakeover, false);
  assert.equal(none.escalateOnStopFailure, false);
  assert.equal(none.pingNodesConfigured, true, 'a ping group alone counts');
  assert.deepEqual(core.uplink, { enabled: false, delayMs: 9000, probeEveryMs: 1000 });
  const tracking = coreConfigFrom({ ...base, keepaliveMs: 2000, uplink: { enabled: true, trackInterfaces: ['eth1'] }, ext: { monitors: {}, hooks: {} } } as unknown as Config, ['udp']);
  assert.deepEqual(tracking.uplink, { enabled: true, delayMs: 9000, probeEveryMs: 2000 }, 'deadping is the delay; probes every keepalive, at least 1 s apart');
});
