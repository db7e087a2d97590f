// Regenerates the directive documentation from src/config/directives.ts:
//   node dist/scripts/config-docs.js [--check] HA.CF [README-PART.md]
// rewrites the sample ha.cf (headings, descriptions, sections; examples kept) and, if given, the
// directive tables of the README part. --check writes nothing and exits 1 if a file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderDirectiveTables, renderHaCfSample } from '../src/config/directive-docs.js';

const args = process.argv.slice(2);
const check = args[0] === '--check';
const [haCf, readmePart] = check ? args.slice(1) : args;
if (haCf === undefined) {
  process.stderr.write('usage: config-docs [--check] HA.CF [README-PART.md]\n');
  process.exit(2);
}

let stale = false;
for (const [file, render] of [[haCf, renderHaCfSample], [readmePart, renderDirectiveTables]] as const) {
  if (file === undefined) continue;
  const before = readFileSync(file, 'utf8');
  const after = render(before);
  if (after === before) continue;
  stale = true;
  if (check) process.stderr.write(`${file} is out of date: run config-docs without --check\n`);
  else {
    writeFileSync(file, after);
    process.stdout.write(`regenerated ${file}\n`);
  }
}
process.exit(check && stale ? 1 : 0);
