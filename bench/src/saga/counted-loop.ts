import { performance } from 'node:perf_hooks';
import type { Measurement } from '../support/measurement.js';

/**
 * `concurrency` workers run `op` back to back until `total` operations have been started
 * (a closed loop of a fixed size: every round of a suite measures the same amount of
 * work). `op` returns its own latency, for operations whose end is observed elsewhere.
 * The first failure stops every worker and is thrown.
 */
export async function runCountedLoop(op: () => Promise<number>, options: Readonly<{ concurrency: number; total: number }>): Promise<Measurement> {
  const latenciesMs: number[] = [];
  const started = performance.now();
  let next = 0;
  let failure: unknown;

  const worker = async () => {
    while (failure === undefined && next < options.total) {
      next++;
      try {
        latenciesMs.push(await op());
      } catch (error) {
        failure ??= error;
        return;
      }
    }
  };

  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.total) }, worker));
  if (failure !== undefined) throw failure;
  return { ops: latenciesMs.length, seconds: (performance.now() - started) / 1000, latenciesMs };
}

/** Time of `op` as seen by the caller. */
export const timed = (op: () => Promise<unknown>) => async (): Promise<number> => {
  const t0 = performance.now();
  await op();
  return performance.now() - t0;
};
