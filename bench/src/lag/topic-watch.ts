import { performance } from 'node:perf_hooks';
import { orderStreamId } from '@orderflow/contracts';
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
  close: () => Promise<void>;
}>;

export async function watchTopic(brokers: readonly string[], topic: string, groupId: string): Promise<TopicWatch> {
  const board = createVisibilityBoard('on the orders topic');
  const kafka = new Kafka({ clientId: 'bench-lag-watch', brokers: [...brokers], logLevel: logLevel.NOTHING });
  // fetches as the projection's consumer does, so neither waits longer for a message
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 1_000 });
  await consumer.connect();
  // from the start: "latest" is fixed only at the first fetch, after run() returns, and an
  // order sent in between would never be seen; replaying the probe's orders costs little
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.key !== null) board.announce(`${message.key.toString()}:1`, performance.now());
    },
  });
  return {
    firstSeen: (orderId, timeoutMs) => board.visible(orderStreamId(orderId), 1, timeoutMs),
    async close() {
      board.abort(new Error('the topic watch was closed'));
      await consumer.disconnect();
    },
  };
}
