// Which twinbeat build the lab runs: this checkout's, or with TWINBEAT_ROOT another built checkout's
// (the bench's before/after), with the node flags of that build's executable shebang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_FLAGS } from '../../../src/cli/node-flags.js';

const labModule = fileURLToPath(new URL('../../../scripts/lab/lab.js', import.meta.url));

/** labPaths as a fresh process sees it (the build is chosen when the module loads). */
function labPathsWith(root: string | undefined): { cli: string; nodeFlags: string[] } {
  const env = { ...process.env };
  delete env.TWINBEAT_ROOT;
  if (root !== undefined) env.TWINBEAT_ROOT = root;
  const code = `import(${JSON.stringify(labModule)}).then((m) => process.stdout.write(JSON.stringify(m.labPaths)))`;
  const r = spawnSync(process.execPath, ['-e', code], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { cli: string; nodeFlags: string[] };
}

test('without TWINBEAT_ROOT the lab runs this build with NODE_FLAGS', () => {
  const paths = labPathsWith(undefined);
  assert.equal(paths.cli, fileURLToPath(new URL('../../../src/cli/main.js', import.meta.url)));
  assert.deepEqual(paths.nodeFlags, [...NODE_FLAGS]);
});

test("TWINBEAT_ROOT runs that checkout's dist with its shebang's flags; no or an odd shebang: no flags", () => {
  const root = mkdtempSync(join(tmpdir(), 'tb-root-'));
  try {
    const cli = join(root, 'dist/src/cli/main.js');
    mkdirSync(join(root, 'dist/src/cli'), { recursive: true });
    writeFileSync(cli, '#!/usr/bin/env -S node --lite-mode  --max-semi-space-size=1\nexport {};\n');
    assert.deepEqual(labPathsWith(root), { ...labPathsWith(root), cli, nodeFlags: ['--lite-mode', '--max-semi-space-size=1'] });
    writeFileSync(cli, '#!/bin/sh --evil\n');
    assert.deepEqual(labPathsWith(root).nodeFlags, []);
    rmSync(cli);
    const missing = labPathsWith(root);
    assert.equal(missing.cli, cli, 'preflight then reports the missing build');
    assert.deepEqual(missing.nodeFlags, []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
