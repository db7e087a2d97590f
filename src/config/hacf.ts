// ha.cf text → the values it sets, every problem with its line, warnings and notices. Pure and total:
// any input yields a result. Defaults and cross-field rules come later (validate.ts), so a
// directive may appear anywhere in the file (`udpport` after `bcast`, `baud` after `serial`).
import { lex, printableLines } from './lexer.js';
import { type ConfigError, type Notice, type Warning, clipped, didYouMean, shown } from './errors.js';
import { type HaCfValues, directiveByName, directives, emptyValues, lostProtections } from './directives.js';

export interface HaCfResult {
  values: HaCfValues;
  errors: ConfigError[];
  /** Lines accepted whose safety role twinbeat does not take over (directive table `warnings`). */
  warnings: Warning[];
  notices: Notice[];
}

export function parseHaCf(text: string, file: string): HaCfResult {
  const values = emptyValues();
  const errors: ConfigError[] = [];
  const warnings: Warning[] = [];
  const notices: Notice[] = [];
  const seen = new Map<string, number>();
  const noticed = new Set<string>();
  const names = directives.map((x) => x.name);
  for (const { line, words } of printableLines(lex(text, file), errors)) {
    const [name, ...rest] = words as [string, ...string[]];
    const directive = directiveByName.get(name);
    if (!directive) {
      const hint = directiveByName.has(name.toLowerCase()) ? `directive names are lower case: ${name.toLowerCase()}` : didYouMean(name, names);
      errors.push({ file, line, directive: clipped(name), expected: 'a known ha.cf directive', got: shown(name), ...(hint ? { hint } : {}) });
      continue;
    }
    const firstLine = seen.get(name);
    if (firstLine !== undefined && !directive.repeatable) {
      errors.push({ file, line, directive: name, expected: `${name} once (already at ${file}:${firstLine})`, got: 'a second line' });
      continue;
    }
    if (firstLine === undefined) seen.set(name, line);
    const origin = { file, line };
    const ctx = {
      values,
      origin,
      error: (expected: string, got: string, hint?: string) => {
        errors.push({ file, line, directive: name, expected, got, ...(hint ? { hint } : {}) });
      },
      notice: (message: string) => notices.push({ file, line, directive: name, message }),
    };
    if (directive.shape === 'tokens') {
      const tokens = rest.flatMap((w) => w.split(',')).filter((t) => t !== '');
      if (tokens.length === 0) ctx.error(directive.syntax, 'nothing');
      for (const token of tokens) directive.apply([token], ctx);
    } else {
      directive.apply(rest, ctx);
    }
    const lineIsValid = !errors.some((e) => e.file === file && e.line === line);
    const lost = lineIsValid ? lostProtections(directive, rest) : [];
    // Every line giving up a protection is a warning; the other lines of a directive twinbeat
    // does not act on get one notice for the directive.
    for (const { lost: what, instead } of lost) warnings.push({ file, line, directive: name, lost: what, instead });
    // A line that explained itself (respawn of ipfail) needs no generic notice.
    const explained = notices.some((n) => n.file === file && n.line === line);
    if (directive.kind === 'accepted-notice' && lost.length === 0 && !explained && !noticed.has(name)) {
      noticed.add(name);
      ctx.notice(`accepted, not acted on: ${directive.doc}`);
    }
  }
  return { values, errors, warnings, notices };
}
