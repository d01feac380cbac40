import { performance } from 'node:perf_hooks';
import { KafkaHeaders, orderStreamId } from '@orderflow/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { createVisibilityBoard } from './visibility-board.js';

/**
 * Notes when each order's first message can be consumed from the orders topic, so the
 * lag splits into the write side's share (202 -> on Kafka: outbox, relay, broker) and the
 * read side's (on Kafka -> visible: projection). The key is the order's stream id and
 * per-key order holds, so an order's first message is its OrderCreated. A consumer group of its own
 * reads the topic beside the projection's and takes nothing from it.
 */
export type TopicWatch = Readonly<{
  /** When the order's first message was received (`performance.now()`); rejects after `timeoutMs`. */
  firstSeen: (orderId: string, timeoutMs: number) => Promise<number>;
  /** Where that message's time went before it was received; undefined until it was. */
  hopsOf: (orderId: string) => MessageHops | undefined;
  close: () => Promise<void>;
}>;

/**
 * Two instants the message itself carries, on the `performance.now()` scale (converted
 * from wall clock; every process runs on this machine, so one clock): the event's
 * `recorded-at` header (the append transaction's start, set by PostgreSQL) and the
 * record's timestamp (CreateTime: set by the relay's producer as it encodes the produce
 * request). Diagnostics only: they split the write side's lag into its hops.
 */
export type MessageHops = Readonly<{ storedAt: number; producedAt: number }>;

const wallToPerf = (epochMs: number): number => epochMs - performance.timeOrigin;

export async function watchTopic(brokers: readonly string[], topic: string, groupId: string): Promise<TopicWatch> {
  const board = createVisibilityBoard('on the orders topic');
  const hops = new Map<string, MessageHops>();
  const kafka = new Kafka({ clientId: 'bench-lag-watch', brokers: [...brokers], logLevel: logLevel.NOTHING });
  // fetches as the projection's consumer does, so neither waits longer for a message
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 1_000 });
  await consumer.connect();
  // from the start: "latest" is fixed only at the first fetch, after run() returns, and an
  // order sent in between would never be seen; replaying the probe's orders costs little
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.key === null) return;
      const receivedAt = performance.now();
      const streamId = message.key.toString();
      if (!hops.has(streamId)) {
        const recordedAt = Date.parse(message.headers?.[KafkaHeaders.recordedAt]?.toString() ?? '');
        hops.set(streamId, { storedAt: wallToPerf(recordedAt), producedAt: wallToPerf(Number(message.timestamp)) });
      }
      board.announce(`${streamId}:1`, receivedAt);
    },
  });
  return {
    firstSeen: (orderId, timeoutMs) => board.visible(orderStreamId(orderId), 1, timeoutMs),
    hopsOf: (orderId) => hops.get(orderStreamId(orderId)),
    async close() {
      board.abort(new Error('the topic watch was closed'));
      await consumer.disconnect();
    },
  };
}
