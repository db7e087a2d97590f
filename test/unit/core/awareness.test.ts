// The local-stall guard (src/core/awareness.ts): which gaps between our own events count as a
// stall, and time going backwards. Pure: time is passed in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StallGuard } from '../../../src/core/awareness.js';

test('regular events are not a stall; a gap longer than keepalive is, in full', () => {
  const guard = new StallGuard(0, 1000);
  assert.equal(guard.observe(500), 0);
  assert.equal(guard.observe(1500), 0);
  assert.equal(guard.observe(7500), 6000);
  assert.equal(guard.observe(7600), 0);
});

test('time going backwards is not a stall and does not move the reference', () => {
  const guard = new StallGuard(1000, 1000);
  assert.equal(guard.observe(900), 0);
  assert.equal(guard.observe(1900), 0);
});
