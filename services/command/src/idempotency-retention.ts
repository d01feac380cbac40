import type { Logger } from '@orderflow/platform';

export type RetentionSettings = Readonly<{
  /** Keys older than this are deleted. */
  retentionMs: number;
  /** Time between two pruning runs. */
  intervalMs: number;
  /** Keys deleted per statement; a run repeats statements until one deletes fewer. */
  chunk: number;
}>;

export type IdempotencyRetention = Readonly<{
  /** One pruning run now: deletes every key older than the retention, chunk by chunk. */
  runOnce: () => Promise<number>;
  /** Ends the schedule and waits for a run in progress. */
  stop: () => Promise<void>;
}>;

/**
 * Deletes old idempotency keys on a schedule, so the table does not grow forever. A retry
 * that arrives after its key was deleted is handled as a new command: the retention is
 * the window in which a client may safely retry. Several replicas may prune at once (the
 * statement skips rows another is deleting). A failed run is logged and the next one
 * tries again; it never affects commands.
 */
export function startIdempotencyRetention(
  prune: (olderThan: Date, limit: number) => Promise<number>,
  settings: RetentionSettings,
  deps: Readonly<{ now: () => Date; logger: Logger; onPruned?: (count: number) => void }>,
): IdempotencyRetention {
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
        if (count > 0) deps.logger.info({ event: 'idempotency.pruned', count }, 'old idempotency keys deleted');
      },
      (err: unknown) => deps.logger.warn({ event: 'idempotency.prune_failed', err }, 'pruning idempotency keys failed; next run retries'),
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
