// The bench's summary statistics (scripts/bench/stats.ts): min, median and max, and nothing
// measured. Pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spread } from '../../../scripts/bench/stats.js';

test('spread: min, median and max of an odd count, unsorted input', () => {
  assert.deepEqual(spread([30, 10, 20]), { n: 3, min: 10, median: 20, max: 30 });
});

test('spread: the median of an even count is the mean of the middle two', () => {
  assert.deepEqual(spread([4, 1, 3, 2]), { n: 4, min: 1, median: 2.5, max: 4 });
});

test('spread: nothing measured gives null', () => {
  assert.equal(spread([]), null);
});
