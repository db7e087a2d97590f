// The bench's shared warntime (scripts/bench/timing.ts benchWarntimeMs): 3/5 of deadtime, earlier
// where twinbeat's duplicate-address pre-probe would otherwise end after deadtime (the latest
// warntime `check` advises), and what reaches ha.cf. Pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { benchWarntimeMs, haCfOptions } from '../../../scripts/bench/timing.js';

test('warntime: the pre-probe deadline where it is earlier than 3/5 of deadtime, else 3/5', () => {
  assert.equal(benchWarntimeMs({ label: '', keepaliveMs: 10, deadtimeMs: 50, dadTimeoutMs: 13 }), 20);
  assert.equal(benchWarntimeMs({ label: '', keepaliveMs: 20, deadtimeMs: 80, dadTimeoutMs: 20 }), 43);
  assert.equal(benchWarntimeMs({ label: '', keepaliveMs: 100, deadtimeMs: 500 }), 300, 'default tb_dad_timeout 100 ms: 383 is later than 3/5');
  assert.equal(benchWarntimeMs({ label: '', keepaliveMs: 10, deadtimeMs: 50, dadTimeoutMs: 0 }), 30, 'DAD off: nothing to wait for');
  assert.equal(benchWarntimeMs({ label: '', keepaliveMs: 10, deadtimeMs: 50, dadTimeoutMs: 40 }), 30, 'no warntime helps: 3/5');
});

test('an explicit warntime wins, and the shared ha.cf options carry it', () => {
  assert.equal(haCfOptions({ label: '', keepaliveMs: 10, deadtimeMs: 50, dadTimeoutMs: 13 }, 0).warntime, '20ms');
  assert.equal(haCfOptions({ label: '', keepaliveMs: 10, deadtimeMs: 50, dadTimeoutMs: 13, warntimeMs: 30 }, 0).warntime, '30ms');
});
