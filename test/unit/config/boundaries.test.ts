// src/config parses text with pure functions; only load.ts touches the system: the file system and
// the host name resolver (scripts are looked up through the ScriptChecks its caller passes), and
// only digest.ts hashes. Keeps the parsers testable and total.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../support/paths.js';

const allowed: Record<string, RegExp> = {
  'load.ts': /^node:(fs|fs\/promises|path|dns\/promises)$/,
  'digest.ts': /^node:crypto$/,
};

test('only load.ts and digest.ts import node modules in src/config', () => {
  const dir = join(repoRoot, 'src/config');
  const offences: string[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
    const text = readFileSync(join(dir, name), 'utf8');
    for (const m of text.matchAll(/from\s+['"]([^'"]+)['"]/g)) {
      const spec = m[1]!;
      if (!spec.startsWith('.') && !(allowed[name]?.test(spec) ?? false)) offences.push(`${name} imports ${spec}`);
    }
  }
  assert.deepEqual(offences, []);
});
