// The mutation harness's patterns (scripts/mutate-core.ts) still find their expression exactly
// once in the compiled core: when a refactor changes one, this fails here, cheaply, instead of
// the harness quietly testing nothing. (Running the mutations themselves takes minutes:
// `node dist/scripts/mutate-core.js`.) Reads dist/src/core only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { MUTATIONS, locate } from '../../scripts/mutate-core.js';

const core = fileURLToPath(new URL('../../src/core', import.meta.url));

test('every core mutation pattern matches exactly once in the compiled core', () => {
  const counts = MUTATIONS.map((m) => [m.name, locate(core, m.find).reduce((sum, [, n]) => sum + n, 0)]);
  assert.deepEqual(
    counts.filter(([, n]) => n !== 1),
    [],
    'update the pattern in scripts/mutate-core.ts to the moved or rewritten expression',
  );
  assert.equal(new Set(MUTATIONS.map((m) => m.name)).size, MUTATIONS.length);
});
