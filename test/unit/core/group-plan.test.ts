// The order of a group's resource actions (src/core/group-plan.ts): start left to right, stop,
// rollback and restart. Pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { restartPlan, rollbackPlan, startPlan, stopPlan, type Plan } from '../../../src/core/group-plan.js';

const render = (plan: Plan) => plan.steps.map((s) => `${s.action}${s.resource}`).join(' ');

test('start in order, stop in reverse', () => {
  assert.equal(render(startPlan(3, '')), 'start0 start1 start2');
  assert.equal(render(stopPlan(3, '')), 'stop2 stop1 stop0');
});

test('rollback stops the failed resource and everything before it, in reverse', () => {
  assert.equal(render(rollbackPlan(1, '')), 'stop1 stop0');
});

test('restart is stop then start of one resource', () => {
  assert.equal(render(restartPlan(2, '')), 'stop2 start2');
});
