// `npm test` on any supported Node.js (issue 16): scripts/run-tests.ts names the test files one
// by one, because Node ≥ 21 fails on a directory given to --test. Checks which files it picks,
// that its exit status is the tests' own, and that package.json never hands --test a directory.
// May touch: a temporary directory (removed); runs node --test on the files it writes there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testArgs, testFiles } from '../../../scripts/run-tests.js';
import { repoRoot } from '../../support/paths.js';

const runTests = join(repoRoot, 'dist/scripts/run-tests.js');

function tree(t: { after: (fn: () => void) => void }, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'a16-run-tests-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const PASS = "import { test } from 'node:test'; test('passes', () => {});\n";
const FAIL = "import { test } from 'node:test'; test('fails', () => { throw new Error('boom'); });\n";

test('picks the files Node 20 finds in a directory: test names at any depth, not helpers or node_modules', (t) => {
  const names = ['a.test.js', 'b-test.mjs', 'c_test.cjs', 'test-d.js', 'test.js', 'x/y/deep.test.js', 'helper.js', 'link.contract.js', 'a.test.js.map', 'a.test.d.ts', 'testing.js', 'node_modules/m/e.test.js'];
  const dir = tree(t, Object.fromEntries(names.map((n) => [n, ''])));
  assert.deepEqual(
    testFiles(dir).map((f) => f.slice(dir.length + 1)),
    ['a.test.js', 'b-test.mjs', 'c_test.cjs', 'test-d.js', 'test.js', 'x/y/deep.test.js'],
  );
  assert.deepEqual(testArgs([dir], true).slice(0, 2), ['--test', '--test-concurrency=1']);
  assert.equal(testArgs([dir], false)[1], join(dir, 'a.test.js'));
  assert.deepEqual(testArgs([join(dir, 'helper.js')], false), ['--test', join(dir, 'helper.js')], 'a file is run as given');
});

test("this repository's test directories: every *.test.js, no helper", () => {
  const unit = testFiles(join(repoRoot, 'dist/test/unit'));
  assert.ok(unit.includes(join(repoRoot, 'dist/test/unit/install/run-tests.test.js')));
  assert.ok(!unit.includes(join(repoRoot, 'dist/test/unit/daemon/memory-wiring.js')));
  assert.ok(!testFiles(join(repoRoot, 'dist/test/contract')).includes(join(repoRoot, 'dist/test/contract/link.contract.js')));
});

test('its exit status is the tests\' own; no directory or no file is a refusal', { timeout: 60_000 }, (t) => {
  // Without NODE_TEST_CONTEXT: a node --test started from inside a test would report to this one.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const run = (...args: string[]) => spawnSync(process.execPath, [runTests, ...args], { encoding: 'utf8', timeout: 50_000, env });
  const good = tree(t, { 'ok.test.mjs': PASS });
  const passed = run(good);
  assert.equal(passed.status, 0, passed.stdout + passed.stderr);
  assert.match(passed.stdout, /^# pass 1$/m);
  const bad = tree(t, { 'ok.test.mjs': PASS, 'sub/bad.test.mjs': FAIL });
  const failed = run('--serial', bad);
  assert.equal(failed.status, 1);
  assert.match(failed.stdout, /^# fail 1$/m);
  assert.equal(run('--serial').status, 2);
  const empty = run(tree(t, { 'helper.js': PASS }));
  assert.equal(empty.status, 1);
  assert.match(empty.stderr, /^run-tests: no test files in /);
});

test('npm test never hands node --test a directory', () => {
  const script = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['test']!;
  assert.ok(!/node --test\b/.test(script), script);
  const runs = script.split(' && ').filter((s) => s.startsWith('node dist/scripts/run-tests.js'));
  const dirs = runs.flatMap((s) => s.split(' ').slice(2).filter((a) => a !== '--serial'));
  assert.deepEqual(dirs.sort(), ['dist/test/contract', 'dist/test/e2e', 'dist/test/integration', 'dist/test/sim', 'dist/test/unit']);
  assert.ok(runs[1]?.includes('--serial'), 'the timing-sensitive directories run one file at a time');
});
