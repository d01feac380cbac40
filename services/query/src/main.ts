import { createPool, createRedis, createRuntime, exitOnStartupError, installShutdown, pgCheck, redisCheck } from '@orderflow/platform';
import { buildApp } from './app.js';
import { configSpec } from './config.js';

const SERVICE = 'query';

async function main() {
  const { config, logger, metrics, tracing } = createRuntime(SERVICE, configSpec);
  const pool = createPool(config.DATABASE_URL, logger, { name: SERVICE });
  const redis = createRedis(config.REDIS_URL, logger);
  const shutdown = installShutdown(
    logger,
    () => [
      { name: 'http', close: () => app.close() },
      { name: 'redis', close: () => redis.quit() },
      { name: 'postgres', close: () => pool.end() },
      { name: 'tracing', close: () => tracing.shutdown() },
    ],
    config.SHUTDOWN_TIMEOUT_MS,
  );
  const app = await buildApp({ logger, metrics, checks: [pgCheck(pool), redisCheck(redis)], isShuttingDown: shutdown.isShuttingDown });
  await app.listen({ host: '0.0.0.0', port: config.HTTP_PORT });
}

main().catch((e: unknown) => exitOnStartupError(SERVICE, undefined, e));
