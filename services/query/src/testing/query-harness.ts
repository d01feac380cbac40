import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { createLogger, createMetricsRegistry, pgCheck, Redis, type MetricsRegistry } from '@orderflow/platform';
import { createInventoryStore } from '../adapters/postgres/inventory.pg.js';
import { createOrderViewStore } from '../adapters/postgres/order-views.pg.js';
import { createSalesStore } from '../adapters/postgres/sales.pg.js';
import { createVersionListener, type VersionListener } from '../adapters/postgres/version-listener.js';
import { cacheKeys, createOrderCache } from '../adapters/redis/order-cache.js';
import { buildApp } from '../app.js';
import { createQueryMetrics } from '../metrics.js';
import { createTestPool, migrateTestDatabase, testDatabaseUrl, testRedisUrl } from './test-database.js';

export type QueryHarness = {
  app: FastifyInstance;
  pool: pg.Pool;
  /** Every key this client touches lives under a random prefix, so the list generation is the test's own. */
  redis: Redis;
  listener: VersionListener;
  listenerName: string;
  registry: MetricsRegistry;
  /** Resolves when a request next starts waiting for `orderId` to reach a version. */
  nextWait(orderId: string): Promise<void>;
  close(): Promise<void>;
};

export type HarnessOptions = { minVersionWaitMs?: number; redisUrl?: string };

/**
 * The query service on real PostgreSQL and Redis, as main.ts wires it. The Redis client
 * uses a key prefix unique to the harness: the projection's tests bump the shared
 * `orders:list:gen` at any time, and must not make these tests' cache assertions flaky.
 */
export async function startQueryHarness(opts: HarnessOptions = {}): Promise<QueryHarness> {
  await migrateTestDatabase();
  const logger = createLogger('query-test', process.env.TEST_LOG_LEVEL ?? 'silent');
  const registry = createMetricsRegistry('query-test');
  const metrics = createQueryMetrics(registry);
  const pool = createTestPool();
  const redis = new Redis(opts.redisUrl ?? testRedisUrl, {
    keyPrefix: `test:query:${randomUUID()}:`,
    maxRetriesPerRequest: 1,
    retryStrategy: () => 1_000,
  });
  redis.on('error', () => {});
  if (!opts.redisUrl) await once(redis, 'ready');
  const listenerName = `query-test-${randomUUID()}`;
  const listener = createVersionListener({ connectionString: testDatabaseUrl, logger, metrics, applicationName: listenerName });
  await listener.start();
  const watchers: { orderId: string; resolve: () => void }[] = [];
  const signal = (orderId: string) => {
    for (const w of watchers.filter((x) => x.orderId === orderId)) {
      watchers.splice(watchers.indexOf(w), 1);
      w.resolve();
    }
  };
  // the real listener's waiters, observed: a test learns when a request has started waiting
  const versions = {
    register: (orderId: string, minVersion: number) => {
      const waiter = listener.register(orderId, minVersion);
      return {
        wait: (ms: number) => {
          const woken = waiter.wait(ms);
          signal(orderId);
          return woken;
        },
        cancel: () => waiter.cancel(),
      };
    },
  };
  const app = await buildApp({
    logger,
    metrics: registry,
    queryMetrics: metrics,
    checks: [pgCheck(pool)],
    orders: createOrderViewStore(pool),
    sales: createSalesStore(pool),
    inventory: createInventoryStore(pool),
    cache: createOrderCache({ redis, logger, timeoutMs: 200, listTtlSeconds: 30 }),
    versions,
    minVersionWaitMs: opts.minVersionWaitMs ?? 5_000,
  });
  await app.ready();
  return {
    app,
    pool,
    redis,
    listener,
    listenerName,
    registry,
    nextWait: (orderId) => new Promise<void>((resolve) => watchers.push({ orderId, resolve })),
    close: async () => {
      await app.close();
      await listener.close();
      // the prefixed generation key has no TTL; list pages and test details expire on their own
      if (redis.status === 'ready') await redis.del(cacheKeys.listGeneration);
      redis.disconnect();
      await pool.end();
    },
  };
}

/**
 * A series' value, or 0 when it does not exist yet. For a histogram, `series` picks
 * `<name>_count` or `<name>_sum`.
 */
export async function metricValue(
  registry: MetricsRegistry,
  name: string,
  labels: Record<string, string> = {},
  series = name,
): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  const match = metric?.values.find(
    (v) =>
      ((v as { metricName?: string }).metricName ?? name) === series &&
      Object.entries(labels).every(([k, x]) => String((v.labels as Record<string, unknown>)[k]) === x),
  );
  return match?.value ?? 0;
}
