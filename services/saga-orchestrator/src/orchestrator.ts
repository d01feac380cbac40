import { topicName, StreamTypes } from '@orderflow/contracts';
import { closeInOrder, startRetentionJob, type EventCodec, type Kafka, type Logger, type MetricsRegistry, type Pool } from '@orderflow/platform';
import { Partitioners } from 'kafkajs';
import { startSagaConsumer } from './adapters/kafka/saga-consumer.js';
import type { ClaimedCommand } from './adapters/postgres/command-outbox.js';
import { countActiveSagas, countStuckSagas } from './adapters/postgres/saga-queries.js';
import { deleteProcessedEventsBefore } from './adapters/postgres/saga-store.js';
import type { PendingCommand } from './adapters/postgres/saga-writes.js';
import type { Config } from './config.js';
import { groupOffsetSource } from './adapters/kafka/group-offsets.js';
import { createConsumerProgress, deadlineHorizon } from './deadlines/consumer-progress.js';
import { startDeadlinesAfterJoin } from './deadlines/deadlines-after-join.js';
import { createCommandBreakers } from './dispatch/command-breakers.js';
import { createCommandDispatcher } from './dispatch/command-dispatcher.js';
import type { CommandGateway } from './dispatch/command-gateway.js';
import { createOrderSaga } from './order-saga/order-saga.decide.js';
import { createSagaHandler, type SagaTransition } from './order-saga/order-saga.handler.js';
import { createSagaMetrics } from './saga-metrics.js';

export type OrchestratorConfig = Pick<
  Config,
  | 'KAFKA_TOPIC_PREFIX'
  | 'KAFKA_CONSUMER_GROUP'
  | 'KAFKA_SESSION_TIMEOUT_MS'
  | 'KAFKA_HEARTBEAT_INTERVAL_MS'
  | 'SAGA_CONSUMER_CONCURRENCY'
  | 'SAGA_FETCH_MIN_BYTES'
  | 'SAGA_FETCH_MAX_WAIT_MS'
  | 'SAGA_STEP_TIMEOUT_MS'
  | 'SAGA_RETRY_BUDGET'
  | 'SAGA_BACKOFF_BASE_MS'
  | 'SAGA_BACKOFF_MAX_MS'
  | 'SAGA_COMMAND_TIMEOUT_MS'
  | 'SAGA_BREAKER_ERROR_PERCENT'
  | 'SAGA_BREAKER_VOLUME_THRESHOLD'
  | 'SAGA_BREAKER_RESET_MS'
  | 'SAGA_BREAKER_WINDOW_MS'
  | 'SAGA_DEADLINE_POLL_MS'
  | 'SAGA_RESTART_GRACE_MS'
  | 'SAGA_DEADLINE_MAX_DEFER_MS'
  | 'SAGA_DISPATCH_POLL_MS'
  | 'SAGA_DISPATCH_CONCURRENCY'
  | 'SAGA_STUCK_AFTER_MS'
  | 'SAGA_MESSAGE_MAX_ATTEMPTS'
  | 'SAGA_DEDUPE_RETENTION_HOURS'
  | 'SAGA_DEDUPE_PRUNE_INTERVAL_MS'
>;

export type OrchestratorDeps = Readonly<{
  config: OrchestratorConfig;
  pool: Pool;
  kafka: Kafka;
  codec: EventCodec;
  gateway: CommandGateway;
  logger: Logger;
  metrics: MetricsRegistry;
}>;

export type Orchestrator = Readonly<{ stop: () => Promise<void> }>;

/**
 * The orchestrator's moving parts: the Kafka consumer feeding events to sagas, the
 * dispatcher sending the commands they decide, the timer firing their deadlines. On
 * start it resumes every running or compensating saga: pending commands are sent again
 * at once; deadlines fire once the consumer has its partitions and has read the answers
 * that may be waiting for them (see deadlines-after-join.ts and consumer-progress.ts).
 */
export async function startOrchestrator(deps: OrchestratorDeps): Promise<Orchestrator> {
  const { config, pool, logger } = deps;
  const metrics = createSagaMetrics(deps.metrics, () => countStuckSagas(pool, config.SAGA_STUCK_AFTER_MS));
  // a claimed command is not claimed again for this long: longer than a call may take
  const leaseMs = config.SAGA_COMMAND_TIMEOUT_MS + 5_000;
  const handler = createSagaHandler({
    pool,
    decider: createOrderSaga({ stepTimeoutMs: config.SAGA_STEP_TIMEOUT_MS }),
    commandLeaseMs: leaseMs,
    onCommitted: (t) => {
      metrics.transitioned(t);
      logTransition(logger, t);
      // only runs once started, after the dispatcher below exists
      dispatcher.dispatch(t.commands.map(handedOver));
    },
  });
  const breakers = createCommandBreakers(
    {
      errorThresholdPercentage: config.SAGA_BREAKER_ERROR_PERCENT,
      volumeThreshold: config.SAGA_BREAKER_VOLUME_THRESHOLD,
      resetTimeoutMs: config.SAGA_BREAKER_RESET_MS,
      rollingWindowMs: config.SAGA_BREAKER_WINDOW_MS,
      callTimeoutMs: config.SAGA_COMMAND_TIMEOUT_MS,
    },
    (type, state) => {
      metrics.circuitChanged(type, state);
      logger.warn({ event: 'saga.circuit_changed', commandType: type, state }, `circuit ${state}`);
    },
  );
  const dispatcher = createCommandDispatcher({
    pool,
    gateway: deps.gateway,
    handler,
    breakers,
    retry: { budget: config.SAGA_RETRY_BUDGET, baseMs: config.SAGA_BACKOFF_BASE_MS, maxMs: config.SAGA_BACKOFF_MAX_MS },
    logger,
    metrics,
    concurrency: config.SAGA_DISPATCH_CONCURRENCY,
    pollMs: config.SAGA_DISPATCH_POLL_MS,
    leaseMs,
    openCircuitDelayMs: config.SAGA_BREAKER_RESET_MS,
  });

  const active = await countActiveSagas(pool);
  const resent = await dispatcher.start();
  logger.info({ event: 'saga.resumed', activeSagas: active, commandsDueAgain: resent }, 'resumed running and compensating sagas');

  const topics = StreamTypes.map((t) => topicName(t, config.KAFKA_TOPIC_PREFIX));
  const admin = deps.kafka.admin();
  await admin.connect();
  const progress = createConsumerProgress(groupOffsetSource(admin, config.KAFKA_CONSUMER_GROUP, topics));
  const onOffsetsUnreadable = (e: unknown) => logger.warn({ event: 'saga.consumer_offsets_failed', err: e }, 'reading consumer offsets failed');
  const deadlines = startDeadlinesAfterJoin({
    pool,
    handler,
    logger,
    intervalMs: config.SAGA_DEADLINE_POLL_MS,
    graceMs: config.SAGA_RESTART_GRACE_MS,
    ...(config.SAGA_DEADLINE_MAX_DEFER_MS > 0 ? { dueBy: deadlineHorizon(progress, config.SAGA_DEADLINE_MAX_DEFER_MS, onOffsetsUnreadable) } : {}),
  });

  // parks poison messages only; the key keeps a parked aggregate's messages together
  const producer = deps.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const consumer = await startSagaConsumer({
    kafka: deps.kafka,
    groupId: config.KAFKA_CONSUMER_GROUP,
    topics,
    codec: deps.codec,
    handler,
    logger,
    producer,
    maxAttempts: config.SAGA_MESSAGE_MAX_ATTEMPTS,
    partitionsConsumedConcurrently: config.SAGA_CONSUMER_CONCURRENCY,
    fetch: { minBytes: config.SAGA_FETCH_MIN_BYTES, maxWaitMs: config.SAGA_FETCH_MAX_WAIT_MS },
    sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
    heartbeatIntervalMs: config.KAFKA_HEARTBEAT_INTERVAL_MS,
    onJoined: deadlines.joined,
  });

  // A dedupe row only guards against a redelivery of its event; one older than the
  // retention would meet a saga that has left that step (it ignores the event) or an
  // order that already has its saga (never a second one).
  const retention =
    config.SAGA_DEDUPE_RETENTION_HOURS === 0
      ? null
      : startRetentionJob(
          'saga_dedupe',
          (olderThan, limit) => deleteProcessedEventsBefore(pool, olderThan, limit),
          { retentionMs: config.SAGA_DEDUPE_RETENTION_HOURS * 3_600_000, intervalMs: config.SAGA_DEDUPE_PRUNE_INTERVAL_MS, chunk: 1_000 },
          { now: () => new Date(), logger, onPruned: (count) => metrics.dedupePruned(count) },
        );

  return {
    async stop() {
      // stop taking work (deadlines, then events, whose applied offsets get committed),
      // then let the calls in flight finish and record their answers
      await closeInOrder([
        () => retention?.stop(),
        () => deadlines.stop(),
        () => consumer.stop(),
        () => dispatcher.stop(),
        () => breakers.shutdown(),
        () => producer.disconnect(),
        () => admin.disconnect(),
      ]);
    },
  };
}

const handedOver = (c: PendingCommand): ClaimedCommand => ({
  commandId: c.command.commandId,
  sagaId: c.sagaId,
  command: c.command,
  compensation: c.compensation,
  attempts: 0,
  traceparent: c.trace?.traceparent ?? null,
  tracestate: c.trace?.tracestate ?? null,
  awaited: c.awaited,
});

/** A saga starting or changing status is news; a step within the same status only for debugging (its history has it). */
function logTransition(logger: Logger, t: SagaTransition) {
  logger[t.before.status === t.after.status ? 'debug' : 'info'](
    {
      event: 'saga.transition',
      sagaId: t.after.sagaId,
      orderId: t.after.orderId,
      correlationId: t.after.correlationId,
      input: t.input,
      from: t.before.status,
      to: t.after.status,
      step: t.after.step,
      events: t.events.map((e) => e.type),
    },
    `saga ${t.before.status} -> ${t.after.status}`,
  );
}
