import { z } from 'zod';
import { baseConfigShape, brokerList, httpUrl, port, postgresUrl, redisUrl } from '@orderflow/platform';

const int = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** Every key is an environment variable the projection service reads. */
export const configSpec = z.object({
  ...baseConfigShape,
  HTTP_PORT: port(8082),
  DATABASE_URL: postgresUrl(),
  REDIS_URL: redisUrl(),
  KAFKA_BROKERS: brokerList(),
  SCHEMA_REGISTRY_URL: httpUrl(),
  // isolates a test run's topics from a running system's on the same broker
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[\w.-]*$/).default(''),
  /** Consumer group; the dead-letter topics keep the logical name `projection` whatever this is. */
  KAFKA_GROUP_ID: z.string().regex(/^[\w.-]+$/).default('projection'),
  /** A member silent this long (a crashed instance) loses its partitions to the others; the broker's minimum is 6 s. */
  KAFKA_SESSION_TIMEOUT_MS: int(6_000, 300_000, 30_000),
  /**
   * Partitions this instance handles at once. kafkajs fetches again only once every batch
   * of the last fetch is done, so fewer workers than the partitions a fetch returns (six
   * per topic) leave batches waiting a turn, and their events a whole extra batch.
   */
  PROJECTION_CONCURRENCY: int(1, 32, 8),
  /** Tries per poison message (including the first) before it is dead-lettered and its aggregate parked. */
  PROJECTION_RETRY_ATTEMPTS: int(1, 10, 3),
  /** First retry delay; doubles per attempt. */
  PROJECTION_RETRY_BACKOFF_MS: int(1, 60_000, 200),
  // one connection per concurrent batch, plus room for the admin API and a rebuild
  PG_POOL_MAX: int(2, 100, 12),
  ORDER_CACHE_TTL_SECONDS: int(1, 86_400, 3_600),
  REBUILD_PAGE_SIZE: int(100, 50_000, 2_000),
  /** Longest the rebuild's swap waits for the live tables per try (readers queue behind it meanwhile). */
  REBUILD_LOCK_TIMEOUT_MS: int(100, 60_000, 3_000),
});

export type Config = z.infer<typeof configSpec>;
