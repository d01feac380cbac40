import {
  createKafka,
  createPool,
  createRuntime,
  createSchemaRegistry,
  exitOnStartupError,
  installShutdown,
  kafkaCheck,
  pgCheck,
  schemaRegistryCheck,
  type Logger,
} from '@orderflow/platform';
import { createRelayProducer } from './adapters/kafka/kafka-publisher.js';
import { buildApp } from './app.js';
import { configSpec, type RelayFault } from './config.js';
import { startRelayRuntime } from './relay-runtime.js';

const SERVICE = 'outbox-relay';

/** Failure tests only (RELAY_FAULT); with the default `none` no hook is installed. */
function faultHook(fault: RelayFault, logger: Logger): (() => void) | undefined {
  if (fault !== 'kill-after-publish') return undefined;
  logger.warn({ event: 'relay.fault_armed', fault }, 'fault injection armed: the process kills itself after a publish');
  return () => {
    logger.flush();
    process.kill(process.pid, 'SIGKILL');
  };
}

async function main() {
  const { config, logger, metrics, tracing } = createRuntime(SERVICE, configSpec);
  const pool = createPool(config.DATABASE_URL, logger, { name: SERVICE, max: 4 });
  const kafka = createKafka({ clientId: SERVICE, brokers: config.KAFKA_BROKERS, logger });
  const admin = kafka.admin();
  const producer = createRelayProducer(kafka);
  await Promise.all([admin.connect(), producer.connect()]);
  const running = await startRelayRuntime({
    databaseUrl: config.DATABASE_URL,
    pool,
    producer,
    registry: createSchemaRegistry(config.SCHEMA_REGISTRY_URL),
    logger,
    metrics,
    topicPrefix: config.KAFKA_TOPIC_PREFIX,
    batchSize: config.RELAY_BATCH_SIZE,
    pollIntervalMs: config.RELAY_POLL_INTERVAL_MS,
    settleMs: config.RELAY_SETTLE_MS,
    lockIntervalMs: config.RELAY_LOCK_INTERVAL_MS,
    depthSampleMs: config.RELAY_DEPTH_SAMPLE_MS,
    afterPublish: faultHook(config.RELAY_FAULT, logger),
  });
  const shutdown = installShutdown(
    logger,
    () => [
      // finishes in-flight batches (publish and delete) and releases the partition locks
      { name: 'relay', close: () => running.stop() },
      { name: 'kafka-producer', close: () => producer.disconnect() },
      { name: 'kafka-admin', close: () => admin.disconnect() },
      { name: 'http', close: () => app.close() },
      { name: 'postgres', close: () => pool.end() },
      { name: 'tracing', close: () => tracing.shutdown() },
    ],
    config.SHUTDOWN_TIMEOUT_MS,
  );
  const checks = [pgCheck(pool), kafkaCheck(admin), schemaRegistryCheck(config.SCHEMA_REGISTRY_URL)];
  const app = await buildApp({ logger, metrics, checks, isShuttingDown: shutdown.isShuttingDown });
  const address = await app.listen({ host: '0.0.0.0', port: config.HTTP_PORT });
  logger.info({ event: 'relay.started', address, partitions: running.relay.heldPartitions() }, 'outbox relay started');
}

main().catch((e: unknown) => exitOnStartupError(SERVICE, undefined, e));
