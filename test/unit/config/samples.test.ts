// The repository's sample ha.cf and haresources: they load as a complete configuration, document
// every directive in the table, and every commented-out example in them is itself valid.
// Reads the samples; writes only temp copies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../support/paths.js';
import { directives } from '../../../src/config/directives.js';
import { parseHaCf } from '../../../src/config/hacf.js';
import { parseHaresources } from '../../../src/config/haresources.js';
import { loadConfig } from '../../../src/config/load.js';
import { scriptChecks } from '../../../src/resources/locate.js';
import { authkeysText } from '../../../src/cli/commands/keygen.js';
import { formatError } from '../../../src/config/errors.js';
import { renderHaCfSample } from '../../../src/config/directive-docs.js';

const haCf = readFileSync(join(repoRoot, 'ha.cf'), 'utf8');
const haresources = readFileSync(join(repoRoot, 'haresources'), 'utf8');

test('sample ha.cf and haresources load as a whole configuration (package resources.d)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tb-samples-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync(join(repoRoot, 'ha.cf'), join(dir, 'ha.cf'));
  copyFileSync(join(repoRoot, 'haresources'), join(dir, 'haresources'));
  writeFileSync(join(dir, 'authkeys'), authkeysText('ab'.repeat(32)));
  chmodSync(join(dir, 'authkeys'), 0o600);
  const r = await loadConfig(dir, 'alpha', { scripts: scriptChecks(dir) });
  assert.ok(r.ok, r.ok ? '' : r.errors.map(formatError).join('\n'));
  assert.deepEqual(r.config.groups[0]!.resources.map((x) => [x.id, x.class]), [
    ['IPaddr::192.168.1.100/24/eth0', 'heartbeat'],
    ['Dummy::web', 'heartbeat'],
  ]);
});

test('sample ha.cf documents every directive, each with a line of its own', () => {
  const missing = directives.filter((d) => !new RegExp(`^#?${d.name} `, 'm').test(haCf)).map((d) => d.name);
  assert.deepEqual(missing, []);
  for (const d of directives) assert.ok(haCf.includes(`# ${d.name} ${d.syntax}`), `${d.name} has its heading`);
});

test('every commented-out example in the samples is valid on its own', () => {
  const names = new Set(directives.map((d) => d.name));
  const examples = haCf.split('\n').filter((l) => /^#[a-z_0-9]+ /.test(l) && names.has(l.slice(1).split(' ')[0]!));
  assert.ok(examples.length >= 40, `${examples.length} examples`);
  for (const line of examples) assert.deepEqual(parseHaCf(line.slice(1), 'ha.cf').errors.map(formatError), [], line);
  // The block under "Heartbeat examples", up to the blank line.
  const lines = haresources.split('\n');
  const from = lines.findIndex((l) => l.startsWith('# Heartbeat examples')) + 1;
  const block = lines.slice(from, lines.indexOf('', from));
  const uncommented = block.map((l) => l.slice(1)).join('\n');
  const parsed = parseHaresources(uncommented, 'haresources');
  assert.deepEqual(parsed.errors, []);
  assert.equal(parsed.groups.length, 3);
});

test('sample ha.cf is what the directive table generates (node dist/scripts/config-docs.js)', () => {
  assert.equal(renderHaCfSample(haCf), haCf, 'ha.cf is stale: regenerate it from src/config/directives.ts');
});
