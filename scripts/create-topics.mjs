#!/usr/bin/env node
// Creates the event topics (one per aggregate type) and a dead-letter topic per
// consumer group, idempotently. Partition counts only ever grow: Kafka cannot shrink
// them, and growing keeps per-key order only for keys written afterwards.
import { Kafka, logLevel } from 'kafkajs';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const partitions = Number(process.env.KAFKA_TOPIC_PARTITIONS ?? 6);
const prefix = process.env.KAFKA_TOPIC_PREFIX ?? '';
const eventTopics = ['orders.events', 'inventory.events', 'payments.events', 'shipments.events'].map((t) => prefix + t);
const consumerGroups = ['projection', 'saga'];

export const topicList = () => [
  ...eventTopics.map((topic) => ({ topic, numPartitions: partitions })),
  ...eventTopics.flatMap((t) => consumerGroups.map((g) => ({ topic: `${t}.${g}.dlq`, numPartitions: 1 }))),
];

export async function createTopics() {
  const kafka = new Kafka({ clientId: 'orderflow-topics', brokers, logLevel: logLevel.ERROR, retry: { retries: 10 } });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const wanted = topicList();
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          ...t,
          replicationFactor: 1,
          configEntries: [{ name: 'min.insync.replicas', value: '1' }],
        })),
      });
    }
    const meta = await admin.fetchTopicMetadata({ topics: wanted.map((t) => t.topic) });
    const grow = meta.topics
      .map((m) => ({ m, want: wanted.find((w) => w.topic === m.name) }))
      .filter(({ m, want }) => want && m.partitions.length < want.numPartitions)
      .map(({ m, want }) => ({ topic: m.name, count: want.numPartitions }));
    if (grow.length > 0) await admin.createPartitions({ topicPartitions: grow });
    return { created: missing.map((t) => t.topic), grown: grow.map((g) => g.topic) };
  } finally {
    await admin.disconnect();
  }
}

createTopics().then(
  ({ created, grown }) => console.log(`[stack] topics ready (created ${created.length}, grown ${grown.length})`),
  (e) => {
    console.error(`[stack] topic creation failed: ${e.message}`);
    process.exit(1);
  },
);
