// Every code file under src/, scripts/ and test/ (TypeScript, and shell scripts by their #! line)
// opens with a comment saying what it is and what it may touch (RULES, issue 11). The second half
// is checked by its words: the header must name what the file touches (files, sockets, processes,
// namespaces...) or say that it is pure, types only, or touches nothing. Reads the files under
// those three folders; writes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../../support/paths.js';

/** Words by which a header says what the file may touch (or that it touches nothing). */
const TOUCH_WORDS =
  /\btouch|\bpure\b|\bI\/O\b|\breads?\b|\bwrites?\b|\bnothing\b|\bspawns?\b|\bsends?\b|\bopens?\b|\bsockets?\b|\bnamespaces?\b|\btypes only\b|\bstdout\b|\btemp\b|\btemporary\b|\bruns?\b|\bexecutes?\b|\bkills?\b|\bbinds?\b|\blistens?\b|\bdevices?\b|\bfiles?\b/i;

interface Header {
  /** The leading comment, joined; null when the file does not open with one. */
  text: string | null;
}

/** The opening comment of a code file (after a #! line), or null; undefined: not a code file. */
export function openingComment(path: string, content: string): Header | undefined {
  const shell = /^#!.*\b(sh|bash)\b/.test(content) || path.endsWith('.sh') || path.endsWith('.bash');
  if (!path.endsWith('.ts') && !shell) return undefined;
  const lines = content.split('\n');
  let i = lines[0]?.startsWith('#!') ? 1 : 0;
  const mark = path.endsWith('.ts') ? /^\s*(\/\/|\/\*|\*)/ : /^\s*#/;
  const comment: string[] = [];
  for (; i < lines.length && mark.test(lines[i]!); i++) comment.push(lines[i]!);
  return { text: comment.length === 0 ? null : comment.join(' ') };
}

/** What is wrong with a file's opening comment, or null. */
export function headerProblem(path: string, content: string): string | null {
  const header = openingComment(path, content);
  if (header === undefined) return null;
  if (header.text === null) return `${path}: does not open with a comment saying what it is`;
  if (!TOUCH_WORDS.test(header.text)) return `${path}: its opening comment does not say what it may touch (or that it is pure)`;
  return null;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : entry.isFile() ? [join(dir, entry.name)] : [],
  );
}

test('every code file in src, scripts and test opens with what it is and what it may touch', () => {
  const files = ['src', 'scripts', 'test'].flatMap((folder) => filesUnder(join(repoRoot, folder)));
  const problems: string[] = [];
  for (const file of files) {
    const problem = headerProblem(relative(repoRoot, file), readFileSync(file, 'utf8'));
    if (problem !== null) problems.push(problem);
  }
  assert.ok(files.length > 300, 'the file list is the repository');
  assert.deepEqual(problems, []);
});

test('a file without an opening comment, or one that does not say what it touches, is reported', () => {
  assert.match(headerProblem('src/x.ts', "import { y } from './y.js';\n") ?? '', /does not open with a comment/);
  assert.match(headerProblem('src/x.ts', '// The frame format.\nexport const x = 1;\n') ?? '', /does not say what it may touch/);
  assert.match(headerProblem('test/fixtures/s', '#!/bin/sh\necho running\n') ?? '', /does not open with a comment/);
  assert.equal(headerProblem('src/x.ts', '// The frame format. Pure.\nexport const x = 1;\n'), null);
  assert.equal(headerProblem('test/fixtures/s', '#!/bin/sh\n# A stand-in script; touches nothing.\necho running\n'), null);
  assert.equal(headerProblem('test/fixtures/config/ha.cf', 'node a\n'), null, 'data files are not code');
});
