// The deadtime floor (src/config/deadtime-floor.ts): timings a configured link cannot carry are
// refused at the line of the offending directive, with the smallest setting that works; the
// three settings issue 13 names (10/50 at 19200 refused; 10/50 at 115200 and 20/80 at 19200
// accepted) on the lab's own configuration (alpha/bravo, one group, sha256).
// Pure: configurations built in memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHaCf } from '../../../src/config/hacf.js';
import { parseHaresources } from '../../../src/config/haresources.js';
import { buildConfig } from '../../../src/config/validate.js';
import { formatError, formatNotice } from '../../../src/config/errors.js';
import { LOOP_TICK_MIN_MS, TIMER_LATENESS_MS, serialCadence, timingFloor, timingProblems, type FloorInput } from '../../../src/config/deadtime-floor.js';
import { worstCaseFrameBytes } from '../../../src/protocol/frame-bound.js';
import type { AuthMethod, Medium } from '../../../src/config/types.js';

const LAB_HARESOURCES = 'alpha 10.0.0.100/24/eth0\n';

function build(haCf: string, opts: { haresources?: string; method?: AuthMethod } = {}) {
  const hacf = parseHaCf(haCf, 'ha.cf');
  const har = parseHaresources(opts.haresources ?? LAB_HARESOURCES, 'haresources');
  const built = buildConfig({
    dir: '/etc/ha.d', self: 'alpha', haCfFile: 'ha.cf', haresourcesFile: 'haresources', hacf: hacf.values, groups: har.groups,
    auth: { signIndex: 1, keys: [{ index: 1, method: opts.method ?? 'sha256', key: 'k' }] },
    scripts: { searchPath: ['/x'], find: (name) => ({ path: `/x/${name}`, class: 'heartbeat' }), notFound: (n) => n, safety: () => ({ ok: true }) },
  });
  return { ...built, errors: [...hacf.errors, ...har.errors, ...built.errors].map(formatError), notices: built.notices.map(formatNotice) };
}

/** The lab's ha.cf (scripts/lab/lab-config.ts) at the given timing and baud. */
function labHaCf(keepalive: string, deadtime: string, baud: number, extra = ''): string {
  return `keepalive ${keepalive}\ndeadtime ${deadtime}\nucast eth0 10.0.0.2\nbaud ${baud}\nserial /dev/ttyS0\nnode alpha\nnode bravo\n${extra}`;
}

test('issue 13: keepalive 10 ms / deadtime 50 ms on a 19200-baud serial line is refused at the deadtime line, with the smallest deadtime', () => {
  const { config, errors } = build(labHaCf('10ms', '50ms', 19200));
  assert.equal(config, null);
  const deadtime = errors.find((e) => e.startsWith('ha.cf:2: deadtime: '));
  assert.ok(deadtime, errors.join('\n'));
  assert.match(deadtime, /expected at least 72ms at keepalive 10ms/);
  assert.match(deadtime, /65-byte frames take 33\.9 ms on serial \/dev\/ttyS0 at 19200 baud/);
  assert.match(deadtime, /smallest for this configuration: deadtime 70ms at keepalive 34ms/);
  // The default warntime (deadtime/2 = 25 ms) is shorter than one frame: refused too, blamed on deadtime's line.
  assert.ok(errors.some((e) => e.startsWith('ha.cf:2: warntime: expected at least 36ms')), errors.join('\n'));
});

test('issue 13: 10/50 at 115200 baud and 20/80 at 19200 baud are accepted', () => {
  for (const [ka, dt, baud] of [['10ms', '50ms', 115200], ['20ms', '80ms', 19200]] as const) {
    const { config, errors } = build(labHaCf(ka, dt, baud));
    assert.deepEqual(errors, [], `${ka}/${dt} at ${baud}`);
    assert.ok(config, `${ka}/${dt} at ${baud}`);
  }
});

test('a keepalive shorter than a frame is a notice (the pacer sets the pace), not an error', () => {
  const { errors, notices } = build(labHaCf('20ms', '80ms', 19200));
  assert.deepEqual(errors, []);
  assert.ok(notices.some((n) => /^ha\.cf:1: keepalive: 20ms is shorter than a frame's 33\.9 ms on serial \/dev\/ttyS0 at 19200 baud: that line carries a heartbeat every 34\.9 ms/.test(n)), notices.join('\n'));
  assert.ok(!build(labHaCf('10ms', '50ms', 115200)).notices.some((n) => n.includes('shorter than a frame')));
});

test('the frame that counts is this configuration\'s: longer node names and more groups raise the floor', () => {
  // 64-character names make 20/80 at 19200 impossible: frames are longer than 40 ms.
  const long = 'a'.repeat(63);
  const haCf = `keepalive 20ms\ndeadtime 80ms\nucast eth0 10.0.0.2\nbaud 19200\nserial /dev/ttyS0\nnode alpha\nnode ${long}b\n`;
  const { errors } = build(haCf);
  assert.ok(errors.some((e) => e.startsWith('ha.cf:2: deadtime: expected at least')), errors.join('\n'));
  const few = worstCaseFrameBytes(['alpha', 'bravo'], 1, 'sha256');
  assert.equal(few, 65);
  assert.ok(worstCaseFrameBytes(['alpha', 'bravo'], 32, 'sha256') > few);
  assert.ok(worstCaseFrameBytes(['alpha', 'bravo'], 1, 'crc') < few, 'a crc tag is shorter');
  assert.equal(worstCaseFrameBytes(['alpha', long], 1, 'sha256'), worstCaseFrameBytes([long, 'alpha'], 1, 'sha256'), 'the longer name counts, whichever node it is');
});

test('UDP only: the floor is the stall guard and the timer lateness, realtime or not', () => {
  const udp = (ka: string, dt: string, extra = '') => build(`keepalive ${ka}\ndeadtime ${dt}\nucast eth0 10.0.0.2\nbcast eth1\nnode alpha\nnode bravo\n${extra}`);
  assert.deepEqual(udp('10ms', '50ms').errors, []);
  const kaMin = Math.max(2 * TIMER_LATENESS_MS.realtime, LOOP_TICK_MIN_MS + TIMER_LATENESS_MS.realtime);
  assert.deepEqual(udp(`${kaMin}ms`, '50ms').errors, []);
  const tooFast = udp(`${kaMin - 1}ms`, '50ms').errors;
  assert.equal(tooFast.length, 1, tooFast.join('\n'));
  assert.match(tooFast[0]!, /^ha\.cf:1: keepalive: expected at least 6ms, got 5ms \(timers fire up to 1ms late under realtime/);
  // Without realtime timers are later: the same keepalive is refused, and the error says why.
  const normal = udp('10ms', '50ms', 'realtime off\n').errors;
  assert.ok(normal.some((e) => /keepalive: expected at least 14ms, got 10ms .*realtime on allows less/.test(e)), normal.join('\n'));
  assert.deepEqual(udp('14ms', '50ms', 'realtime off\n').errors, []);
});

test('one error per mistake: a deadtime already refused by the 2 × keepalive rule is not refused twice', () => {
  const { errors } = build(labHaCf('30ms', '50ms', 19200));
  assert.equal(errors.filter((e) => e.includes('deadtime:')).length, 1, errors.join('\n'));
  assert.match(errors[0]!, /greater than 2 × keepalive/);
});

test('an explicit warntime is blamed on its own line', () => {
  const { errors } = build(labHaCf('20ms', '80ms', 19200, 'warntime 30ms\n'));
  assert.deepEqual(errors.map((e) => e.slice(0, e.indexOf(' ('))), ['ha.cf:8: warntime: expected at least 36ms at keepalive 20ms']);
});

test('timingFloor: hostile and edge inputs stay finite and ordered', () => {
  const serial = (baud: number): Medium => ({ kind: 'serial', device: '/dev/ttyS0', baud, origin: 'default' });
  const base: FloorInput = { keepaliveMs: 20, realtime: true, nodes: ['alpha', 'bravo'], groups: 1, authMethod: 'sha256', media: [serial(19200)] };
  // No media: the keepalive alone.
  const none = timingFloor({ ...base, media: [] });
  assert.equal(none.slowest, null);
  assert.equal(none.deadtimeMinMs, 2 * (20 + TIMER_LATENESS_MS.realtime));
  // No nodes (already an error elsewhere): nothing throws.
  assert.doesNotThrow(() => timingProblems({ ...base, nodes: [], warntimeMs: 40, deadtimeMs: 80 }));
  // Absurd group counts are clamped to what the wire carries (32).
  assert.equal(timingFloor({ ...base, groups: 1e9 }).links[0]!.frameBytes, timingFloor({ ...base, groups: 32 }).links[0]!.frameBytes);
  assert.equal(timingFloor({ ...base, groups: -5 }).links[0]!.frameBytes, timingFloor({ ...base, groups: 0 }).links[0]!.frameBytes);
  // Unknown signing method: assume the longest tag.
  assert.equal(timingFloor({ ...base, authMethod: null }).links[0]!.frameBytes, 65);
  // A slow line dominates a fast one, whatever the order.
  const mixed = timingFloor({ ...base, media: [serial(115200), serial(1200)] });
  assert.equal(mixed.slowest?.link, 'serial /dev/ttyS0 at 1200 baud');
  assert.ok(mixed.deadtimeMinMs > 1000);
  // Fractional keepalives round up, never down.
  const frac = timingFloor({ ...base, media: [], keepaliveMs: 10.2 });
  assert.equal(frac.deadtimeMinMs, Math.ceil(2 * (10.2 + TIMER_LATENESS_MS.realtime)));
  // Exactly at the floor is accepted.
  const f = timingFloor(base);
  assert.deepEqual(timingProblems({ ...base, warntimeMs: f.warntimeMinMs, deadtimeMs: f.deadtimeMinMs }), []);
  assert.equal(timingProblems({ ...base, warntimeMs: f.warntimeMinMs, deadtimeMs: f.deadtimeMinMs - 1 }).length, 1);
});

test('serialCadence: the pacer gives max(keepalive, wire time + its 1 ms rounding)', () => {
  assert.deepEqual(serialCadence(96, 9600, 200), { wireMs: 100, intervalMs: 200 });
  assert.deepEqual(serialCadence(96, 9600, 100), { wireMs: 100, intervalMs: 100 });
  assert.deepEqual(serialCadence(96, 9600, 50), { wireMs: 100, intervalMs: 101 });
});
