// Where the repository is, whether tests run from test/ (source) or dist/test/ (compiled).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'tsconfig.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no repository root above ${start}`);
    dir = up;
  }
}

export const repoRoot = findRoot(dirname(fileURLToPath(import.meta.url)));
/** The built CLI entry point (run `npm run build` first; npm test does). */
export const cliPath = resolve(repoRoot, 'dist/src/cli/main.js');
export const fixturesDir = resolve(repoRoot, 'test/fixtures');
