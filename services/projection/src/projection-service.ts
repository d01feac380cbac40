import { eventSchemas, StreamTypes, topicName, type StreamType } from '@orderflow/contracts';
import { createPgEventStore } from '@orderflow/event-store';
import { closeInOrder, createEventCodec, type Logger, type MetricsRegistry, type Pool, type SchemaRegistry } from '@orderflow/platform';
import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import { createDeadLetterPublisher } from './adapters/kafka/dead-letter-producer.js';
import { createMessageDecoder } from './adapters/kafka/message-decoder.js';
import { createProjectionConsumer, type ProjectionConsumer } from './adapters/kafka/projection-consumer.js';
import { countParkedStreams } from './adapters/postgres/parked.statements.js';
import { createReadModelWriter, type ReadModelWriter } from './adapters/postgres/read-model-writer.js';
import { mergingWriter } from './consumer/merged-apply.js';
import type { OrderChange } from './adapters/postgres/order-change.js';
import { createOrderCache } from './adapters/redis/order-cache.js';
import { createBatchHandler } from './consumer/batch-handler.js';
import { createProjectionMetrics } from './metrics.js';
import { createRebuildJob } from './rebuild/rebuild-job.js';
import { rebuildReadModels } from './rebuild/rebuild.js';
import { upcasting } from './upcasting.js';
import { createProjectionAdmin, type ProjectionAdmin } from './use-cases.js';

export type ProjectionServiceOptions = Readonly<{
  pool: Pool;
  redis: Redis;
  kafka: Kafka;
  registry: SchemaRegistry;
  logger: Logger;
  metrics: MetricsRegistry;
  topicPrefix: string;
  groupId: string;
  concurrency: number;
  retry: Readonly<{ attempts: number; backoffMs: number }>;
  cacheTtlSeconds: number;
  rebuildPageSize: number;
  rebuildLockTimeoutMs: number;
  sessionTimeoutMs?: number;
  /** Decorates the consumer's writer: instrumentation, or fault injection in tests. */
  wrapWriter?: (writer: ReadModelWriter) => ReadModelWriter;
}>;

export type ProjectionService = Readonly<{
  consumer: ProjectionConsumer;
  admin: ProjectionAdmin;
  kafkaAdmin: ReturnType<Kafka['admin']>;
  start(): Promise<void>;
  /** Leaves the group after the batch in hand, then closes its Kafka clients. */
  stop(): Promise<void>;
}>;

/** Wires one projection instance; several can share a process (tests) or a group (production). */
export function createProjectionService(opts: ProjectionServiceOptions): ProjectionService {
  const { pool, logger } = opts;
  const topics = new Map<string, StreamType>(StreamTypes.map((t) => [topicName(t, opts.topicPrefix), t]));
  const codec = createEventCodec(opts.registry, eventSchemas);
  const decoder = createMessageDecoder(codec, upcasting, (topic) => topics.get(topic));
  const store = createPgEventStore({ pool, ...upcasting });
  const cache = createOrderCache(opts.redis, opts.cacheTtlSeconds);
  const metrics = createProjectionMetrics(opts.metrics, () => countParkedStreams(pool));
  const producer = opts.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  const kafkaAdmin = opts.kafka.admin();
  const handleBatch = createBatchHandler({
    decoder,
    writer: (opts.wrapWriter ?? ((w) => w))(mergingWriter(createReadModelWriter(pool))),
    deadLetters: createDeadLetterPublisher(producer),
    cache,
    metrics,
    logger,
    retry: opts.retry,
  });
  const consumer = createProjectionConsumer({
    kafka: opts.kafka,
    groupId: opts.groupId,
    topics: [...topics.keys()],
    concurrency: opts.concurrency,
    handleBatch,
    logger,
    sessionTimeoutMs: opts.sessionTimeoutMs,
  });
  const publish = async (changes: readonly OrderChange[]) =>
    cache.publish(changes).catch((e: unknown) => {
      metrics.cacheFailures.inc();
      logger.warn({ event: 'projection.cache_failed', err: String(e) }, 'Redis update failed');
    });
  const rebuildJob = createRebuildJob(
    () => rebuildReadModels({ pool, store, cache, logger, pageSize: opts.rebuildPageSize, lockTimeoutMs: opts.rebuildLockTimeoutMs }),
    logger,
  );
  const admin = createProjectionAdmin({ pool, store, decoder, publish, kafkaAdmin, consumer, rebuildJob });

  return {
    consumer,
    admin,
    kafkaAdmin,
    async start() {
      await kafkaAdmin.connect();
      await producer.connect();
      await consumer.start();
    },
    async stop() {
      await closeInOrder([() => consumer.stop(), () => producer.disconnect(), () => kafkaAdmin.disconnect()]);
    },
  };
}
