import type { Logger } from './logger.js';

export type RetentionSettings = Readonly<{
  /** Rows older than this are deleted. */
  retentionMs: number;
  /** Time between two pruning runs. */
  intervalMs: number;
  /** Rows deleted per statement; a run repeats statements until one deletes fewer. */
  chunk: number;
}>;

export type RetentionJob = Readonly<{
  /** One pruning run now: deletes every row older than the retention, chunk by chunk. */
  runOnce: () => Promise<number>;
  /** Ends the schedule and waits for a run in progress. */
  stop: () => Promise<void>;
}>;

/**
 * Deletes old rows of a table that would otherwise grow forever (idempotency keys, dedupe
 * records) on a schedule, chunk by chunk through `prune(olderThan, limit)`. Several
 * replicas may prune at once when `prune` skips rows another is deleting. A failed run is
 * logged as `<what>.prune_failed` and the next one tries again; it never affects the work
 * the rows serve.
 */
export function startRetentionJob(
  what: string,
  prune: (olderThan: Date, limit: number) => Promise<number>,
  settings: RetentionSettings,
  deps: Readonly<{ now: () => Date; logger: Logger; onPruned?: (count: number) => void }>,
): RetentionJob {
  let running: Promise<number> | undefined;
  let stopped = false;

  async function prunePass(): Promise<number> {
    const olderThan = new Date(deps.now().getTime() - settings.retentionMs);
    let total = 0;
    for (;;) {
      const deleted = await prune(olderThan, settings.chunk);
      total += deleted;
      if (deleted > 0) deps.onPruned?.(deleted);
      if (deleted < settings.chunk || stopped) return total;
    }
  }

  function runOnce(): Promise<number> {
    running ??= prunePass().finally(() => {
      running = undefined;
    });
    return running;
  }

  const timer = setInterval(() => {
    runOnce().then(
      (count) => {
        if (count > 0) deps.logger.info({ event: `${what}.pruned`, count }, `old ${what} rows deleted`);
      },
      (err: unknown) => deps.logger.warn({ event: `${what}.prune_failed`, err }, `pruning ${what} rows failed; next run retries`),
    );
  }, settings.intervalMs);
  timer.unref();

  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
