// Every configuration problem is a value, never an exception, and reads the same way:
//   FILE:LINE: directive: expected X, got Y (hint)
// Line 0 means "the file as a whole" (a missing line, a file-level check) and is left out.
// Three severities: an error refuses the configuration; a warning accepts it but a protection
// the operator configured is gone (`check --strict` fails on it); a notice is worth knowing.

export interface ConfigError {
  file: string;
  line: number;
  directive: string;
  expected: string;
  got: string;
  hint?: string;
}

/** Accepted, but worth telling the operator (ignored Heartbeat directives, defaults applied). */
export interface Notice {
  file: string;
  line: number;
  directive: string;
  message: string;
}

/**
 * Accepted, but a protection the line asked for is not provided (a STONITH device, a watchdog,
 * ipfail, dopd): what is lost and what takes its place. The text comes from the directive table.
 */
export interface Warning {
  file: string;
  line: number;
  directive: string;
  lost: string;
  instead: string;
}

function where(file: string, line: number): string {
  return line > 0 ? `${file}:${line}` : file;
}

export function formatError(e: ConfigError): string {
  const hint = e.hint ? ` (${e.hint})` : '';
  return `${where(e.file, e.line)}: ${e.directive}: expected ${e.expected}, got ${e.got}${hint}`;
}

export function formatNotice(n: Notice): string {
  return `${where(n.file, n.line)}: ${n.directive}: ${n.message}`;
}

export function formatWarning(w: Warning): string {
  return `${where(w.file, w.line)}: ${w.directive}: ${w.lost} Instead: ${w.instead}`;
}

/** How much of an operator's token a message echoes: a 10 MB token must not make a 20 MB message. */
export const echoLimit = 60;

/** A token as echoed in a message: whole if short, else its first echoLimit characters and its length. */
export function clipped(token: string): string {
  return token.length <= echoLimit ? token : `${token.slice(0, echoLimit)}… (${token.length} characters)`;
}

/** Quote what the operator wrote so empty values and spaces stay visible; a long value is cut short. */
export function shown(value: string): string {
  if (value === '') return 'nothing';
  return value.length <= echoLimit ? JSON.stringify(value) : `${JSON.stringify(value.slice(0, echoLimit))}… (${value.length} characters)`;
}

/**
 * Longest run of non-blanks any message field keeps (well above any real path or resource id).
 * The safety net behind shown(): whatever way an operator's token got into a message, it ends
 * up cut (loadConfig applies it to everything it returns).
 */
const longestRun = 200;

function boundedText(text: string): string {
  if (text.length <= longestRun) return text;
  // Split rather than match \S{201,}: a regex over a 10 MB run overflows the stack.
  return text
    .split(/(\s+)/)
    .map((piece) => (piece.length > longestRun ? `${piece.slice(0, echoLimit)}… (${piece.length} characters)` : piece))
    .join('');
}

export function boundedError(e: ConfigError): ConfigError {
  const bounded: ConfigError = { ...e, directive: boundedText(e.directive), expected: boundedText(e.expected), got: boundedText(e.got) };
  if (e.hint !== undefined) bounded.hint = boundedText(e.hint);
  return bounded;
}

export function boundedNotice(n: Notice): Notice {
  return { ...n, directive: boundedText(n.directive), message: boundedText(n.message) };
}

export function boundedWarning(w: Warning): Warning {
  return { ...w, directive: boundedText(w.directive), lost: boundedText(w.lost), instead: boundedText(w.instead) };
}

/** Edit distance counting a swap of two neighbours as one edit (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  // Three rolling rows: the swap rule looks two rows back.
  let older = new Int32Array(b.length + 1);
  let prev = Int32Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, older[j - 2]! + 1);
      cur[j] = best;
    }
    [older, prev, cur] = [prev, cur, older];
  }
  return prev[b.length]!;
}

/** The closest candidate within a third of the word's length (at least 1, at most 3 edits). */
export function suggest(word: string, candidates: readonly string[]): string | null {
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: { name: string; distance: number } | null = null;
  for (const name of candidates) {
    if (Math.abs(name.length - word.length) > limit) continue;
    const distance = editDistance(word.toLowerCase(), name.toLowerCase());
    if (distance <= limit && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name ?? null;
}

export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const suggestion = suggest(word, candidates);
  return suggestion ? `did you mean ${suggestion}?` : undefined;
}
