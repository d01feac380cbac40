import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Asks `probe` until it returns something other than `undefined`, or fails after
 * `timeoutMs` with the last thing it saw. A probe that throws (a service restarting) is
 * asked again: only the deadline decides failure, never a fixed sleep.
 */
export async function pollUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  opts: Readonly<{ timeoutMs: number; intervalMs?: number; describe?: () => string }>,
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const seen = opts.describe?.() ?? (lastError === undefined ? '' : `last error: ${String(lastError)}`);
      throw new Error(`${what}: not reached within ${opts.timeoutMs} ms. ${seen}`);
    }
    await sleep(opts.intervalMs ?? 200);
  }
}

/** Milliseconds from an environment variable, for durations a developer may shorten locally. */
export function envMs(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer of milliseconds, got ${raw}`);
  return value;
}

/** Runs `task` over `items` with at most `concurrency` in flight; results keep the input order. */
export async function mapConcurrent<I, O>(items: readonly I[], concurrency: number, task: (item: I, index: number) => Promise<O>): Promise<O[]> {
  const results = new Array<O>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as I, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
