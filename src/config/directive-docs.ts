// The directive documentation generated from the table in directives.ts, so the sample ha.cf and
// the README directive tables cannot drift from what the parser and the daemon do:
//   - the sample ha.cf keeps its preamble and each directive's example lines, and gets every
//     heading and description from the table, grouped in sections by kind;
//   - markdownRow is one directive's README table row; scripts/readme-blocks.ts puts the rows in
//     the READMEs' generated blocks (the one way README tables are made).
// scripts/config-docs.ts applies both to files; test/unit/config/samples.test.ts checks the
// repository's ha.cf is up to date. Pure: text in, text out.
import { directives, type Directive, type DirectiveKind } from './directives.js';

const WIDTH = 98;

export interface Section {
  kind: DirectiveKind;
  banner: string[];
  /** The section's title (README heading, man page section) for this kind. */
  heading: string;
}

const rule = '# ' + '='.repeat(WIDTH - 2);

export const sections: Section[] = [
  { kind: 'acted', heading: '### ha.cf directives twinbeat acts on', banner: [rule, '# HEARTBEAT DIRECTIVES TWINBEAT ACTS ON', rule] },
  {
    kind: 'accepted-notice',
    heading: '### ha.cf directives accepted but not acted on',
    banner: [
      rule,
      '# HEARTBEAT DIRECTIVES TWINBEAT ACCEPTS BUT DOES NOT ACT ON',
      '#',
      '# Each is parsed and checked, and `twinbeat check` prints one notice for it; nothing else',
      '# happens. They are listed so that a Heartbeat ha.cf keeps working unchanged. A line whose',
      '# protection twinbeat does not provide (stonith, stonith_host, watchdog, respawn of dopd)',
      '# is a warning instead, and `twinbeat check --strict` fails on it. respawn of ipfail turns',
      '# on twinbeat\'s own uplink tracking (see ping and deadping).',
      rule,
    ],
  },
  {
    kind: 'extension',
    heading: '### twinbeat extensions to ha.cf',
    banner: [
      rule,
      '# TWINBEAT EXTENSIONS (not Heartbeat: a real Heartbeat would refuse these lines)',
      '#',
      '# All start with tb_ so they never collide with a Heartbeat directive.',
      rule,
    ],
  },
];

/** Greedy word wrap of `text` into comment lines starting with `prefix`. */
export function wrapComment(text: string, prefix = '#   ', width = WIDTH): string[] {
  const lines: string[] = [];
  let line = prefix;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== prefix && line.length + 1 + word.length > width) {
      lines.push(line);
      line = prefix;
    }
    line += line === prefix ? word : ` ${word}`;
  }
  if (line !== prefix) lines.push(line);
  return lines;
}

export function haCfHeading(directive: Directive): string {
  return `# ${directive.name} ${directive.syntax}   (default: ${directive.default}${directive.repeatable ? '; may repeat' : ''})`;
}

const headingPattern = /^# ([a-z_0-9]+) .*\(default: /;

/**
 * The sample ha.cf regenerated from `current`: its text before the first section banner is kept,
 * and so are the example lines under each directive (the lines of its block that are not the
 * heading or description); headings, descriptions, order and sections come from the table.
 */
export function renderHaCfSample(current: string): string {
  const lines = current.replace(/\n+$/, '').split('\n');
  const firstBanner = lines.indexOf(rule);
  const preamble = firstBanner < 0 ? lines : lines.slice(0, firstBanner);
  const examples = new Map<string, string[]>();
  let name: string | null = null;
  for (const line of lines.slice(firstBanner < 0 ? lines.length : firstBanner)) {
    const heading = headingPattern.exec(line);
    if (heading && directives.some((directive) => directive.name === heading[1])) {
      name = heading[1]!;
      examples.set(name, []);
    } else if (line === '' || line === rule) {
      name = null;
    } else if (name !== null && !line.startsWith('#   ')) {
      examples.get(name)!.push(line);
    }
  }
  const out = [...preamble];
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  for (const section of sections) {
    out.push('', ...section.banner);
    for (const directive of directives.filter((x) => x.kind === section.kind)) {
      out.push('', haCfHeading(directive), ...wrapComment(directive.doc), ...(examples.get(directive.name) ?? []));
    }
  }
  return out.join('\n') + '\n';
}

const cell = (text: string): string => text.replace(/\|/g, '\\|');

export function markdownRow(directive: Directive): string {
  const { name, syntax, repeatable, doc } = directive;
  return `| \`${name}\` | ${cell(syntax)}${repeatable ? ' (repeatable)' : ''} | ${cell(directive.default)} | ${cell(doc)} |`;
}
