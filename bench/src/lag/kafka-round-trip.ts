import { performance } from 'node:perf_hooks';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { createVisibilityBoard } from './visibility-board.js';
import { runOpenLoop } from './open-loop.js';

/**
 * The floor under the read side's lag: small messages produced one per request with
 * acks=-1 and consumed through the same broker with kafkajs and nothing else. No
 * idempotence and no limit on requests in flight: how the relay chooses to publish is
 * part of what is measured against this floor, not of the floor. The consumer fetches as
 * the projection's does (wait up to 1 s for at least one byte).
 */
export type KafkaRoundTrip = Readonly<{
  /** Round trips (ms) of pings sent on an open-loop schedule for `seconds`. */
  measure: (ratePerSecond: number, seconds: number) => Promise<number[]>;
  close: () => Promise<void>;
}>;

const PING_TIMEOUT_MS = 10_000;

async function createPingTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, replicationFactor: 1 }] });
  } finally {
    await admin.disconnect();
  }
}

export async function startKafkaRoundTrip(brokers: readonly string[], topic: string, groupId: string): Promise<KafkaRoundTrip> {
  const kafka = new Kafka({ clientId: 'bench-lag-ping', brokers: [...brokers], logLevel: logLevel.NOTHING });
  await createPingTopic(kafka, topic);
  // a ping is "visible" at version 1 the moment the consumer holds it
  const arrivals = createVisibilityBoard('at the ping consumer');
  const producer: Producer = kafka.producer();
  const consumer: Consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 1_000 });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  // resolves once the group is joined and partitions assigned: no ping waits for a rebalance
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.value !== null) arrivals.announce(`${message.value.toString()}:1`, performance.now());
    },
  });
  let sequence = 0;
  const ping = async (_index: number, dueAt: number): Promise<number> => {
    const id = `ping-${sequence++}`;
    const arrived = arrivals.visible(id, 1, PING_TIMEOUT_MS);
    await producer.send({ topic, acks: -1, messages: [{ key: id, value: id }] });
    return (await arrived) - dueAt;
  };
  return {
    async measure(ratePerSecond, seconds) {
      const run = await runOpenLoop(ping, { ratePerSecond, seconds });
      const outcomes = await run.settled;
      const failed = outcomes.find((o) => o.status === 'rejected');
      if (failed !== undefined) throw new Error(`kafka round trip: ${String((failed as PromiseRejectedResult).reason)}`);
      return outcomes.map((o) => (o as PromiseFulfilledResult<number>).value);
    },
    async close() {
      await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
    },
  };
}
