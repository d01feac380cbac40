/**
 * Tells outbox relays which partitions have new committed rows. It never blocks or
 * fails an append: `appended` only marks partitions dirty.
 */
export type OutboxNotifier = Readonly<{
  /** Call after the commit: a relay woken earlier could not see the rows yet. */
  appended(partitions: Iterable<number>): void;
  /** Resolves once nothing is dirty or in flight (tests, shutdown). */
  settled(): Promise<void>;
  /** Sends what is dirty, then releases the connection. */
  close(): Promise<void>;
}>;

/** Sends one announcement for a set of partitions, e.g. one round trip with several NOTIFYs. */
export type AnnouncePartitions = (partitions: readonly number[]) => Promise<void>;

export type CoalescingNotifierOptions = Readonly<{
  announce: AnnouncePartitions;
  /**
   * Least time between the starts of two announcements (default 0). The first after a
   * quiet spell goes out at once; under load, announcements (each a transaction) stay
   * few while each carries more partitions.
   */
  minIntervalMs?: number;
  /** A failed announcement is reported here; its partitions go out with the next one. */
  onError: (error: unknown) => void;
  close?: () => Promise<void>;
}>;

/**
 * At most one announcement in flight. Appends that commit meanwhile only add their
 * partitions to the dirty set, which goes out as one announcement when the current one
 * returns (and `minIntervalMs` has passed); so the cost of notifying does not grow with
 * the append rate. A failed
 * announcement is not retried on its own (a database that is down would make that a
 * busy loop): its partitions ride along with the next append's, and the relay's poll
 * covers the gap.
 */
export function createCoalescingNotifier(options: CoalescingNotifierOptions): OutboxNotifier {
  let dirty = new Set<number>();
  // set and cleared synchronously, so an append that commits while the last announcement
  // returns either joins that drain's loop or starts the next one, never falls between
  let sending = false;
  let drained: Promise<void> = Promise.resolve();
  let closed = false;
  let lastStart = -Infinity;
  const minIntervalMs = options.minIntervalMs ?? 0;

  async function drain(): Promise<void> {
    try {
      while (dirty.size > 0) {
        const wait = lastStart + minIntervalMs - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        lastStart = performance.now();
        const batch = [...dirty].sort((a, b) => a - b);
        dirty = new Set();
        try {
          await options.announce(batch);
        } catch (error) {
          batch.forEach((p) => dirty.add(p));
          options.onError(error);
          return;
        }
      }
    } finally {
      sending = false;
    }
  }

  function start(): void {
    if (sending || closed || dirty.size === 0) return;
    sending = true;
    drained = drain();
  }

  async function settled(): Promise<void> {
    while (sending) await drained;
  }

  return {
    appended(partitions) {
      for (const partition of partitions) dirty.add(partition);
      start();
    },
    settled,
    async close() {
      await settled();
      start(); // one last try for what a failed announcement left dirty
      await settled();
      closed = true;
      await options.close?.();
    },
  };
}
