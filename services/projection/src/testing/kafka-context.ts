import { eventSchemas } from '@orderflow/contracts';
import { createEventCodec, createSchemaRegistry, Redis, type EventCodec } from '@orderflow/platform';
import type { Admin, Kafka, Producer } from 'kafkajs';
import pg from 'pg';
import { consumerLag } from '../adapters/kafka/consumer-lag.js';
import { createTopics, deleteTopics, eventTopics, randomPrefix, testKafka } from './kafka-harness.js';
import { testEnv, testPool, waitFor } from './test-env.js';

export type KafkaTestContext = Readonly<{
  prefix: string;
  kafka: Kafka;
  admin: Admin;
  producer: Producer;
  codec: EventCodec;
  pool: pg.Pool;
  redis: Redis;
  close(): Promise<void>;
}>;

/** Topics under a fresh prefix, a producer and codec like the relay's, and clients to check with. */
export async function kafkaTestContext(opts: { partitions?: number; databaseUrl?: string } = {}): Promise<KafkaTestContext> {
  const prefix = randomPrefix();
  const kafka = testKafka();
  const admin = kafka.admin();
  await admin.connect();
  await createTopics(admin, prefix, opts.partitions ?? 6);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const pool = testPool(opts.databaseUrl ?? testEnv.databaseUrl);
  const redis = new Redis(testEnv.redisUrl);
  return {
    prefix,
    kafka,
    admin,
    producer,
    codec: createEventCodec(createSchemaRegistry(testEnv.schemaRegistryUrl), eventSchemas),
    pool,
    redis,
    async close() {
      await producer.disconnect();
      await deleteTopics(admin, prefix);
      await admin.disconnect();
      await pool.end();
      redis.disconnect();
    },
  };
}

/** Until the group has committed past every message now in the topics. */
export async function waitForNoLag(ctx: KafkaTestContext, groupId: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    `group ${groupId} to catch up`,
    async () => {
      const lags = await consumerLag(ctx.admin, groupId, eventTopics(ctx.prefix));
      return lags.every((l) => l.lag === 0 && (l.committedOffset !== null || l.highWatermark === '0')) ? true : undefined;
    },
    timeoutMs,
    200,
  );
}
