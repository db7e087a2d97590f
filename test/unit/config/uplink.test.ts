// Uplink tracking in ha.cf: Heartbeat's `respawn … ipfail` and `ping`/`ping_group` turn it on,
// `deadping` is its delay, `tb_track_interface` adds interfaces (keepalived's track_interface).
// Hostile and contradictory lines are errors with FILE:LINE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load.js';
import { formatError } from '../../../src/config/errors.js';
import { parseHaCf } from '../../../src/config/hacf.js';
import { stage } from './stage.js';

/** Load the Heartbeat v1 fixture with its ha.cf edited. */
async function loadEdited(edit: (haCf: string) => string) {
  const s = stage('valid', 'heartbeat-v1');
  try {
    const path = join(s.dir, 'ha.cf');
    writeFileSync(path, edit(readFileSync(path, 'utf8')));
    const r = await loadConfig(s.dir, s.node, { scripts: s.scripts, resolve: s.resolve });
    return r.ok ? { config: r.config, errors: [] as string[] } : { config: null, errors: r.errors.map((e) => s.relative(formatError(e))) };
  } finally {
    s.remove();
  }
}

test('respawn of ipfail turns uplink tracking on; deadping is the delay (default deadtime)', async () => {
  const plain = await loadEdited((t) => t);
  assert.deepEqual(plain.config?.uplink, { enabled: true, trackInterfaces: [] });
  assert.equal(plain.config?.deadpingMs, 30_000, 'deadping defaults to deadtime');
  const off = await loadEdited((t) => t.replace(/^respawn .*$/m, ''));
  assert.deepEqual(off.config?.uplink, { enabled: false, trackInterfaces: [] }, 'ping alone is the takeover gate, not uplink tracking');
  const tuned = await loadEdited((t) => `${t}deadping 5\ntb_track_interface eth0, eth1\n`);
  assert.deepEqual(tuned.config?.uplink, { enabled: true, trackInterfaces: ['eth0', 'eth1'] });
  assert.equal(tuned.config?.deadpingMs, 5000);
  const interfacesOnly = await loadEdited((t) => `${t.replace(/^respawn .*$/m, '').replace(/^ping .*$/m, '')}tb_track_interface eth0\n`);
  assert.deepEqual(interfacesOnly.config?.uplink, { enabled: true, trackInterfaces: ['eth0'] }, 'keepalived style: interfaces alone');
});

test('ipfail with nothing to compare is an error at the respawn line', async () => {
  const r = await loadEdited((t) => t.replace(/^ping .*$/m, ''));
  assert.deepEqual(r.errors, ['ha.cf:18: respawn: expected ping, ping_group or tb_track_interface lines for ipfail\'s uplink tracking to compare, got none']);
});

test('hostile uplink lines are errors with FILE:LINE', () => {
  const cases: [string, RegExp][] = [
    ['respawn hacluster /usr/lib/heartbeat/ipfail\nrespawn root /usr/lib64/heartbeat/ipfail -v\n', /^ha\.cf:2: respawn: expected one respawn of ipfail \(already at ha\.cf:1\)/],
    ['respawn hacluster\n', /^ha\.cf:1: respawn: expected/],
    ['tb_track_interface\n', /^ha\.cf:1: tb_track_interface: expected/],
    ['tb_track_interface ../../etc\n', /^ha\.cf:1: tb_track_interface: expected a network interface name, got "\.\.\/\.\.\/etc"/],
    ['tb_track_interface eth0/flags\n', /^ha\.cf:1: tb_track_interface: expected a network interface name/],
    [`tb_track_interface ${'e'.repeat(16)}\n`, /^ha\.cf:1: tb_track_interface: expected a network interface name/],
    ['tb_track_interface eth0\ntb_track_interface eth1 eth0\n', /^ha\.cf:2: tb_track_interface: expected an interface not tracked before \(eth0 already at ha\.cf:1\)/],
    ['deadping 0\n', /^ha\.cf:1: deadping: expected a duration greater than zero/],
    ['deadping soon\n', /^ha\.cf:1: deadping: expected/],
  ];
  for (const [text, want] of cases) {
    const errors = parseHaCf(text, 'ha.cf').errors.map(formatError);
    assert.equal(errors.length, 1, `${JSON.stringify(text)}: ${errors.join(' | ')}`);
    assert.match(errors[0]!, want, JSON.stringify(text));
  }
});

test('a program merely named like ipfail, or ipfail elsewhere on the line, does not turn tracking on', () => {
  for (const line of ['respawn hacluster /usr/lib/heartbeat/ipfail.sh', 'respawn ipfail /usr/bin/true', 'respawn root /opt/bin/run ipfail']) {
    const r = parseHaCf(`${line}\n`, 'ha.cf');
    assert.deepEqual(r.errors, [], line);
    assert.equal(r.values.ipfail, undefined, line);
  }
});
