import { createPool, createRedis, createRuntime, exitOnStartupError, installShutdown, pgCheck } from '@orderflow/platform';
import { createInventoryStore } from './adapters/postgres/inventory.pg.js';
import { createOrderViewStore } from './adapters/postgres/order-views.pg.js';
import { createSalesStore } from './adapters/postgres/sales.pg.js';
import { createVersionListener } from './adapters/postgres/version-listener.js';
import { createOrderCache } from './adapters/redis/order-cache.js';
import { buildApp } from './app.js';
import { configSpec } from './config.js';
import { createQueryMetrics } from './metrics.js';

const SERVICE = 'query';

async function main() {
  const { config, logger, metrics, tracing } = createRuntime(SERVICE, configSpec);
  const queryMetrics = createQueryMetrics(metrics);
  const pool = createPool(config.DATABASE_URL, logger, { name: SERVICE, max: config.PG_POOL_MAX });
  const redis = createRedis(config.REDIS_URL, logger);
  const versions = createVersionListener({ connectionString: config.DATABASE_URL, logger, metrics: queryMetrics });
  const shutdown = installShutdown(
    logger,
    () => [
      // in-flight minVersion waits finish within MIN_VERSION_WAIT_MS before the listener goes
      { name: 'http', close: () => app.close() },
      { name: 'version-listener', close: () => versions.close() },
      { name: 'redis', close: () => redis.quit() },
      { name: 'postgres', close: () => pool.end() },
      { name: 'tracing', close: () => tracing.shutdown() },
    ],
    config.SHUTDOWN_TIMEOUT_MS,
  );
  // LISTEN connects in the background and retries: the service starts even while PostgreSQL is away
  void versions.start();
  const app = await buildApp({
    logger,
    metrics,
    queryMetrics,
    // Redis is an accelerator: without it reads come from PostgreSQL, so it is not a readiness condition
    checks: [pgCheck(pool)],
    isShuttingDown: shutdown.isShuttingDown,
    orders: createOrderViewStore(pool),
    sales: createSalesStore(pool),
    inventory: createInventoryStore(pool),
    cache: createOrderCache({ redis, logger, timeoutMs: config.REDIS_TIMEOUT_MS, listTtlSeconds: config.LIST_CACHE_TTL_SECONDS }),
    versions,
    minVersionWaitMs: config.MIN_VERSION_WAIT_MS,
  });
  await app.listen({ host: '0.0.0.0', port: config.HTTP_PORT });
}

main().catch((e: unknown) => exitOnStartupError(SERVICE, undefined, e));
