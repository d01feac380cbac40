import type { Admin } from 'kafkajs';
import type { OffsetSource } from '../../deadlines/consumer-progress.js';

/** The topics' ends and the consumer group's committed offsets, read through the admin client. */
export function groupOffsetSource(admin: Admin, groupId: string, topics: readonly string[]): OffsetSource {
  return {
    async ends() {
      const perTopic = await Promise.all(topics.map(async (topic) => ({ topic, partitions: await admin.fetchTopicOffsets(topic) })));
      return new Map(
        perTopic.flatMap(({ topic, partitions }) =>
          partitions.map((p) => [`${topic}:${p.partition}`, { high: Number(p.high), low: Number(p.low) }] as const),
        ),
      );
    },
    async committed() {
      const perTopic = await admin.fetchOffsets({ groupId, topics: [...topics] });
      return new Map(perTopic.flatMap(({ topic, partitions }) => partitions.map((p) => [`${topic}:${p.partition}`, Number(p.offset)] as const)));
    },
  };
}
