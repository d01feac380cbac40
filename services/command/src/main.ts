import { randomUUID } from 'node:crypto';
import { currentSchemaVersion } from '@orderflow/contracts';
import { createPgEventStore } from '@orderflow/event-store';
import { createPool, createRuntime, exitOnStartupError, installShutdown, pgCheck, prom, startRetentionJob } from '@orderflow/platform';
import { buildApp } from './app.js';
import { configSpec } from './config.js';
import { createSimulatedPaymentGateway } from './external/simulated-payment-gateway.js';
import { createSimulatedShippingCarrier } from './external/simulated-shipping-carrier.js';
import { closeGrpc, createGrpcServer, listenGrpc } from './grpc/grpc-server.js';
import { createUseCases } from './use-cases.js';

const SERVICE = 'command';

async function main() {
  const { config, logger, metrics, tracing } = createRuntime(SERVICE, configSpec);
  const pool = createPool(config.DATABASE_URL, logger, { name: SERVICE, max: config.PG_POOL_MAX });
  const store = createPgEventStore({
    pool,
    currentSchemaVersions: currentSchemaVersion,
    groupCommit:
      config.APPEND_GROUP_SLOTS === 0 ? false : { maxConcurrent: config.APPEND_GROUP_SLOTS, maxBatch: config.APPEND_GROUP_MAX },
    // a lost announcement only delays the relay until its next poll; worth a warning, not a failure
    onNotifyError: (err) => logger.warn({ event: 'outbox.notify_failed', err }, 'outbox announcement failed'),
  });
  const gateway = createSimulatedPaymentGateway({
    amountLimit: config.PAYMENT_AMOUNT_LIMIT,
    latencyMs: config.GATEWAY_LATENCY_MS,
    errorRate: config.GATEWAY_ERROR_RATE,
    voidFault: config.GATEWAY_VOID_FAULT,
  });
  const carrier = createSimulatedShippingCarrier({ latencyMs: config.CARRIER_LATENCY_MS, errorRate: config.CARRIER_ERROR_RATE });
  const clock = { now: () => new Date(), newId: randomUUID };
  const commands = createUseCases({
    store,
    gateway,
    carrier,
    clock,
    logger,
    metrics,
    settings: {
      snapshotEvery: config.SNAPSHOT_EVERY,
      maxRetries: config.COMMAND_MAX_RETRIES,
      gatewayTimeoutMs: config.GATEWAY_TIMEOUT_MS,
      carrierTimeoutMs: config.CARRIER_TIMEOUT_MS,
    },
  });
  const pruned = new prom.Counter({
    name: 'command_idempotency_keys_pruned_total',
    help: 'Idempotency keys deleted by the retention job',
    registers: [metrics],
  });
  const retention =
    config.IDEMPOTENCY_RETENTION_HOURS === 0
      ? null
      : startRetentionJob(
          'idempotency',
          store.pruneIdempotencyKeys,
          { retentionMs: config.IDEMPOTENCY_RETENTION_HOURS * 3_600_000, intervalMs: config.IDEMPOTENCY_PRUNE_INTERVAL_MS, chunk: 1_000 },
          { now: clock.now, logger, onPruned: (count) => pruned.inc(count) },
        );
  // both servers stop taking work and drain together; the pool closes once they are idle
  const drainMs = Math.max(100, config.SHUTDOWN_TIMEOUT_MS - 1_000);
  const shutdown = installShutdown(
    logger,
    () => [
      { name: 'servers', close: () => Promise.all([closeGrpc(grpcServer, drainMs), app.close()]) },
      { name: 'idempotency-retention', close: async () => retention?.stop() },
      { name: 'outbox-notifier', close: () => store.close() },
      { name: 'postgres', close: () => pool.end() },
      { name: 'tracing', close: () => tracing.shutdown() },
    ],
    config.SHUTDOWN_TIMEOUT_MS,
  );
  const app = await buildApp({ logger, metrics, checks: [pgCheck(pool)], commands, clock, isShuttingDown: shutdown.isShuttingDown });
  const grpcServer = createGrpcServer(commands, { clock, logger });
  await app.listen({ host: '0.0.0.0', port: config.HTTP_PORT });
  const grpcPort = await listenGrpc(grpcServer, '0.0.0.0', config.GRPC_PORT);
  logger.info({ event: 'grpc.listening', port: grpcPort }, 'gRPC server listening');
}

main().catch((e: unknown) => exitOnStartupError(SERVICE, undefined, e));
