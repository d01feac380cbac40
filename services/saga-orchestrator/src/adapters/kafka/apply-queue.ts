export type ApplyQueueDeps<T, R> = Readonly<{
  /** Applies the items of several submissions in one transaction; all or nothing. */
  applyTogether: (items: readonly T[]) => Promise<readonly R[]>;
  /** Applies one submission without the others, after applying them together failed. */
  applyAlone: (items: readonly T[]) => Promise<readonly R[]>;
  /** A failure no retry of the items can cure (the database is down): every submission fails with it. */
  isFatal: (error: unknown) => boolean;
  /** Items per transaction at most; a larger submission still goes in whole. */
  maxItems: number;
}>;

type Submission<T, R> = { items: readonly T[]; resolve: (results: readonly R[]) => void; reject: (error: unknown) => void };

/**
 * kafkajs hands over one batch per partition, several at once, and fetches again only
 * once all are done. Applying each batch in a transaction of its own makes a fetch round
 * cost a commit per partition, one after another on a small pool; this queue instead
 * applies whatever batches are waiting in one transaction, so a round costs one commit.
 * Each submission keeps its order; submissions are independent (different partitions).
 * If the shared transaction fails, each submission is applied alone, so a poison message
 * holds up only its own partition.
 */
export function createApplyQueue<T, R>(deps: ApplyQueueDeps<T, R>) {
  const waiting: Submission<T, R>[] = [];
  const alone = new Set<Promise<void>>();
  let draining: Promise<void> | null = null;

  const take = (): Submission<T, R>[] => {
    const taken: Submission<T, R>[] = [];
    let count = 0;
    while (waiting.length > 0) {
      const next = waiting[0] as Submission<T, R>;
      if (taken.length > 0 && count + next.items.length > deps.maxItems) break;
      taken.push(next);
      count += next.items.length;
      waiting.shift();
    }
    return taken;
  };

  async function applyGroup(group: Submission<T, R>[]): Promise<void> {
    try {
      const results = await deps.applyTogether(group.flatMap((s) => s.items));
      let at = 0;
      for (const s of group) {
        s.resolve(results.slice(at, at + s.items.length));
        at += s.items.length;
      }
    } catch (error) {
      if (deps.isFatal(error)) return group.forEach((s) => s.reject(error));
      // not awaited: a submission retrying a poison message must not hold up the next group
      for (const s of group) {
        const p = deps.applyAlone(s.items).then(s.resolve, s.reject);
        alone.add(p);
        void p.finally(() => alone.delete(p));
      }
    }
  }

  async function drain(): Promise<void> {
    // one macrotask later: the batches kafkajs starts together have all been submitted
    await new Promise((resolve) => setImmediate(resolve));
    for (let group = take(); group.length > 0; group = take()) await applyGroup(group);
    draining = null;
  }

  return {
    apply(items: readonly T[]): Promise<readonly R[]> {
      if (items.length === 0) return Promise.resolve([]);
      const done = new Promise<readonly R[]>((resolve, reject) => waiting.push({ items, resolve, reject }));
      draining ??= drain();
      return done;
    },
    /** Resolves once nothing is waiting or being applied. */
    async idle(): Promise<void> {
      while (draining || alone.size > 0) await Promise.allSettled([draining, ...alone]);
    },
  };
}

export type ApplyQueue<T, R> = ReturnType<typeof createApplyQueue<T, R>>;
