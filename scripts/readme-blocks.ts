// The README blocks generated from the code, so the documentation cannot drift from it. A block
// sits between two marker comments and its content is replaced whole:
//   <!-- generated:drop-reasons (node dist/scripts/config-docs.js) -->
//   ...
//   <!-- end generated:drop-reasons -->
// The text around the markers is kept. renderGeneratedBlocks is pure (text in, text out);
// readmeFiles only lists directories. scripts/config-docs.ts applies the blocks to the files and
// test/unit/docs checks they are up to date.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { directives, type DirectiveKind } from '../src/config/directives.js';
import { markdownRow } from '../src/config/directive-docs.js';
import { DROP_REASONS } from '../src/protocol/drops.js';
import { DROP_REASON_DOCS } from '../src/protocol/drop-docs.js';
import { metricsTable, statusFieldTable } from './reference-tables.js';

function directiveTable(kind: DirectiveKind): string[] {
  return ['| directive | value | default | what twinbeat does |', '|---|---|---|---|', ...directives.filter((d) => d.kind === kind).map(markdownRow)];
}

/** Text for a markdown table cell. */
const escape = (text: string): string => text.replace(/\|/g, '\\|');

/** Each protection a Heartbeat line asked for that twinbeat does not give: `check` warns about it. */
function warningTable(): string[] {
  const rows = directives.flatMap((d) =>
    (d.warnings ?? []).map((w) => `| \`${d.name}${w.program ? ` … ${w.program}` : ''}\` | ${escape(w.lost)} | ${escape(w.instead)} |`),
  );
  return ['| line | what is lost | what takes its place |', '|---|---|---|', ...rows];
}

function dropReasonTable(): string[] {
  return ['| reason | meaning |', '|---|---|', ...DROP_REASONS.map((r) => `| \`${r}\` | ${escape(DROP_REASON_DOCS[r])} |`)];
}

/** Every block a README may contain, by the name its markers use. */
export const GENERATED_BLOCKS: Readonly<Record<string, () => string[]>> = {
  'directives-acted': () => directiveTable('acted'),
  'directives-accepted': () => directiveTable('accepted-notice'),
  'directives-extensions': () => directiveTable('extension'),
  'drop-reasons': dropReasonTable,
  'directive-warnings': warningTable,
  'status-json-fields': statusFieldTable,
  metrics: metricsTable,
};

const begin = /^<!-- generated:([a-z-]+)(?: .*)? -->$/;
const endMarker = (name: string): string => `<!-- end generated:${name} -->`;

/**
 * `markdown` with the content of every generated block rewritten from the code. Throws on a
 * block name nothing generates, a block without its end marker, or an end marker without a
 * beginning, so a mistyped marker cannot silently stop the regeneration.
 */
export function renderGeneratedBlocks(markdown: string, file = 'markdown'): string {
  const lines = markdown.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('<!-- end generated:')) throw new Error(`${file}:${i + 1}: end marker without a beginning: ${line}`);
    out.push(line);
    const match = begin.exec(line);
    if (match === null) continue;
    const name = match[1]!;
    const generate = GENERATED_BLOCKS[name];
    if (generate === undefined) throw new Error(`${file}:${i + 1}: no generated block is called ${name} (known: ${Object.keys(GENERATED_BLOCKS).join(', ')})`);
    const end = lines.indexOf(endMarker(name), i + 1);
    const nextBegin = lines.findIndex((l, j) => j > i && begin.test(l));
    if (end < 0 || (nextBegin >= 0 && nextBegin < end)) throw new Error(`${file}:${i + 1}: ${name} has no "${endMarker(name)}" before the next block`);
    out.push(...generate(), lines[end]!);
    i = end;
  }
  return out.join('\n');
}

const skipped = new Set(['node_modules', 'dist', '.git']);

/** README.md and every folder README under `root`, as paths relative to it (README.md first). */
export function readmeFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !skipped.has(entry.name) && !entry.name.startsWith('.')) walk(join(dir, entry.name));
      else if (entry.isFile() && entry.name === 'README.md') found.push(relative(root, join(dir, entry.name)));
    }
  };
  walk(root);
  return found.sort((a, b) => (a === 'README.md' ? -1 : b === 'README.md' ? 1 : a.localeCompare(b)));
}
