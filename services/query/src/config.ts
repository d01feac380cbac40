import { z } from 'zod';
import { baseConfigShape, port, postgresUrl, redisUrl } from '@orderflow/platform';

const millis = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** Every key is an environment variable the query service reads. */
export const configSpec = z.object({
  ...baseConfigShape,
  HTTP_PORT: port(8081),
  DATABASE_URL: postgresUrl(),
  REDIS_URL: redisUrl(),
  PG_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  /** Longest a `minVersion` read waits for the read model to catch up; a request's `maxWaitMs` may only lower it. */
  MIN_VERSION_WAIT_MS: millis(0, 60_000, 5_000),
  /** Lifetime of a cached list page; correctness comes from the generation in the key, this only bounds memory. */
  LIST_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).max(3_600).default(30),
  /** A Redis call slower than this counts as a miss, so a sick Redis costs latency of at most this much. */
  REDIS_TIMEOUT_MS: millis(10, 5_000, 200),
});

export type Config = z.infer<typeof configSpec>;
