import {
  createKafka,
  createPool,
  createRedis,
  createRuntime,
  createSchemaRegistry,
  exitOnStartupError,
  installShutdown,
  kafkaCheck,
  pgCheck,
  redisCheck,
  schemaRegistryCheck,
} from '@orderflow/platform';
import { buildApp } from './app.js';
import { configSpec } from './config.js';
import { createProjectionService } from './projection-service.js';

const SERVICE = 'projection';

async function main() {
  const { config, logger, metrics, tracing } = createRuntime(SERVICE, configSpec);
  const pool = createPool(config.DATABASE_URL, logger, { name: SERVICE, max: config.PG_POOL_MAX });
  const redis = createRedis(config.REDIS_URL, logger);
  const kafka = createKafka({ clientId: SERVICE, brokers: config.KAFKA_BROKERS, logger });
  const service = createProjectionService({
    pool,
    redis,
    kafka,
    registry: createSchemaRegistry(config.SCHEMA_REGISTRY_URL),
    logger,
    metrics,
    topicPrefix: config.KAFKA_TOPIC_PREFIX,
    groupId: config.KAFKA_GROUP_ID,
    concurrency: config.PROJECTION_CONCURRENCY,
    sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
    retry: { attempts: config.PROJECTION_RETRY_ATTEMPTS, backoffMs: config.PROJECTION_RETRY_BACKOFF_MS },
    cacheTtlSeconds: config.ORDER_CACHE_TTL_SECONDS,
    rebuildPageSize: config.REBUILD_PAGE_SIZE,
    rebuildLockTimeoutMs: config.REBUILD_LOCK_TIMEOUT_MS,
  });
  const shutdown = installShutdown(
    logger,
    () => [
      { name: 'http', close: () => app.close() },
      // finishes the batch in hand, whose offsets are committed after its transaction
      { name: 'consumer', close: () => service.stop() },
      { name: 'redis', close: () => redis.quit() },
      { name: 'postgres', close: () => pool.end() },
      { name: 'tracing', close: () => tracing.shutdown() },
    ],
    config.SHUTDOWN_TIMEOUT_MS,
  );
  const checks = [pgCheck(pool), redisCheck(redis), kafkaCheck(service.kafkaAdmin), schemaRegistryCheck(config.SCHEMA_REGISTRY_URL)];
  const app = await buildApp({ logger, metrics, checks, isShuttingDown: shutdown.isShuttingDown, admin: service.admin });
  await service.start();
  await app.listen({ host: '0.0.0.0', port: config.HTTP_PORT });
}

main().catch((e: unknown) => exitOnStartupError(SERVICE, undefined, e));
