import { loadConfig, postgresUrl, redisUrl } from '@orderflow/platform/config';
import { z } from 'zod';

const seconds = (fallback: number) => z.coerce.number().min(0.1).max(600).default(fallback);
const count = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);

/**
 * Every knob a benchmark run reads. The defaults keep one suite well under two minutes
 * on a 2-core machine; longer runs give steadier figures.
 */
export const benchConfigSpec = z.object({
  DATABASE_URL: postgresUrl().default('postgres://postgres@127.0.0.1:5432/orderflow_bench'),
  REDIS_URL: redisUrl().default('redis://127.0.0.1:6379'),
  BENCH_SECONDS: seconds(2),
  BENCH_WARMUP_SECONDS: seconds(1.5),
  BENCH_ROUNDS: count(5, 20),
  BENCH_CONCURRENCY: count(8, 256),
  BENCH_HTTP_CONNECTIONS: count(12, 256),
  BENCH_RESULTS_DIR: z.string().min(1).optional(),
  /** Services under test log as they would in production unless told otherwise. */
  BENCH_SERVICE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info'),
});

export type BenchConfig = z.infer<typeof benchConfigSpec>;

export const loadBenchConfig = (): BenchConfig => loadConfig('bench', benchConfigSpec);
