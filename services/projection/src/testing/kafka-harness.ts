import { randomUUID } from 'node:crypto';
import {
  dlqTopicOf,
  KafkaHeaders,
  StreamTypes,
  topicName,
  type RecordedEvent,
  type StreamType,
} from '@orderflow/contracts';
import type { EventCodec } from '@orderflow/platform';
import { Kafka, logLevel, type Admin, type Message, type Producer } from 'kafkajs';
import { DLQ_CONSUMER } from '../adapters/kafka/dead-letter-producer.js';
import { testEnv } from './test-env.js';

export const testKafka = () => new Kafka({ clientId: `projection-test-${randomUUID().slice(0, 8)}`, brokers: testEnv.kafkaBrokers, logLevel: logLevel.NOTHING });

/** A prefix no other run uses: this test's topics, and its registry subjects. */
export const randomPrefix = (): string => `t${randomUUID().replaceAll('-', '').slice(0, 10)}.`;

export const eventTopics = (prefix: string): string[] => StreamTypes.map((t) => topicName(t, prefix));
export const dlqTopics = (prefix: string): string[] => eventTopics(prefix).map((t) => dlqTopicOf(t, DLQ_CONSUMER));

export async function createTopics(admin: Admin, prefix: string, partitions = 6): Promise<void> {
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      ...eventTopics(prefix).map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
      ...dlqTopics(prefix).map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })),
    ],
  });
}

export async function deleteTopics(admin: Admin, prefix: string): Promise<void> {
  await admin.deleteTopics({ topics: [...eventTopics(prefix), ...dlqTopics(prefix)] }).catch(() => {});
}

/**
 * The message the outbox relay publishes for a recorded event: keyed by stream id (one
 * aggregate, one partition, in order), value through the registry, the envelope in headers.
 */
export async function relayMessage(codec: EventCodec, prefix: string, event: RecordedEvent): Promise<{ topic: string; message: Message }> {
  const topic = topicName(event.streamType as StreamType, prefix);
  const headers: Record<string, string> = {
    [KafkaHeaders.eventId]: event.eventId,
    [KafkaHeaders.eventType]: event.type,
    [KafkaHeaders.schemaVersion]: String(event.schemaVersion),
    [KafkaHeaders.streamId]: event.streamId,
    [KafkaHeaders.streamType]: event.streamType,
    [KafkaHeaders.streamVersion]: String(event.streamVersion),
    [KafkaHeaders.globalPosition]: event.globalPosition.toString(),
    [KafkaHeaders.correlationId]: event.metadata.correlationId,
    [KafkaHeaders.recordedAt]: event.recordedAt.toISOString(),
  };
  // absent values are left out, as the relay does
  if (event.metadata.causationId) headers[KafkaHeaders.causationId] = event.metadata.causationId;
  if (event.metadata.traceparent) headers[KafkaHeaders.traceparent] = event.metadata.traceparent;
  if (event.metadata.tracestate) headers[KafkaHeaders.tracestate] = event.metadata.tracestate;
  return { topic, message: { key: event.streamId, value: await codec.encode(topic, event.type, event.data), headers } };
}

/** Publishes in the given order; per-topic batches keep each aggregate's order. */
export async function produce(producer: Producer, messages: readonly { topic: string; message: Message }[], chunk = 500): Promise<void> {
  for (let i = 0; i < messages.length; i += chunk) {
    const byTopic = new Map<string, Message[]>();
    for (const m of messages.slice(i, i + chunk)) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m.message]);
    await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })) });
  }
}

export async function produceEvents(producer: Producer, codec: EventCodec, prefix: string, events: readonly RecordedEvent[]): Promise<void> {
  const messages = [];
  for (const e of events) messages.push(await relayMessage(codec, prefix, e));
  await produce(producer, messages);
}

export type ReceivedMessage = { key: string | null; value: Buffer | null; headers: Record<string, string>; partition: number; offset: string };

/** Everything in a topic right now, read by a throwaway group. */
export async function readTopic(kafka: Kafka, topic: string, expected: number, timeoutMs = 20_000): Promise<ReceivedMessage[]> {
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}` });
  const received: ReceivedMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${topic}: ${received.length} of ${expected} messages within ${timeoutMs} ms`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          received.push({
            key: message.key?.toString() ?? null,
            value: message.value,
            headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
            partition,
            offset: message.offset,
          });
          if (received.length >= expected) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return received;
}
