import type { Admin } from 'kafkajs';

export type PartitionLag = Readonly<{
  topic: string;
  partition: number;
  /** The group's committed offset; null when it has committed nothing yet. */
  committedOffset: string | null;
  highWatermark: string;
  lag: number;
}>;

/** Lag per partition from the broker's offsets: what the whole group still has to read. */
export async function consumerLag(admin: Admin, groupId: string, topics: readonly string[]): Promise<PartitionLag[]> {
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  const lags: PartitionLag[] = [];
  for (const topic of topics) {
    const ends = await admin.fetchTopicOffsets(topic);
    const mine = committed.find((c) => c.topic === topic)?.partitions ?? [];
    for (const end of ends) {
      const offset = mine.find((p) => p.partition === end.partition)?.offset ?? '-1';
      const start = BigInt(offset) >= 0n ? BigInt(offset) : BigInt(end.low);
      lags.push({
        topic,
        partition: end.partition,
        committedOffset: BigInt(offset) >= 0n ? offset : null,
        highWatermark: end.high,
        lag: Number(BigInt(end.high) - start),
      });
    }
  }
  return lags.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}
