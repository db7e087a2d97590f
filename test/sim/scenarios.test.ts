// Runs every golden scenario in test/sim/scenarios/*.txt and compares the regenerated transcript
// with the file exactly. REWRITE=1 regenerates the files (review the diff before committing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/paths.js';
import { runScenario } from './scenario.js';

const dir = join(repoRoot, 'test/sim/scenarios');

for (const file of readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()) {
  test(`scenario ${file}`, () => {
    const path = join(dir, file);
    const text = readFileSync(path, 'utf8');
    const actual = runScenario(text);
    if (process.env['REWRITE'] === '1') {
      writeFileSync(path, actual);
      return;
    }
    assert.equal(actual, text, `transcript of ${file} changed; rerun with REWRITE=1 and review the diff`);
  });
}
