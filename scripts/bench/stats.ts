// Summary statistics for repeated measurements. Pure.

export interface Spread {
  n: number;
  min: number;
  median: number;
  max: number;
}

export function spread(values: number[]): Spread | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { n: sorted.length, min: sorted[0] as number, median, max: sorted[sorted.length - 1] as number };
}
