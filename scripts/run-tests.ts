// `npm test`'s runner: `node --test` with the test files named one by one, so the same files run
// on every Node.js the package supports (engines: ≥ 20.10). Node 20 searches a directory given to
// --test; Node 21 and later read each argument as a glob pattern, match the directory itself and
// fail with "Cannot find module '…/dist/test/unit'" — so a directory must never reach --test.
//
//   node dist/scripts/run-tests.js [--serial] DIR|FILE...     --serial: --test-concurrency=1
//
// The files are the ones Node 20 finds in a directory: *.test.js, *-test.js, *_test.js, test-*.js
// and test.js (also .cjs/.mjs), anywhere below, node_modules skipped; helpers next to them
// (memory-wiring.js, link.contract.js) are not run.
// May touch: reads the directories; runs node --test with this terminal.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const TEST_NAME = /^(?:test|test-.+|.+[._-]test)\.[cm]?js$/;

/** The test files below `dir`, sorted, as paths that start with `dir`. */
export function testFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') files.push(...testFiles(path));
    } else if (entry.isFile() && TEST_NAME.test(entry.name)) {
      files.push(path);
    }
  }
  return files;
}

/** The `node` arguments that run the tests in `dirs` (a file among them is run as it is). */
export function testArgs(dirs: readonly string[], serial: boolean): string[] {
  return ['--test', ...(serial ? ['--test-concurrency=1'] : []), ...dirs.flatMap((dir) => (statSync(dir).isFile() ? [dir] : testFiles(dir)))];
}

function main(argv: string[]): number {
  const serial = argv[0] === '--serial';
  const dirs = serial ? argv.slice(1) : argv;
  if (dirs.length === 0 || dirs.some((d) => d.startsWith('-'))) {
    process.stderr.write('usage: run-tests [--serial] DIR...\n');
    return 2;
  }
  const args = testArgs(dirs, serial);
  if (args.length === (serial ? 2 : 1)) {
    process.stderr.write(`run-tests: no test files in ${dirs.join(' ')}\n`);
    return 1;
  }
  const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
  return run.status ?? 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exit(main(process.argv.slice(2)));
