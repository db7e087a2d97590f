// Import boundaries that keep the architecture honest: the pure layers (config parsing,
// protocol, core) must not reach into the world, and core must not know the edges exist. Every
// forbidden direction is its own test, named after the arrow it forbids; type-only imports,
// re-exports and dynamic imports count like any other. A mutation test proves each rule bites:
// it adds one forbidden import to a synthetic copy of the source set and expects the offence.
// Reads src/ only; writes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { repoRoot } from '../support/paths.js';

/** A source file by its repository-relative POSIX path. */
interface SourceFile {
  path: string;
  text: string;
}

/** `from` may not import anything under `to` (both repository-relative folders). */
interface FolderRule {
  from: string;
  to: string;
  /** Set while a known arrow is being removed on another branch: the test runs as a todo. */
  todo?: string;
}

/** `from` may not import these modules (Node built-ins: the pure layers do no I/O). */
interface ModuleRule {
  from: string;
  what: string;
  forbidden: RegExp;
}

const folderRules: FolderRule[] = [
  { from: 'src/core', to: 'src/resources' },
  { from: 'src/core', to: 'src/config' },
  { from: 'src/core', to: 'src/daemon' },
  { from: 'src/core', to: 'src/transport' },
  { from: 'src/core', to: 'src/cli' },
  { from: 'src/config', to: 'src/resources' },
  { from: 'src/config', to: 'src/daemon' },
  { from: 'src/config', to: 'src/core' },
  { from: 'src/config', to: 'src/cli' },
  // The Pacemaker translator is config in, text out: no runtime layer, no command code.
  { from: 'src/cli/export', to: 'src/core' },
  { from: 'src/cli/export', to: 'src/daemon' },
  { from: 'src/cli/export', to: 'src/transport' },
  { from: 'src/cli/export', to: 'src/resources' },
  { from: 'src/cli/export', to: 'src/cli/commands' },
  { from: 'src/protocol', to: 'src/daemon' },
  { from: 'src/protocol', to: 'src/transport' },
  { from: 'src/protocol', to: 'src/core' },
  { from: 'src/protocol', to: 'src/cli' },
];

const moduleRules: ModuleRule[] = [
  { from: 'src/core', what: 'Node built-ins', forbidden: /^(node:.*|fs|net|dgram|child_process|os|crypto)$/ },
  { from: 'src/protocol', what: 'Node I/O modules', forbidden: /^(node:)?(fs|net|dgram|child_process)$/ },
  { from: 'src/cli/export', what: 'Node built-ins', forbidden: /^(node:.*|fs|net|dgram|child_process|os|crypto)$/ },
];

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

function readSources(folder: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts')) out.push({ path: toPosix(relative(repoRoot, full)), text: readFileSync(full, 'utf8') });
    }
  };
  walk(join(repoRoot, folder));
  return out;
}

/** Every module specifier the file imports: static (type-only too), re-exports, bare and dynamic. */
function importsOf(text: string): string[] {
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g)) specs.push(m[1]!);
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) specs.push(m[1]!);
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) specs.push(m[1]!);
  return specs;
}

function inside(path: string, folder: string): boolean {
  return path === folder || path.startsWith(`${folder}/`);
}

/** The offences against one folder rule, as `file imports spec`. */
function folderOffences(files: SourceFile[], rule: FolderRule): string[] {
  const offences: string[] = [];
  for (const file of files) {
    if (!inside(file.path, rule.from)) continue;
    for (const spec of importsOf(file.text)) {
      if (!spec.startsWith('.')) continue;
      const target = posix.normalize(posix.join(posix.dirname(file.path), spec));
      if (inside(target, rule.to)) offences.push(`${file.path} imports ${spec}`);
    }
  }
  return offences;
}

function moduleOffences(files: SourceFile[], rule: ModuleRule): string[] {
  const offences: string[] = [];
  for (const file of files) {
    if (!inside(file.path, rule.from)) continue;
    for (const spec of importsOf(file.text)) if (rule.forbidden.test(spec)) offences.push(`${file.path} imports ${spec}`);
  }
  return offences;
}

const sources = [...readSources('src/core'), ...readSources('src/config'), ...readSources('src/protocol'), ...readSources('src/cli/export')];

for (const rule of folderRules) {
  const name = `${rule.from} must not import ${rule.to} (type imports included)`;
  test(name, rule.todo ? { todo: rule.todo } : {}, () => {
    assert.ok(sources.some((f) => inside(f.path, rule.from)), `${rule.from} has source files`);
    assert.deepEqual(folderOffences(sources, rule), [], `forbidden direction ${rule.from} → ${rule.to}`);
  });
}

for (const rule of moduleRules) {
  test(`${rule.from} must not import ${rule.what}`, () => {
    assert.deepEqual(moduleOffences(sources, rule), [], `forbidden direction ${rule.from} → ${rule.what}`);
  });
}

test('each forbidden direction is caught when a mutation adds one such import', () => {
  // One synthetic file per rule, written in every form an import can take; the real sources
  // around it are kept, so the offence found is exactly the mutation's.
  const forms = [
    (spec: string) => `import { x } from '${spec}';`,
    (spec: string) => `import type { X } from '${spec}';`,
    (spec: string) => `import type {\n  X,\n  Y,\n} from '${spec}';`,
    (spec: string) => `export { x } from '${spec}';`,
    (spec: string) => `import '${spec}';`,
    (spec: string) => `const m = await import('${spec}');`,
  ];
  for (const rule of folderRules) {
    const mutantPath = `${rule.from}/sub/mutant.ts`;
    const spec = `${posix.relative(posix.dirname(mutantPath), rule.to)}/anything.js`;
    for (const form of forms) {
      const mutated = [...sources, { path: mutantPath, text: `// mutant\n${form(spec)}\n` }];
      const found = folderOffences(mutated, rule).filter((o) => o.startsWith(mutantPath));
      assert.deepEqual(found, [`${mutantPath} imports ${spec}`], `${rule.from} → ${rule.to} caught in: ${form(spec)}`);
    }
  }
});

test('an allowed import is not mistaken for a forbidden one', () => {
  // A sibling folder whose name starts like a forbidden one, and a same-folder import.
  const files: SourceFile[] = [
    { path: 'src/core/a.ts', text: `import { y } from '../configuration/b.js';\nimport { z } from './config.js';\n` },
  ];
  assert.deepEqual(folderOffences(files, { from: 'src/core', to: 'src/config' }), []);
});

test('core source never reads the clock or randomness directly', () => {
  const offences: string[] = [];
  for (const file of sources.filter((f) => inside(f.path, 'src/core'))) {
    const text = file.text.replace(/\/\/.*$/gm, '');
    for (const banned of ['Date.now', 'new Date', 'Math.random', 'performance.now', 'setTimeout', 'setInterval', 'process.']) {
      if (text.includes(banned)) offences.push(`${file.path} uses ${banned}`);
    }
  }
  assert.deepEqual(offences, []);
});

/**
 * Import cycles among `files` (relative imports, type-only included), each as its modules in
 * order. A cycle is harmless at run time when type-only, but it means two modules that cannot be
 * read or moved apart: the vocabulary one of them needs belongs in a third, or in the other.
 */
function importCycles(files: SourceFile[]): string[][] {
  const known = new Set(files.map((f) => f.path));
  const edges = new Map<string, string[]>();
  for (const file of files) {
    const targets = importsOf(file.text)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => posix.normalize(posix.join(posix.dirname(file.path), spec)).replace(/\.js$/, '.ts'))
      .filter((target) => known.has(target));
    edges.set(file.path, [...new Set(targets)].sort());
  }
  // Tarjan's strongly connected components: every component of two or more modules is a cycle.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop()!; ; w = stack.pop()!) {
      onStack.delete(w);
      component.push(w);
      if (w === v) break;
    }
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
}

test('src has no import cycles (type imports included)', () => {
  const all = readSources('src');
  assert.ok(all.length > 50, 'src has source files');
  assert.deepEqual(importCycles(all), []);
});

test('an import cycle is caught when a mutation closes one', () => {
  const files: SourceFile[] = [
    { path: 'src/core/a.ts', text: "import type { B } from './b.js';\n" },
    { path: 'src/core/b.ts', text: "import { c } from '../protocol/c.js';\n" },
    { path: 'src/protocol/c.ts', text: '// leaf\n' },
  ];
  assert.deepEqual(importCycles(files), [], 'a chain is no cycle');
  const closed = files.map((f) => (f.path === 'src/protocol/c.ts' ? { ...f, text: "import type { A } from '../core/a.js';\n" } : f));
  assert.deepEqual(importCycles(closed), [['src/core/a.ts', 'src/core/b.ts', 'src/protocol/c.ts']]);
  // And the real sources with one back-edge added: drops.ts importing frame.ts again.
  const real = readSources('src').map((f) => (f.path === 'src/protocol/drops.ts' ? { ...f, text: `${f.text}\nimport { MAX_FRAME_BYTES } from './frame.js';\n` } : f));
  assert.deepEqual(importCycles(real), [['src/protocol/drops.ts', 'src/protocol/frame.ts']]);
});

// The design card's packages stay declared dependencies and are imported by product code: one
// declared but unused (as parser-readline once was), or used but undeclared, fails here.
test('every design-card package is a dependency imported by something under src/', () => {
  const card = ['serialport', '@serialport/parser-readline', 'execa', 'winston', 'ini'];
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const imported = new Set(readSources('src').flatMap((file) => importsOf(file.text)));
  assert.deepEqual(card.filter((name) => !pkg.dependencies?.[name]), [], 'declared in package.json dependencies');
  assert.deepEqual(card.filter((name) => !imported.has(name)), [], 'imported by product code');
});
