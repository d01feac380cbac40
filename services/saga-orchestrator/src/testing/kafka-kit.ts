import { randomUUID } from 'node:crypto';
import { dlqTopicOf, eventStreamType, KafkaHeaders, streamIdOf, StreamTypes, topicName, type AnyEvent } from '@orderflow/contracts';
import type { EventCodec } from '@orderflow/platform';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { DLQ_CONSUMER } from '../adapters/kafka/saga-consumer.js';

export const testRegistryUrl = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8091/apis/ccompat/v7';

export const testKafka = () =>
  new Kafka({
    clientId: 'saga-orchestrator-test',
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 100 },
  });

/** Topics of a test run of their own: nothing else reads or writes them. */
export const randomTopicPrefix = () => `sagatest-${randomUUID().slice(0, 8)}.`;

const topicsOf = (prefix: string) => StreamTypes.map((t) => topicName(t, prefix));

export async function createTopics(kafka: Kafka, prefix: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        ...topicsOf(prefix).map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1 })),
        ...topicsOf(prefix).map((topic) => ({ topic: dlqTopicOf(topic, DLQ_CONSUMER), numPartitions: 1, replicationFactor: 1 })),
      ],
    });
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopics(kafka: Kafka, prefix: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [...topicsOf(prefix), ...topicsOf(prefix).map((t) => dlqTopicOf(t, DLQ_CONSUMER))] });
  } finally {
    await admin.disconnect();
  }
}

const aggregateIdOf = (event: AnyEvent): string => {
  const data = event.data as Record<string, unknown>;
  switch (eventStreamType[event.type]) {
    case 'Order':
      return String(data['orderId']);
    case 'Inventory':
      return String(data['productId']);
    case 'Payment':
      return String(data['paymentId']);
    case 'Shipment':
      return String(data['shipmentId']);
  }
};

/** A redelivery passes the event id and stream version of the original. */
export type PublishOptions = Readonly<{ eventId?: string; streamVersion?: number; correlationId?: string }>;

/** Publishes events as the outbox relay does: registry-encoded, keyed by aggregate, with the standard headers. */
export function eventPublisher(producer: Producer, codec: EventCodec, prefix: string) {
  const versions = new Map<string, number>();
  return async (event: AnyEvent, options: PublishOptions = {}): Promise<string> => {
    const streamType = eventStreamType[event.type];
    const aggregateId = aggregateIdOf(event);
    const streamId = streamIdOf(streamType, aggregateId);
    const version = options.streamVersion ?? (versions.get(streamId) ?? 0) + 1;
    versions.set(streamId, Math.max(version, versions.get(streamId) ?? 0));
    const eventId = options.eventId ?? randomUUID();
    const topic = topicName(streamType, prefix);
    await producer.send({
      topic,
      messages: [
        {
          key: aggregateId,
          value: await codec.encode(topic, event.type, event.data),
          headers: {
            [KafkaHeaders.eventId]: eventId,
            [KafkaHeaders.eventType]: event.type,
            [KafkaHeaders.schemaVersion]: '1',
            [KafkaHeaders.streamId]: streamId,
            [KafkaHeaders.streamType]: streamType,
            [KafkaHeaders.streamVersion]: String(version),
            [KafkaHeaders.correlationId]: options.correlationId ?? `corr-${aggregateId}`,
            [KafkaHeaders.causationId]: eventId,
            [KafkaHeaders.traceparent]: traceparentOf(eventId),
          },
        },
      ],
    });
    return eventId;
  };
}

export type Publish = ReturnType<typeof eventPublisher>;

/** A valid W3C traceparent derived from the event id, so tests can tell which event a trace came from. */
export const traceparentOf = (eventId: string): string => `00-${eventId.replaceAll('-', '')}-${eventId.replaceAll('-', '').slice(0, 16)}-01`;
