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

// The design card's packages stay declared dependencies and are imported by product code: one
// declared but unused (as parser-readline once was), or used but undeclared, fails here.
test('every design-card package is a dependency imported by something under src/', () => {
  const card = ['serialport', '@serialport/parser-readline', 'execa', 'winston', 'ini'];
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const imported = new Set(sourceFiles(join(repoRoot, 'src')).flatMap(importsOf));
  assert.deepEqual(card.filter((name) => !pkg.dependencies?.[name]), [], 'declared in package.json dependencies');
  assert.deepEqual(card.filter((name) => !imported.has(name)), [], 'imported by product code');
});
