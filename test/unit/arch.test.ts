// Import boundaries that keep the architecture honest: the pure layers (config parsing,
// protocol, core) must not reach into the world, and core must not know the edges exist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../support/paths.js';

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (name.endsWith('.ts')) out.push(full);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g)) specs.push(m[1]!);
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) specs.push(m[1]!);
  return specs;
}

const rules: { folder: string; forbidden: RegExp[] }[] = [
  { folder: 'src/core', forbidden: [/^node:/, /^(fs|net|dgram|child_process|os|crypto)$/, /\/daemon\//, /\/transport\//, /\/cli\//] },
  { folder: 'src/protocol', forbidden: [/\/daemon\//, /\/transport\//, /\/core\//, /\/cli\//, /^node:(fs|net|dgram|child_process)$/] },
  // The Pacemaker translator is config in, text out: no I/O, no runtime layers, no commands.
  { folder: 'src/cli/export', forbidden: [/^node:/, /^(fs|net|dgram|child_process|os|crypto)$/, /\/daemon\//, /\/transport\//, /\/resources\//, /\/core\//, /\/commands\//] },
  // Configuration is read by everyone and reads no one above it (the exporter included).
  { folder: 'src/config', forbidden: [/\/cli\//, /\/daemon\//, /\/core\//] },
];

for (const rule of rules) {
  test(`${rule.folder} imports nothing it must not`, () => {
    const files = sourceFiles(join(repoRoot, rule.folder));
    assert.ok(files.length > 0, `${rule.folder} has source files`);
    const offences: string[] = [];
    for (const file of files) {
      for (const spec of importsOf(file)) {
        if (rule.forbidden.some((re) => re.test(spec))) offences.push(`${relative(repoRoot, file)} imports ${spec}`);
      }
    }
    assert.deepEqual(offences, []);
  });
}

test('core source never reads the clock or randomness directly', () => {
  const offences: string[] = [];
  for (const file of sourceFiles(join(repoRoot, 'src/core'))) {
    const text = readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '');
    for (const banned of ['Date.now', 'new Date', 'Math.random', 'performance.now', 'setTimeout', 'setInterval', 'process.']) {
      if (text.includes(banned)) offences.push(`${relative(repoRoot, file)} uses ${banned}`);
    }
  }
  assert.deepEqual(offences, []);
});
