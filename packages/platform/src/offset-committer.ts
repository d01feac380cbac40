/** Sends one offset commit; each batch kafkajs hands over carries one, all to the same group. */
export type SendCommit = (offsets: { topics: { topic: string; partitions: { partition: number; offset: string }[] }[] }) => Promise<void>;

type Pending = { offset: string; waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> };

/**
 * One offset commit for every batch that finished together. kafkajs would commit after
 * each batch on its own, a request per partition per fetch round; the batches applied by
 * one transaction finish in the same tick and share one request instead, and with
 * `minIntervalMs` so do the rounds of that interval. Commits go out one at a time, so a
 * partition's committed offset only moves forward.
 */
export function createOffsetCommitter(options: Readonly<{ minIntervalMs?: number }> = {}) {
  let pending = new Map<string, Map<number, Pending>>();
  let send: SendCommit | null = null;
  let flushing: Promise<void> | null = null;
  let lastSent = 0;
  let hurry: (() => void) | null = null;
  // draining: no more waiting out the interval; sealed: nothing more is sent
  let draining = false;
  let sealed = false;

  /** Waits out the rest of the interval since the last commit, unless told to hurry. */
  const spaced = () =>
    new Promise<void>((resolve) => {
      const wait = draining ? 0 : lastSent + (options.minIntervalMs ?? 0) - Date.now();
      if (wait <= 0) return void setImmediate(resolve);
      const timer = setTimeout(resolve, wait);
      hurry = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function flush(): Promise<void> {
    for (;;) {
      // one macrotask later at least: every batch the same transaction finished has asked
      await spaced();
      hurry = null;
      if (pending.size === 0 || !send) break;
      const [taken, via] = [pending, send];
      pending = new Map();
      send = null;
      if (sealed) {
        // the consumer has left its group: the offsets are not saved, the messages are read again
        for (const byPartition of taken.values()) for (const p of byPartition.values()) p.waiters.forEach((w) => w.resolve());
        continue;
      }
      const waiters = [...taken.values()].flatMap((byPartition) => [...byPartition.values()].flatMap((p) => p.waiters));
      lastSent = Date.now();
      try {
        await via({
          topics: [...taken].map(([topic, byPartition]) => ({ topic, partitions: [...byPartition].map(([partition, p]) => ({ partition, offset: p.offset })) })),
        });
        waiters.forEach((w) => w.resolve());
      } catch (e) {
        waiters.forEach((w) => w.reject(e));
      }
    }
    flushing = null;
  }

  return {
    /** Commits `offset` (the next to read) for the partition, together with whatever else is waiting. */
    commit(topic: string, partition: number, offset: string, via: SendCommit): Promise<void> {
      const byPartition = pending.get(topic) ?? new Map<number, Pending>();
      pending.set(topic, byPartition);
      const entry = byPartition.get(partition) ?? { offset, waiters: [] };
      if (BigInt(offset) > BigInt(entry.offset)) entry.offset = offset;
      byPartition.set(partition, entry);
      send ??= via;
      const done = new Promise<void>((resolve, reject) => entry.waiters.push({ resolve, reject }));
      flushing ??= flush();
      return done;
    },
    /** Sends what is waiting now, without waiting out the interval (a stop). */
    hurry(): void {
      hurry?.();
    },
    /**
     * Before a consumer stops: sends what is waiting now, and from now on every commit at
     * once, and resolves once none is waiting or in flight.
     */
    async drain(): Promise<void> {
      draining = true;
      hurry?.();
      while (flushing) await flushing;
    },
    /**
     * Once the consumer has left its group: nothing more is sent (a send then would only
     * fail, or connect a disconnected client again); a later commit resolves unsent.
     */
    seal(): void {
      sealed = true;
      draining = true;
      hurry?.();
    },
    /** Resolves once no commit is waiting or in flight. */
    async idle(): Promise<void> {
      while (flushing) await flushing;
    },
  };
}

export type OffsetCommitter = ReturnType<typeof createOffsetCommitter>;
