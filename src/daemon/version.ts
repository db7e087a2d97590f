// The package version, read once from the package.json above this module (src/ or dist/src/).
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageJson(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

let cached: string | null = null;

export function packageVersion(): string {
  if (cached === null) {
    const path = findPackageJson();
    cached = path === null ? 'unknown' : String((JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown }).version ?? 'unknown');
  }
  return cached;
}
