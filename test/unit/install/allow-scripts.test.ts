// `npm ci` on a clean checkout prints no warning (issue 16): npm 11 warns about every installed
// package whose install script package.json's `allowScripts` does not approve. The lockfile marks
// those packages (`hasInstallScript`), so a dependency that brings a new one fails here, before
// .ci/run's clean-clone `npm ci` (which fails on any `npm warn` line) would.
// Reads package.json and package-lock.json only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../support/paths.js';

interface Lock {
  packages: Record<string, { hasInstallScript?: boolean; dev?: boolean }>;
}

/** Package names (as allowScripts spells them) of the lockfile's packages with install scripts. */
function withInstallScripts(lock: Lock): string[] {
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path !== '' && entry.hasInstallScript === true)
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length))
    .sort();
}

test('allowScripts approves exactly the packages whose install scripts npm ci runs', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { allowScripts?: Record<string, unknown> };
  const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as Lock;
  const needed = withInstallScripts(lock);
  assert.ok(needed.includes('@serialport/bindings-cpp'), `the scan finds serialport's native binding: ${needed.join(', ')}`);
  const allowed = Object.entries(pkg.allowScripts ?? {});
  assert.deepEqual(allowed.map(([name]) => name).sort(), needed, 'package.json allowScripts');
  for (const [name, value] of allowed) assert.equal(value, true, `allowScripts["${name}"] approves it`);
});

test('the scan reads nested and scoped lockfile paths; the root entry never counts', () => {
  const lock: Lock = {
    packages: {
      '': { hasInstallScript: true },
      'node_modules/a': {},
      'node_modules/@s/b': { hasInstallScript: true },
      'node_modules/x/node_modules/c': { hasInstallScript: true },
      'node_modules/d': { hasInstallScript: false },
    },
  };
  assert.deepEqual(withInstallScripts(lock), ['@s/b', 'c']);
});
