// The shared-configuration digest: what makes two nodes' configurations "the same" to each other.
// Its first GROUPS_DIGEST_HEX characters stand for the resource groups alone (in key order), so
// haresources lines in another order are no drift, and a node can tell group drift (claims
// unreadable) from timing drift (reported only). Pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configDigest, type SharedPart } from '../../../src/config/digest.js';
import { GROUPS_DIGEST_HEX, sameGroups } from '../../../src/protocol/message.js';
import type { ResourceGroupConfig } from '../../../src/config/types.js';

function group(owner: string, ...ids: string[]): ResourceGroupConfig {
  const resources = ids.map((id) => ({ id, script: id.split('::')[0]!, args: [], path: `/x/${id}`, class: 'heartbeat' as const }));
  return { owner, key: ids[0]!, resources, origin: { file: 'haresources', line: 1 } };
}

const base: SharedPart = {
  nodes: ['alpha', 'bravo'],
  keepaliveMs: 1000,
  deadtimeMs: 5000,
  warntimeMs: 2500,
  initdeadMs: 12000,
  autoFailback: 'on',
  udpport: 694,
  groups: [group('alpha', 'IPaddr::10.0.0.1', 'httpd'), group('bravo', 'IPaddr::10.0.0.2', 'mysql')],
};

test('haresources lines in another order give the same digest', () => {
  assert.equal(configDigest({ ...base, groups: [...base.groups].reverse() }), configDigest(base));
});

test('other groups change the group part; other timings change only the rest', () => {
  const d = configDigest(base);
  assert.match(d, /^[0-9a-f]{16}$/);
  const otherGroups = configDigest({ ...base, groups: [base.groups[0]!, group('bravo', 'IPaddr::10.0.0.9')] });
  const otherOwner = configDigest({ ...base, groups: [base.groups[0]!, group('alpha', 'IPaddr::10.0.0.2', 'mysql')] });
  const otherOrderInGroup = configDigest({ ...base, groups: [base.groups[0]!, group('bravo', 'IPaddr::10.0.0.2', 'mysql', 'extra')] });
  for (const other of [otherGroups, otherOwner, otherOrderInGroup]) assert.equal(sameGroups(other, d), false, other);
  const otherTimings = configDigest({ ...base, deadtimeMs: 10000 });
  assert.notEqual(otherTimings, d);
  assert.equal(sameGroups(otherTimings, d), true);
  assert.equal(otherTimings.slice(0, GROUPS_DIGEST_HEX), d.slice(0, GROUPS_DIGEST_HEX));
});
