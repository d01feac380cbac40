import { randomUUID } from 'node:crypto';
import { StreamTypes, topicName } from '@orderflow/contracts';
import { Kafka, logLevel, type Consumer } from 'kafkajs';

export const testBrokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
export const testRegistryUrl = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8091/apis/ccompat/v7';

export const testKafka = (): Kafka => new Kafka({ clientId: 'relay-test', brokers: testBrokers, logLevel: logLevel.NOTHING });

/** A prefix no other test or running system uses, so topics and subjects never collide. */
export const randomTopicPrefix = (): string => `relay-${randomUUID().slice(0, 8)}.`;

export const eventTopics = (prefix: string): string[] => StreamTypes.map((t) => topicName(t, prefix));

export async function createEventTopics(kafka: Kafka, prefix: string, numPartitions = 3): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = eventTopics(prefix).map((topic) => ({ topic, numPartitions, replicationFactor: 1 }));
    await admin.createTopics({ topics, waitForLeaders: true });
    // a just-created topic may still be unknown to the broker's metadata cache for a moment
    const deadline = Date.now() + 10_000;
    for (;;) {
      const metadata = await admin.fetchTopicMetadata({ topics: eventTopics(prefix) }).catch(() => undefined);
      const ready = metadata?.topics.every((t) => t.partitions.length === numPartitions && t.partitions.every((p) => p.leader >= 0));
      if (ready) break;
      if (Date.now() > deadline) throw new Error(`topics under ${prefix} have no leaders`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

export async function deleteEventTopics(kafka: Kafka, prefix: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: eventTopics(prefix) }).catch(() => {});
  await admin.disconnect();
}

export type ReceivedMessage = Readonly<{
  topic: string;
  partition: number;
  offset: bigint;
  key: string;
  value: Buffer;
  headers: Readonly<Record<string, string>>;
  /** Producer timestamp (ms): when the relay sent it. */
  timestamp: number;
}>;

export type MessageCollector = Readonly<{
  messages: ReceivedMessage[];
  /** Resolves once `done(messages)` holds; rejects after `timeoutMs`. */
  until: (done: (messages: readonly ReceivedMessage[]) => boolean, timeoutMs?: number) => Promise<void>;
  stop: () => Promise<void>;
}>;

/** Reads the prefixed event topics from the beginning, in a consumer group of its own. */
export async function collectMessages(kafka: Kafka, prefix: string): Promise<MessageCollector> {
  const consumer: Consumer = kafka.consumer({ groupId: `relay-test-${randomUUID()}`, maxWaitTimeInMs: 100 });
  const messages: ReceivedMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: eventTopics(prefix), fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
      messages.push({
        topic,
        partition,
        offset: BigInt(message.offset),
        key: message.key?.toString() ?? '',
        value: message.value ?? Buffer.alloc(0),
        headers,
        timestamp: Number(message.timestamp),
      });
    },
  });
  return {
    messages,
    until: async (done, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!done(messages)) {
        if (Date.now() > deadline) throw new Error(`condition not met after ${timeoutMs} ms with ${messages.length} messages`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    stop: () => consumer.disconnect(),
  };
}
