/** What one timed run of one contender produced. Latencies are in milliseconds. */
export type Measurement = Readonly<{ ops: number; seconds: number; latenciesMs: readonly number[] }>;

/** A contender after all its rounds. */
export type Summary = Readonly<{
  /** Median of the rounds' rates: one round disturbed by a neighbour does not move it. */
  perSecond: number;
  roundsPerSecond: readonly number[];
  /** Percentiles over the samples of every round together. */
  p50Ms: number;
  p99Ms: number;
  ops: number;
}>;

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export function summarise(rounds: readonly Measurement[]): Summary {
  const latencies = rounds.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
  const roundsPerSecond = rounds.map((r) => r.ops / r.seconds);
  return {
    perSecond: median(roundsPerSecond),
    roundsPerSecond,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    ops: rounds.reduce((sum, r) => sum + r.ops, 0),
  };
}
