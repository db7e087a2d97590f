// Heartbeat's cross-field rules and order independence, on parsed values (no files).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHaCf } from '../../../src/config/hacf.js';
import { parseHaresources } from '../../../src/config/haresources.js';
import { buildConfig, defaultInitdead } from '../../../src/config/validate.js';
import type { Config } from '../../../src/config/types.js';
import { formatError } from '../../../src/config/errors.js';

const auth = { signIndex: 1, keys: [{ index: 1, method: 'sha256' as const, key: 'k' }] };

function build(haCf: string, haresources = '', self = 'alpha') {
  const hacf = parseHaCf(haCf, 'ha.cf');
  const har = parseHaresources(haresources, 'haresources');
  const built = buildConfig({
    dir: '/etc/ha.d', self, haCfFile: 'ha.cf', haresourcesFile: 'haresources', hacf: hacf.values, groups: har.groups, auth,
    scripts: {
      searchPath: ['/x'],
      find: (name) => ({ path: `/x/${name}`, class: 'heartbeat' }),
      notFound: (name) => `Cannot locate resource script ${name}`,
      safety: () => ({ ok: true }),
    },
  });
  return { ...built, errors: [...hacf.errors, ...har.errors, ...built.errors].map(formatError) };
}

test('initdead default follows Heartbeat', () => {
  assert.equal(defaultInitdead(30000), 30000);
  assert.equal(defaultInitdead(10001), 10001);
  assert.equal(defaultInitdead(10000), 20000);
  assert.equal(defaultInitdead(6000), 12000);
  assert.equal(defaultInitdead(5999), 12000);
  assert.equal(defaultInitdead(2500), 12000);
});

test('deadtime must exceed 2 x keepalive, counting defaults', () => {
  assert.deepEqual(build('node alpha beta\nbcast eth0\nkeepalive 15\n').errors, [
    'ha.cf:3: keepalive: expected deadtime greater than 2 × keepalive (30s), got deadtime 30s with keepalive 15s',
  ]);
  assert.deepEqual(build('node alpha beta\nbcast eth0\nkeepalive 1\ndeadtime 2.002\n').errors, []); // just above 2 × (keepalive + timer lateness): deadtime-floor.ts
});

test('warntime must be less than deadtime; initdead at least deadtime', () => {
  const r = build('node alpha beta\nbcast eth0\ndeadtime 20\nwarntime 20\ninitdead 19\n');
  assert.deepEqual(r.errors, [
    'ha.cf:4: warntime: expected less than deadtime (20s), got 20s',
    'ha.cf:5: initdead: expected at least deadtime (20s), got 19s',
  ]);
});

test('a short explicit initdead is a notice, as in Heartbeat', () => {
  const r = build('node alpha beta\nbcast eth0\nkeepalive 1\ndeadtime 3\ninitdead 5\n');
  assert.deepEqual(r.errors, []);
  assert.ok(r.notices.some((n) => n.directive === 'initdead'));
});

test('exactly two nodes, one of them this node', () => {
  assert.match(build('node alpha beta gamma\nbcast eth0\n').errors.join(), /exactly two nodes \(twinbeat is a pair\), got 3/);
  assert.match(build('node alpha\nbcast eth0\n').errors.join(), /two node names/);
  assert.match(build('bcast eth0\n').errors.join(), /ha\.cf: node: .*got none/);
  assert.match(build('node alpha beta\nbcast eth0\n', '', 'gamma').errors.join(), /this node \(gamma\)/);
  assert.equal(build('node alpha beta\nbcast eth0\n', '', 'BETA').config?.self, 'beta');
});

test('haresources owners must be nodes; tb_monitor must name a resource', () => {
  const r = build('node alpha beta\nbcast eth0\ntb_monitor web\n', 'alpah 10.0.0.1\n');
  assert.deepEqual(r.errors, [
    'haresources:1: alpah: expected a node from ha.cf (alpha or beta) as the first word, got "alpah" (did you mean alpha?)',
    'ha.cf:3: tb_monitor: expected a resource id from haresources, got "web"',
  ]);
});

function comparable(c: Config | null): unknown {
  // Everything but where things were written.
  return JSON.parse(JSON.stringify(c, (k, v) => (k === 'origin' || k === 'origins' ? undefined : v)));
}

test('directive order does not matter (every permutation of a realistic ha.cf)', () => {
  const lines = [
    'serial /dev/ttyS0', 'baud 38400', 'bcast eth0', 'udpport 7000', 'ucast eth1 10.0.0.2', 'node alpha beta',
    'keepalive 2', 'deadtime 10', 'warntime 4', 'auto_failback off', 'tb_monitor 10.0.0.100', 'tb_arp_count 2', 'respawn hacluster /x',
  ];
  const reference = build(lines.join('\n'), 'alpha 10.0.0.100');
  assert.deepEqual(reference.errors, []);
  assert.equal(reference.config?.udpport, 7000);
  assert.equal(reference.config?.baud, 38400);
  // A deterministic pseudo-random shuffle per round (no Math.random: failures must reproduce).
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let round = 0; round < 300; round++) {
    const shuffled = [...lines];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = next() % (i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const r = build(shuffled.join('\n'), 'alpha 10.0.0.100');
    assert.deepEqual(r.errors, [], shuffled.join(' | '));
    // Media are listed by kind, each kind in file order, and nodes in file order: one line each
    // here, so the whole Config must be identical.
    assert.deepEqual(comparable(r.config), comparable(reference.config), shuffled.join(' | '));
  }
});
