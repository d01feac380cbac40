import { eventSchemas } from '@orderflow/contracts';
import {
  createEventCodec,
  createKafka,
  createPool,
  createRuntime,
  createSchemaRegistry,
  exitOnStartupError,
  installShutdown,
  kafkaCheck,
  pgCheck,
  schemaRegistryCheck,
} from '@orderflow/platform';
import { createGrpcCommandGateway } from './adapters/grpc/command-grpc.gateway.js';
import { buildApp } from './app.js';
import { configSpec } from './config.js';
import { startOrchestrator } from './orchestrator.js';

const SERVICE = 'saga-orchestrator';

async function main() {
  const { config, logger, metrics, tracing } = createRuntime(SERVICE, configSpec);
  // every saga statement finds its rows by key, and the saga tables start empty and grow
  const pool = createPool(config.DATABASE_URL, logger, { name: SERVICE, max: config.PG_POOL_MAX, preferIndexes: true });
  const kafka = createKafka({ clientId: SERVICE, brokers: config.KAFKA_BROKERS, logger });
  const admin = kafka.admin();
  await admin.connect();
  const codec = createEventCodec(createSchemaRegistry(config.SCHEMA_REGISTRY_URL), eventSchemas);
  const gateway = createGrpcCommandGateway(config.COMMAND_GRPC_URL, { timeoutMs: config.SAGA_COMMAND_TIMEOUT_MS });
  const shutdown = installShutdown(
    logger,
    () => [
      { name: 'http', close: () => app.close() },
      { name: 'orchestrator', close: () => orchestrator.stop() },
      { name: 'grpc', close: async () => gateway.close() },
      { name: 'kafka-admin', close: () => admin.disconnect() },
      { name: 'postgres', close: () => pool.end() },
      { name: 'tracing', close: () => tracing.shutdown() },
    ],
    config.SHUTDOWN_TIMEOUT_MS,
  );
  const checks = [pgCheck(pool), kafkaCheck(admin), schemaRegistryCheck(config.SCHEMA_REGISTRY_URL)];
  const app = await buildApp({ logger, metrics, checks, pool, isShuttingDown: shutdown.isShuttingDown });
  const orchestrator = await startOrchestrator({ config, pool, kafka, codec, gateway, logger, metrics });
  await app.listen({ host: '0.0.0.0', port: config.HTTP_PORT });
}

main().catch((e: unknown) => exitOnStartupError(SERVICE, undefined, e));
