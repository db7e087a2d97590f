// The README blocks generated from the code (directive tables, drop reasons): the generator keeps
// the text around its markers, refuses markers it cannot honour, and every README in the
// repository is up to date, so a changed directive or drop reason fails here until
// `node dist/scripts/config-docs.js` has been run. Reads the repository; writes only temp files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../support/paths.js';
import { GENERATED_BLOCKS, readmeFiles, renderGeneratedBlocks } from '../../../scripts/readme-blocks.js';
import { DROP_REASONS } from '../../../src/protocol/drops.js';
import { directives } from '../../../src/config/directives.js';
import { markdownRow } from '../../../src/config/directive-docs.js';

const configDocs = join(repoRoot, 'dist/scripts/config-docs.js');

test('a block is rewritten from the code and the text around it is kept', () => {
  const md = ['intro', '<!-- generated:drop-reasons (a note) -->', '| stale |', '<!-- end generated:drop-reasons -->', 'outro'].join('\n');
  const out = renderGeneratedBlocks(md);
  assert.ok(out.startsWith('intro\n<!-- generated:drop-reasons (a note) -->\n| reason | meaning |'));
  assert.ok(out.endsWith('<!-- end generated:drop-reasons -->\noutro'));
  assert.ok(!out.includes('| stale |'));
  for (const reason of DROP_REASONS) assert.equal(out.split('\n').filter((l) => l.startsWith(`| \`${reason}\` | `)).length, 1, reason);
  assert.equal(renderGeneratedBlocks(out), out, 'idempotent');
  assert.equal(renderGeneratedBlocks('no markers at all\n'), 'no markers at all\n');
});

test('the three directive blocks hold every directive exactly once, as the table row the code renders', () => {
  const md = ['directives-acted', 'directives-accepted', 'directives-extensions'].flatMap((b) => [`<!-- generated:${b} -->`, `<!-- end generated:${b} -->`]).join('\n');
  const out = renderGeneratedBlocks(md).split('\n');
  for (const d of directives) assert.equal(out.filter((l) => l === markdownRow(d)).length, 1, d.name);
});

test('markers the generator cannot honour are errors, not silently skipped', () => {
  assert.throws(() => renderGeneratedBlocks('<!-- generated:drop-reason -->\n<!-- end generated:drop-reason -->', 'X.md'), /X\.md:1: no generated block is called drop-reason/);
  assert.throws(() => renderGeneratedBlocks('<!-- generated:drop-reasons -->\ntext'), /has no "<!-- end generated:drop-reasons -->"/);
  assert.throws(
    () => renderGeneratedBlocks('<!-- generated:drop-reasons -->\n<!-- generated:directives-acted -->\n<!-- end generated:directives-acted -->\n<!-- end generated:drop-reasons -->'),
    /drop-reasons has no .* before the next block/,
  );
  assert.throws(() => renderGeneratedBlocks('a\n<!-- end generated:drop-reasons -->'), /:2: end marker without a beginning/);
});

test('every README is up to date with the code, and every block is shown somewhere', () => {
  const shown = new Map<string, string[]>();
  for (const file of readmeFiles(repoRoot)) {
    const text = readFileSync(join(repoRoot, file), 'utf8');
    assert.equal(renderGeneratedBlocks(text, file), text, `${file} is stale: run node dist/scripts/config-docs.js`);
    for (const m of text.matchAll(/^<!-- generated:([a-z-]+)/gm)) shown.set(m[1]!, [...(shown.get(m[1]!) ?? []), file]);
  }
  for (const name of Object.keys(GENERATED_BLOCKS)) assert.equal(shown.get(name)?.length, 1, `${name} appears in exactly one README (${shown.get(name) ?? 'none'})`);
});

test('config-docs --check fails on a stale README and leaves it alone; without --check it rewrites it', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tb-docs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const haCf = join(dir, 'ha.cf');
  const readme = join(dir, 'README.md');
  copyFileSync(join(repoRoot, 'ha.cf'), haCf);
  copyFileSync(join(repoRoot, 'README.md'), readme);
  const fresh = spawnSync(process.execPath, [configDocs, '--check', haCf, readme], { encoding: 'utf8' });
  assert.equal(fresh.status, 0, fresh.stderr);

  const current = readFileSync(readme, 'utf8');
  const stale = current.replace(/^\| `bad-mac` \|.*$/m, '| `bad-mac` | an old description |');
  assert.notEqual(stale, current);
  writeFileSync(readme, stale);
  const checked = spawnSync(process.execPath, [configDocs, '--check', haCf, readme], { encoding: 'utf8' });
  assert.equal(checked.status, 1);
  assert.match(checked.stderr, /README\.md is out of date/);
  assert.equal(readFileSync(readme, 'utf8'), stale, '--check writes nothing');

  execFileSync(process.execPath, [configDocs, haCf, readme]);
  assert.equal(readFileSync(readme, 'utf8'), current);
});

test('config-docs --check without arguments checks the repository (ha.cf and every README)', () => {
  const r = spawnSync(process.execPath, [configDocs, '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
