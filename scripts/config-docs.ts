// Regenerates the documentation that is generated from the code:
//   node dist/scripts/config-docs.js [--check] [HA.CF [MARKDOWN...]]
// rewrites the sample ha.cf from src/config/directives.ts (headings, descriptions, sections;
// examples kept) and the generated blocks of the markdown files (scripts/readme-blocks.ts).
// Without file arguments: the repository's ha.cf, README.md and every folder README, and the
// man pages and bash completion (scripts/man-pages.ts, whole files).
// --check writes nothing and exits 1 if a file is stale. Touches only the files it names.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderHaCfSample } from '../src/config/directive-docs.js';
import { readmeFiles, renderGeneratedBlocks } from './readme-blocks.js';
import { GENERATED_FILES } from './man-pages.js';

const args = process.argv.slice(2);
const check = args[0] === '--check';
const files = check ? args.slice(1) : args;
if (files.some((f) => f.startsWith('-'))) {
  process.stderr.write('usage: config-docs [--check] [HA.CF [MARKDOWN...]]\n');
  process.exit(2);
}

// README targets: the markdown files named, or (by default) every README of the repository.
const repoRoot = fileURLToPath(new URL('../..', import.meta.url)); // dist/scripts/ -> the checkout
const [haCf = join(repoRoot, 'ha.cf'), ...named] = files;
const markdown = files.length > 0 ? named : readmeFiles(repoRoot).map((f) => join(repoRoot, f));
const targets: [string, (text: string) => string][] = [
  [haCf, renderHaCfSample],
  ...markdown.map((file): [string, (text: string) => string] => [file, (text) => renderGeneratedBlocks(text, file)]),
  ...(files.length > 0 ? [] : Object.entries(GENERATED_FILES).map(([path, render]): [string, (text: string) => string] => [join(repoRoot, path), () => render()])),
];

let stale = false;
for (const [file, render] of targets) {
  const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const after = render(before);
  if (after === before) continue;
  stale = true;
  if (check) process.stderr.write(`${file} is out of date: run config-docs without --check\n`);
  else {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, after);
    process.stdout.write(`regenerated ${file}\n`);
  }
}
process.exit(check && stale ? 1 : 0);
