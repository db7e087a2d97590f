// `check`'s advice on warntime and the duplicate-address pre-probe (src/config/preprobe-warntime.ts,
// validate.ts): a warntime whose pre-probe cannot end by deadtime is a notice at the warntime line
// (or the deadtime line when warntime is not written) naming the latest warntime that works; none
// when no address is probed ahead, when DAD is off, or when warntime is early enough. Pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHaCf } from '../../../src/config/hacf.js';
import { parseHaresources } from '../../../src/config/haresources.js';
import { buildConfig } from '../../../src/config/validate.js';
import { formatNotice } from '../../../src/config/errors.js';
import { PRE_PROBE_ALLOWANCE_MS, preProbeWarntimeMs } from '../../../src/config/preprobe-warntime.js';

function notices(haCf: string, haresources = 'alpha 10.0.0.100/24/eth0\n'): string[] {
  const hacf = parseHaCf(`keepalive 10ms\nucast eth0 10.0.0.2\nnode alpha\nnode bravo\n${haCf}`, 'ha.cf');
  const har = parseHaresources(haresources, 'haresources');
  const built = buildConfig({
    dir: '/etc/ha.d', self: 'alpha', haCfFile: 'ha.cf', haresourcesFile: 'haresources', hacf: hacf.values, groups: har.groups,
    auth: { signIndex: 1, keys: [{ index: 1, method: 'sha256', key: 'k' }] },
    scripts: { searchPath: ['/x'], find: (name) => ({ path: `/x/${name}`, class: 'heartbeat' }), notFound: (n) => n, safety: () => ({ ok: true }) },
  });
  assert.deepEqual(built.errors, []);
  return built.notices.map(formatNotice).filter((n) => n.includes('pre-probe'));
}

test('the latest warntime is deadtime − tb_dad_timeout − the allowance', () => {
  assert.equal(PRE_PROBE_ALLOWANCE_MS, 17);
  assert.equal(preProbeWarntimeMs(50, 13), 20);
  assert.equal(preProbeWarntimeMs(80, 20), 43);
});

test('10/50 with tb_dad_timeout 13 ms: warntime 30 gets the notice at its line, naming 20 ms; warntime 20 does not', () => {
  const [n, ...rest] = notices('deadtime 50ms\nwarntime 30ms\ntb_dad_timeout 13ms\n');
  assert.deepEqual(rest, []);
  assert.match(n!, /^ha\.cf:6: warntime: 30ms: the duplicate-address pre-probe .* ends after deadtime 50ms .*warntime 20ms or less lets it finish in time/);
  assert.deepEqual(notices('deadtime 50ms\nwarntime 20ms\ntb_dad_timeout 13ms\n'), []);
});

test('without a warntime line the notice is at the deadtime line; a hopeless tb_dad_timeout says to lower it', () => {
  assert.match(notices('deadtime 50ms\ntb_dad_timeout 13ms\n')[0]!, /^ha\.cf:5: warntime: /);
  assert.match(notices('deadtime 100ms\nwarntime 50ms\ntb_dad_timeout 90ms\n')[0]!, /no warntime lets it finish in time: lower tb_dad_timeout \(90ms\) or raise deadtime/);
});

test('no notice when nothing is probed ahead: DAD off, no address, or a foreign address script', () => {
  const late = 'deadtime 50ms\nwarntime 30ms\n';
  assert.deepEqual(notices(`${late}tb_dad_timeout 0\n`), []);
  assert.deepEqual(notices(late, 'alpha Dummy::web\n'), []);
  assert.deepEqual(notices(late, 'alpha IPaddr2::10.0.0.100/24/eth0\n'), []);
  assert.equal(notices(late, 'alpha IPv6addr::fd00::1/64/eth0\n').length, 1, 'IPv6addr is probed ahead too');
});
