// Every relative link in README.md and the folder READMEs leads somewhere: the file exists, and
// an anchor (#heading) names a heading of the markdown file it points into, as GitHub spells
// heading anchors. Reads the repository's markdown files; writes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from '../../support/paths.js';
import { readmeFiles } from '../../../scripts/readme-blocks.js';

/** The markdown lines outside fenced code blocks, with their 1-based line numbers. */
function proseLines(markdown: string): { line: string; n: number }[] {
  const out: { line: string; n: number }[] = [];
  let fence: string | null = null;
  markdown.split('\n').forEach((line, i) => {
    const opening = /^\s*(```+|~~~+)/.exec(line);
    if (opening !== null) {
      if (fence === null) fence = opening[1]!;
      else if (line.trim().startsWith(fence)) fence = null;
      return;
    }
    if (fence === null) out.push({ line, n: i + 1 });
  });
  return out;
}

/** GitHub's anchor for a heading's text: inline markup dropped, lower case, punctuation removed, spaces to hyphens. */
function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .replace(/(\*\*|__|\*)/g, '');
  return text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** Every anchor the file's headings define (a repeated heading gets -1, -2, … as on GitHub). */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const { line } of proseLines(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading === null) continue;
    const base = slug(heading[1]!);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    out.add(count === 0 ? base : `${base}-${count}`);
  }
  return out;
}

/** The link targets written in the file's prose (inline links, images, reference definitions). */
function linkTargets(markdown: string): { target: string; n: number }[] {
  const out: { target: string; n: number }[] = [];
  for (const { line, n } of proseLines(markdown)) {
    const prose = line.replace(/`[^`]*`/g, '``');
    for (const m of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) out.push({ target: m[1]!, n });
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(prose);
    if (definition !== null) out.push({ target: definition[1]!, n });
  }
  return out;
}

interface Files {
  read(path: string): string;
  exists(path: string): boolean;
}
const disk: Files = { read: (p) => readFileSync(p, 'utf8'), exists: existsSync };

/** What is wrong with each relative link of `file` (a path under `root`), as "file:line: why". */
function brokenLinks(root: string, file: string, { read, exists }: Files = disk): string[] {
  const path = join(root, file);
  const problems: string[] = [];
  for (const { target, n } of linkTargets(read(path))) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto: — not ours to check
    const where = `${file}:${n}: ${target}`;
    const hash = target.indexOf('#');
    let pathPart: string, anchor: string | null;
    try {
      pathPart = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
      anchor = hash < 0 ? null : decodeURIComponent(target.slice(hash + 1));
    } catch {
      problems.push(`${where}: malformed %-encoding`);
      continue;
    }
    const into = pathPart === '' ? path : resolve(dirname(path), pathPart);
    if (relative(root, into).startsWith('..')) problems.push(`${where}: leads out of the repository`);
    else if (!exists(into)) problems.push(`${where}: no such file ${relative(root, into)}`);
    else if (anchor !== null) {
      if (!into.endsWith('.md')) problems.push(`${where}: an anchor into a file that is not markdown`);
      else if (!anchors(read(into)).has(anchor)) problems.push(`${where}: ${relative(root, into)} has no heading #${anchor}`);
    }
  }
  return problems;
}

/** Every `README "Heading"` (or `some/dir/README.md "Heading"`) written in the TypeScript under `dir`. */
function headingReferences(dir: string): { file: string; readme: string; heading: string }[] {
  const out: { file: string; readme: string; heading: string }[] = [];
  for (const entry of readdirSync(join(repoRoot, dir), { recursive: true, encoding: 'utf8' })) {
    if (!entry.endsWith('.ts')) continue;
    const file = join(dir, entry);
    // A heading may be split over two comment lines: join them first.
    const text = readFileSync(join(repoRoot, file), 'utf8').replace(/\n\s*(\/\/|\*)\s*/g, ' ');
    for (const m of text.matchAll(/(?:([\w./-]*\/)?README(?:\.md)?) "([^"\n]+)"/g)) {
      out.push({ file, readme: `${m[1] ?? ''}README.md`, heading: m[2]! });
    }
  }
  return out;
}

test('GitHub heading anchors: markup and punctuation dropped, repeats numbered', () => {
  assert.equal(slug('Reading `twinbeat status`'), 'reading-twinbeat-status');
  assert.equal(slug('ha.cf directives twinbeat acts on'), 'hacf-directives-twinbeat-acts-on');
  assert.equal(slug('Where scripts are found, and how they are called'), 'where-scripts-are-found-and-how-they-are-called');
  assert.equal(slug('IPaddr: the floating IP'), 'ipaddr-the-floating-ip');
  assert.equal(slug('`tb_hook` and [links](x.md) · **bold**'), 'tb_hook-and-links--bold');
  assert.deepEqual([...anchors('# A\n## Links\n```\n## Not a heading\n```\n### Links\n')], ['a', 'links', 'links-1']);
});

test('links are found in prose, not in code', () => {
  const md = 'see [a](a.md#x) and ![img](p.svg "t")\n`[not](code.md)`\n```\n[not](fenced.md)\n```\n[ref]: r.md\n';
  assert.deepEqual(linkTargets(md).map((l) => l.target), ['a.md#x', 'p.svg', 'r.md']);
});

test('broken links are reported: missing file, missing anchor, anchor into code, outside the repository', () => {
  const files: Record<string, string> = {
    '/r/README.md': '# Top\n## Good one\n[ok](#good-one) [ok](src/x/README.md#deep) [ok](src/x)\n[bad](#gone)\n[bad](nope.md)\n[bad](src/x/README.md#shallow)\n[bad](src/x/a.ts#L1x)\n[bad](../outside.md)\n[ok](https://example.org/#x) [bad](%E0%A4%A.md)\n',
    '/r/src/x/README.md': '# X\n## Deep\n[ok](../../README.md#top)\n',
    '/r/src/x/a.ts': '',
  };
  const tree: Files = {
    read: (p) => files[p] ?? assert.fail(`read of ${p}`),
    exists: (p) => p in files || Object.keys(files).some((f) => f.startsWith(p + '/')),
  };
  const problems = brokenLinks('/r', 'README.md', tree);
  assert.deepEqual(problems, [
    'README.md:4: #gone: README.md has no heading #gone',
    'README.md:5: nope.md: no such file nope.md',
    'README.md:6: src/x/README.md#shallow: src/x/README.md has no heading #shallow',
    'README.md:7: src/x/a.ts#L1x: an anchor into a file that is not markdown',
    'README.md:8: ../outside.md: leads out of the repository',
    'README.md:9: %E0%A4%A.md: malformed %-encoding',
  ]);
  assert.deepEqual(brokenLinks('/r', 'src/x/README.md', tree), []);
});

test('README.md and every folder README link only to files and headings that exist', () => {
  const readmes = readmeFiles(repoRoot);
  for (const folder of ['src/protocol', 'src/core', 'scripts/lab', 'scripts/bench']) assert.ok(readmes.includes(`${folder}/README.md`), `${folder}/README.md exists`);
  assert.deepEqual(readmes.flatMap((f) => brokenLinks(repoRoot, f)), []);
});

test('code that points to a README heading points to one that exists', () => {
  const refs = ['src', 'scripts', 'test'].flatMap(headingReferences).filter((r) => !r.file.startsWith('test/unit/docs/'));
  assert.ok(refs.some((r) => r.heading === 'CLI reference'), 'src/cli/command.ts names README "CLI reference"');
  const missing = refs.filter((r) => !existsSync(join(repoRoot, r.readme)) || !anchors(readFileSync(join(repoRoot, r.readme), 'utf8')).has(slug(r.heading)));
  assert.deepEqual(missing, []);
});

test('no README repeats a heading (a section and its only subsection under one name)', () => {
  for (const file of readmeFiles(repoRoot)) {
    const headings = proseLines(readFileSync(join(repoRoot, file), 'utf8')).flatMap(({ line }) => /^#{1,6}\s+(.*)$/.exec(line)?.[1] ?? []);
    const repeated = headings.filter((h, i) => headings.findIndex((x) => slug(x) === slug(h)) !== i);
    assert.deepEqual(repeated, [], file);
  }
});

test('"Two commands" keeps the two indented command lines (.ci/run runs the second)', () => {
  const main = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = main.slice(main.indexOf('\n## Two commands\n'), main.indexOf('\n## ', main.indexOf('\n## Two commands\n') + 1));
  assert.match(section, /\n    npm ci && npm run demo\n/);
  assert.match(section, /\n    npm test\n/);
});

test('the main README links every folder README', () => {
  const main = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const linked = new Set(linkTargets(main).map((l) => l.target.split('#')[0]));
  assert.deepEqual(readmeFiles(repoRoot).filter((f) => f !== 'README.md' && !linked.has(f)), []);
});

test('a README heading renamed without its links is caught', () => {
  const main = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  assert.ok(main.includes('\n## Troubleshooting\n'));
  const files: Record<string, string> = { [join(repoRoot, 'README.md')]: main.replace('\n## Troubleshooting\n', '\n## Problems\n') };
  const renamed: Files = { read: (p) => files[p] ?? disk.read(p), exists: existsSync };
  assert.ok(brokenLinks(repoRoot, 'README.md', renamed).some((p) => p.includes('has no heading #troubleshooting')));
});
