import {
  createKafka,
  createPool,
  createRuntime,
  exitOnStartupError,
  installShutdown,
  kafkaCheck,
  pgCheck,
  schemaRegistryCheck,
} from '@orderflow/platform';
import { buildApp } from './app.js';
import { configSpec } from './config.js';

const SERVICE = 'outbox-relay';

async function main() {
  const { config, logger, metrics, tracing } = createRuntime(SERVICE, configSpec);
  const pool = createPool(config.DATABASE_URL, logger, { name: SERVICE, max: 4 });
  const kafka = createKafka({ clientId: SERVICE, brokers: config.KAFKA_BROKERS, logger });
  const admin = kafka.admin();
  await admin.connect();
  const shutdown = installShutdown(
    logger,
    () => [
      { name: 'http', close: () => app.close() },
      { name: 'kafka-admin', close: () => admin.disconnect() },
      { name: 'postgres', close: () => pool.end() },
      { name: 'tracing', close: () => tracing.shutdown() },
    ],
    config.SHUTDOWN_TIMEOUT_MS,
  );
  const checks = [pgCheck(pool), kafkaCheck(admin), schemaRegistryCheck(config.SCHEMA_REGISTRY_URL)];
  const app = await buildApp({ logger, metrics, checks, isShuttingDown: shutdown.isShuttingDown });
  await app.listen({ host: '0.0.0.0', port: config.HTTP_PORT });
}

main().catch((e: unknown) => exitOnStartupError(SERVICE, undefined, e));
