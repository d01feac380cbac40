/** Offsets per partition, keyed `topic:partition`. */
export type PartitionOffsets = ReadonlyMap<string, number>;

/** Where the topics end, and how far the consumer group has applied and committed them. */
export type OffsetSource = Readonly<{
  /** The next offset to be written to each partition (its high watermark), and its first one. */
  ends: () => Promise<ReadonlyMap<string, Readonly<{ high: number; low: number }>>>;
  /** The group's committed offset per partition (the next to read); absent or negative if none. */
  committed: () => Promise<PartitionOffsets>;
}>;

type Sample = Readonly<{ at: Date; high: PartitionOffsets }>;

/** Looks kept while the group lags; beyond that the closest together are thinned out. */
const MAX_SAMPLES = 64;

/**
 * How far the saga's consumer group has read, as a time: the latest moment T such that
 * every message on the topics at T has been applied (its offset committed, which happens
 * only after its transaction). A step's answer published before T has reached its saga;
 * one published later cannot be waiting unread in Kafka yet.
 *
 * It is measured, not assumed: each `consumedThrough(now)` notes the topics' ends at
 * `now` and returns the time of the newest earlier note that the committed offsets have
 * passed. Under a steady load that trails `now` by the consumer's lag; after a restart
 * it stays behind until the backlog is applied.
 */
export function createConsumerProgress(source: OffsetSource) {
  let samples: Sample[] = [];
  let through: Date | null = null;

  return {
    /**
     * The latest time the group has consumed everything up to; null before it has caught
     * up once. Looks older than `since` are dropped: the caller has no use for them.
     */
    async consumedThrough(now: Date, since?: Date): Promise<Date | null> {
      const ends = await source.ends();
      const committed = await source.committed();
      samples.push({ at: now, high: new Map([...ends].map(([key, end]) => [key, end.high])) });
      const caughtUp = (s: Sample) => [...s.high].every(([key, high]) => readFrom(key, committed, ends) >= high);
      const newest = samples.findLastIndex(caughtUp);
      if (newest >= 0) {
        through = (samples[newest] as Sample).at;
        samples = samples.slice(newest + 1);
      }
      if (since) samples = samples.filter((s) => s.at >= since);
      if (samples.length > MAX_SAMPLES) samples.splice(closestToPrevious(samples), 1);
      return through;
    },
  };
}

/** The look (neither the first nor the last) taken soonest after the one before it: dropping it keeps the rest spread out. */
function closestToPrevious(samples: readonly Sample[]): number {
  const gap = (i: number) => (samples[i] as Sample).at.getTime() - (samples[i - 1] as Sample).at.getTime();
  let drop = 1;
  for (let i = 2; i < samples.length - 1; i++) if (gap(i) < gap(drop)) drop = i;
  return drop;
}

export type ConsumerProgress = ReturnType<typeof createConsumerProgress>;

/** Without a commit the group starts at the partition's first offset. */
function readFrom(key: string, committed: PartitionOffsets, ends: ReadonlyMap<string, Readonly<{ low: number }>>): number {
  const offset = committed.get(key) ?? -1;
  return offset >= 0 ? offset : (ends.get(key)?.low ?? 0);
}

/**
 * The time up to which step deadlines may fire: how far the group has consumed, so no
 * step times out while its answer may wait unread, but never more than `maxDeferMs`
 * behind the clock, so a stalled partition delays deadlines without stopping them. When
 * the offsets cannot be read, only that bound holds.
 */
export function deadlineHorizon(progress: ConsumerProgress, maxDeferMs: number, onError: (error: unknown) => void) {
  return async (now: Date): Promise<Date> => {
    const floor = new Date(now.getTime() - maxDeferMs);
    try {
      const through = await progress.consumedThrough(now, floor);
      return through === null || through < floor ? floor : through;
    } catch (error) {
      onError(error);
      return floor;
    }
  };
}
