// Test helper (not a test): parse Prometheus text exposition into series → value, and evaluate
// the simple alert expressions README documents (a gauge compared with a threshold, increase()
// of a counter between two scrapes), so the documented alerts are checked against real output.
// Pure.

export type Labels = Record<string, string>;
export interface Sample {
  name: string;
  labels: Labels;
  value: number;
}

const unescape = (v: string): string => v.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));

/** Every sample line; throws on a line that is not `name{labels} value` (or a comment). */
export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    // Values as Prometheus (Go's ParseFloat) reads them: NaN and Inf in any case (prom-client writes "Nan").
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? ([-+]?(?:[0-9.e+-]+|inf|nan))$/i.exec(line);
    if (!m) throw new Error(`not an exposition sample line: ${line}`);
    const labels: Labels = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = unescape(l[2]!);
    const text = m[3]!.toLowerCase();
    const parsed = text.endsWith('nan') ? NaN : text.endsWith('inf') ? (text.startsWith('-') ? -Infinity : Infinity) : Number(text);
    samples.push({ name: m[1]!, labels, value: parsed });
  }
  return samples;
}

/** The samples of `name` whose labels include `match`. */
export function select(samples: Sample[], name: string, match: Labels = {}): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
}

/** The one value of a series; throws when it is absent or ambiguous (an alert on it could not fire). */
export function value(samples: Sample[], name: string, match: Labels = {}): number {
  const found = select(samples, name, match);
  if (found.length !== 1) throw new Error(`${name}${JSON.stringify(match)}: ${found.length} series`);
  return found[0]!.value;
}

/** Prometheus increase() over two scrapes of a counter (no extrapolation; a reset counts from 0). */
export function increase(before: Sample[], after: Sample[], name: string, match: Labels = {}): number {
  const a = value(before, name, match);
  const b = value(after, name, match);
  return b >= a ? b - a : b;
}
