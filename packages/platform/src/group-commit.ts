/**
 * Group commit: writes that arrive while all of a writer's slots are busy wait, and the
 * next free slot sends everything waiting as one statement in one transaction. A lone
 * write never waits (a free slot sends it at once), so the grouping appears only under
 * concurrency, where one commit (one WAL flush, one round trip, one transaction's
 * overhead) then serves several writes. The price is at most one turn of the event loop
 * before a write is sent, and, under load, the wait for a free slot. The event store
 * groups its appends this way; `createCoalescer` is the one-slot form.
 */
export type GroupCommitOptions = Readonly<{
  /** Statements in flight at once; more appends than this wait and are grouped. */
  maxConcurrent: number;
  /** Most appends in one statement. */
  maxBatch: number;
}>;

/** What one item of a group came to: its own value or its own error. */
export type Settled<O> = Readonly<{ ok: true; value: O }> | Readonly<{ ok: false; error: unknown }>;

/** A promise's outcome as a value, for writers that answer item by item. */
export const settle = <O>(promise: Promise<O>): Promise<Settled<O>> =>
  promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

/**
 * Writes a group and answers per item, in the order given. It rejects only when nothing
 * could be decided for any item; each item's answer then is that error.
 */
export type RunGroup<I, O> = (items: readonly I[]) => Promise<readonly Settled<O>[]>;

export type GroupCommitter<I, O> = Readonly<{
  submit: (item: I) => Promise<O>;
  /** Items waiting for a slot (tests, metrics). */
  waiting: () => number;
}>;

type Waiter<I, O> = { item: I; resolve: (value: O) => void; reject: (error: unknown) => void };

export function checkGroupCommitOptions(options: GroupCommitOptions): GroupCommitOptions {
  const { maxConcurrent, maxBatch } = options;
  if (!Number.isSafeInteger(maxConcurrent) || maxConcurrent < 1) {
    throw new RangeError(`group commit needs maxConcurrent >= 1, got ${maxConcurrent}`);
  }
  if (!Number.isSafeInteger(maxBatch) || maxBatch < 1) throw new RangeError(`group commit needs maxBatch >= 1, got ${maxBatch}`);
  return options;
}

export function createGroupCommitter<I, O>(run: RunGroup<I, O>, options: GroupCommitOptions): GroupCommitter<I, O> {
  const { maxConcurrent, maxBatch } = checkGroupCommitOptions(options);
  const queue: Waiter<I, O>[] = [];
  let inFlight = 0;

  function settle(group: readonly Waiter<I, O>[], outcomes: readonly Settled<O>[]): void {
    group.forEach((waiter, index) => {
      const outcome = outcomes[index];
      if (outcome === undefined) waiter.reject(new Error(`group commit: no outcome for item ${index} of ${group.length}`));
      else if (outcome.ok) waiter.resolve(outcome.value);
      else waiter.reject(outcome.error);
    });
  }

  function pump(): void {
    while (inFlight < maxConcurrent && queue.length > 0) {
      // what waits is shared among the free slots: two groups of four keep two
      // connections busy where one group of eight would leave one idle
      const size = Math.min(maxBatch, Math.ceil(queue.length / (maxConcurrent - inFlight)));
      const group = queue.splice(0, size);
      inFlight += 1;
      // the slot is taken synchronously: an item submitted while `run` starts waits for it
      void Promise.resolve()
        .then(() => run(group.map((w) => w.item)))
        .then(
          (outcomes) => settle(group, outcomes),
          (error: unknown) => group.forEach((waiter) => waiter.reject(error)),
        )
        .finally(() => {
          inFlight -= 1;
          pump();
        });
    }
  }

  // Sending waits for the end of the current turn of the event loop: the callers a group's
  // answer has just woken submit their next appends in that turn, and they should leave
  // as one group, not as a lone first append and a group of the rest behind it.
  let scheduled = false;
  function schedulePump(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      pump();
    });
  }

  return {
    submit: (item) =>
      new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        schedulePump();
      }),
    waiting: () => queue.length,
  };
}
