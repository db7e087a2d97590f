// Splits a Heartbeat-style config file into logical lines of words, remembering where each came
// from. One lexer serves ha.cf, haresources and authkeys; the differences between them are
// options rather than copies: authkeys only treats a leading `#` as a comment (a `#` inside a
// key is part of it), haresources joins `\`-continued lines. printableLines then keeps control
// characters (NUL and the like) out of every value: no name, path or key has a use for them, and
// a NUL would be cut off silently further on (a socket bound at a truncated path).
import { type ConfigError, clipped, shown } from './errors.js';

export interface LexedLine {
  file: string;
  /** 1-based number of the physical line the logical line starts on. */
  line: number;
  words: string[];
}

export interface LexOptions {
  /** `anywhere`: `#` starts a comment wherever it appears; `leading`: only as first non-blank. */
  comments: 'anywhere' | 'leading';
  /** Join a line ending in `\` with the next one. */
  continuation: boolean;
}

const defaults: LexOptions = { comments: 'anywhere', continuation: false };

export function lex(text: string, file: string, options: Partial<LexOptions> = {}): LexedLine[] {
  const opts = { ...defaults, ...options };
  const out: LexedLine[] = [];
  const physical = text.split(/\r?\n/);
  let pending: { line: number; words: string[] } | null = null;
  for (let i = 0; i < physical.length; i++) {
    const raw = physical[i]!;
    let body = stripComment(raw, opts.comments);
    let continues = false;
    if (opts.continuation && /\\\s*$/.test(body)) {
      continues = true;
      body = body.replace(/\\\s*$/, '');
    }
    const words = body.split(/\s+/).filter((w) => w !== '');
    if (pending) pending.words.push(...words);
    else pending = { line: i + 1, words };
    if (!continues) {
      if (pending.words.length > 0) out.push({ file, line: pending.line, words: pending.words });
      pending = null;
    }
  }
  if (pending && pending.words.length > 0) out.push({ file, line: pending.line, words: pending.words });
  return out;
}

function stripComment(raw: string, mode: LexOptions['comments']): string {
  if (mode === 'leading') return /^\s*#/.test(raw) ? '' : raw;
  const at = raw.indexOf('#');
  return at < 0 ? raw : raw.slice(0, at);
}

/** C0 controls other than the blanks the lexer splits on, DEL, and C1 controls. */
const controlCharacter = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f]/;

function characterName(char: string): string {
  return char === '\u0000' ? 'a NUL byte' : `control character U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The lines whose words hold no control character; each other line becomes one error at its
 * FILE:LINE (naming the character and where, the word shown cut short if long) and is skipped.
 */
export function printableLines(lines: LexedLine[], errors: ConfigError[]): LexedLine[] {
  return lines.filter(({ file, line, words }) => {
    const index = words.findIndex((w) => controlCharacter.test(w));
    if (index < 0) return true;
    const word = words[index]!;
    const at = word.search(controlCharacter);
    errors.push({
      file,
      line,
      directive: clipped(index === 0 ? 'line' : words[0]!),
      expected: 'printable text (no NUL or other control characters)',
      got: `${characterName(word[at]!)} at character ${at + 1} of word ${index + 1}, ${shown(word)}`,
    });
    return false;
  });
}
