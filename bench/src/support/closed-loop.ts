import { performance } from 'node:perf_hooks';
import type { Measurement } from './measurement.js';

export type LoopOptions = Readonly<{ concurrency: number; seconds: number }>;

/**
 * `concurrency` workers each run `op` back to back until the time is up (a closed loop:
 * the next call starts when the previous one answered, as a client pool would). The first
 * failure stops every worker and is thrown: a figure that counts errors is not a figure.
 */
export async function runClosedLoop(op: (worker: number) => Promise<unknown>, options: LoopOptions): Promise<Measurement> {
  const latenciesMs: number[] = [];
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  let failure: unknown;

  const worker = async (index: number) => {
    while (failure === undefined && performance.now() < deadline) {
      const t0 = performance.now();
      try {
        await op(index);
      } catch (error) {
        failure ??= error;
        return;
      }
      latenciesMs.push(performance.now() - t0);
    }
  };

  await Promise.all(Array.from({ length: options.concurrency }, (_, i) => worker(i)));
  if (failure !== undefined) throw failure;
  return { ops: latenciesMs.length, seconds: (performance.now() - started) / 1000, latenciesMs };
}
