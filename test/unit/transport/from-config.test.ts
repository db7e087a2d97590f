import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLinks } from '../../../src/transport/from-config.js';
import type { Medium } from '../../../src/config/types.js';

test('one link per medium; ucast to our own address is skipped with a notice', () => {
  const notices: string[] = [];
  const log = { info: (e: string) => notices.push(e), warn: () => undefined };
  const origin = 'default' as const;
  const media: Medium[] = [
    { kind: 'ucast', dev: 'eth0', peer: '10.0.0.1', origin },
    { kind: 'ucast', dev: 'eth0', peer: '10.0.0.2', origin },
    { kind: 'bcast', dev: 'eth1', origin },
    { kind: 'mcast', dev: 'eth1', group: '225.0.0.1', port: 694, ttl: 1, loop: false, origin },
    { kind: 'serial', device: '/dev/ttyS0', baud: 19200, origin },
  ];
  const links = createLinks({ media, udpport: 694, baud: 19200 }, { now: () => 0, log }, new Set(['10.0.0.1']));
  assert.deepEqual(links.map((l) => l.name), ['udp:ucast:eth0:10.0.0.2', 'udp:bcast:eth1', 'udp:mcast:eth1:225.0.0.1', 'serial:/dev/ttyS0']);
  assert.deepEqual(links.map((l) => l.kind), ['udp', 'udp', 'udp', 'serial']);
  assert.deepEqual(notices, ['link-skipped']);
});
