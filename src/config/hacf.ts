// ha.cf text → the values it sets, every problem with its line, and notices. Pure and total:
// any input yields a result. Defaults and cross-field rules come later (validate.ts), so a
// directive may appear anywhere in the file (`udpport` after `bcast`, `baud` after `serial`).
import { lex, printableLines } from './lexer.js';
import { type ConfigError, type Notice, clipped, didYouMean, shown } from './errors.js';
import { type HaCfValues, directiveByName, directives, emptyValues } from './directives.js';

export interface HaCfResult {
  values: HaCfValues;
  errors: ConfigError[];
  notices: Notice[];
}

export function parseHaCf(text: string, file: string): HaCfResult {
  const values = emptyValues();
  const errors: ConfigError[] = [];
  const notices: Notice[] = [];
  const seen = new Map<string, number>();
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
    if (directive.kind === 'accepted-notice' && firstLine === undefined) {
      ctx.notice(`accepted, not acted on: ${directive.doc}`);
    }
  }
  return { values, errors, notices };
}
