// The flags the CLI's executable passes to node (src/cli/node-flags.ts): the shebang carries
// them and node accepts them silently. Reads the compiled CLI and spawns it with node; writes
// nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NODE_FLAGS } from '../../../src/cli/node-flags.js';

const entry = fileURLToPath(new URL('../../../src/cli/main.js', import.meta.url));

test('the executable\'s shebang runs node with exactly NODE_FLAGS', () => {
  const shebang = readFileSync(entry, 'utf8').split('\n')[0];
  assert.equal(shebang, `#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`);
});

test('node accepts the flags silently: no warning on stderr of every CLI call', () => {
  const r = spawnSync(process.execPath, [...NODE_FLAGS, entry, '--version'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /\d+\.\d+\.\d+/);
});
