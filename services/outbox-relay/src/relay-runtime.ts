import { currentSchemaVersion, eventSchemas } from '@orderflow/contracts';
import { OUTBOX_PARTITIONS, type Upcasters } from '@orderflow/event-store';
import { createCoalescer, createEventCodec, type Logger, type MetricsRegistry, type Pool, type SchemaRegistry } from '@orderflow/platform';
import type { Producer } from 'kafkajs';
import { kafkaPublisher } from './adapters/kafka/kafka-publisher.js';
import { openLockSession } from './adapters/postgres/lock-session.js';
import { completeOutboxBatch, selectOutboxBatches } from './adapters/postgres/outbox-statements.js';
import { startDepthSampler } from './relay/depth-sampler.js';
import { createEventEncoder } from './relay/event-encoder.js';
import type { BatchCompletion, Outbox, OutboxEvent, OutgoingMessage, Publisher } from './relay/outbox-event.js';
import { createOutboxRelay, type OutboxRelay } from './relay/outbox-relay.js';
import { relayBatch } from './relay/relay-batch.js';
import { createRelayMetrics } from './relay/relay-metrics.js';

export type RelayRuntimeDeps = Readonly<{
  databaseUrl: string;
  pool: Pool;
  /** Connected, built with `createRelayProducer`. */
  producer: Producer;
  registry: SchemaRegistry;
  logger: Logger;
  metrics: MetricsRegistry;
  topicPrefix: string;
  batchSize: number;
  pollIntervalMs: number;
  settleMs: number;
  lockIntervalMs: number;
  depthSampleMs: number;
  /** Upcasters of older stored schema versions; none exist yet. */
  upcasters?: Upcasters;
  afterPublish?: () => void;
}>;

export type RunningRelay = Readonly<{ relay: OutboxRelay; stop: () => Promise<void> }>;

/** Wires the relay's adapters and starts it; the caller owns (and closes) pool and producer. */
export async function startRelayRuntime(deps: RelayRuntimeDeps): Promise<RunningRelay> {
  const { pool, logger } = deps;
  const metrics = createRelayMetrics(deps.metrics);
  // Partition workers woken together share each round trip (see coalescer.ts); each
  // worker still has one batch at a time, so a partition's batches stay sequential.
  // A read also completes the partition's last batch (see relayBatch).
  type Read = { partition: number; limit: number; finish: BatchCompletion | undefined };
  const readBatches = createCoalescer(async (calls: readonly Read[]) => {
    const finishing = calls.flatMap((c) => (c.finish ? [c.finish] : []));
    const finish = { publishedIds: finishing.flatMap((f) => f.publishedIds), parked: finishing.flatMap((f) => f.parked) };
    const batches = await selectOutboxBatches(pool, calls.map((c) => c.partition), Math.max(...calls.map((c) => c.limit)), finish);
    return calls.map((c): OutboxEvent[] => (batches.get(c.partition) ?? []).slice(0, c.limit));
  });
  const outbox: Outbox = {
    readBatch: (partition, limit, finish) => readBatches({ partition, limit, finish }),
    complete: async (batch) => void (await completeOutboxBatch(pool, batch)),
  };
  // per partition, what its last batch sent and no read has deleted yet
  const unfinished = new Map<number, BatchCompletion>();
  const encoder = createEventEncoder({
    codec: createEventCodec(deps.registry, eventSchemas),
    schemas: eventSchemas,
    upcasting: { currentSchemaVersions: currentSchemaVersion, upcasters: deps.upcasters ?? {} },
    topicPrefix: deps.topicPrefix,
  });
  // One produce request for every batch ready at once: each batch's messages keep their
  // order within it, and an aggregate's messages only ever come from its partition's worker.
  const send = kafkaPublisher(deps.producer);
  const publishTogether = createCoalescer(async (batches: readonly (readonly OutgoingMessage[])[]) => {
    await send.publish(batches.flat());
    return batches.map(() => undefined);
  });
  const publisher: Publisher = { publish: (messages) => publishTogether(messages) };
  const relay = createOutboxRelay(
    {
      openSession: (handlers) => openLockSession({ databaseUrl: deps.databaseUrl, logger, ...handlers }),
      runBatch: async (partition, limit, confirmOwnership) => {
        // on a failure the entry stays: completing a batch twice changes nothing
        const outcome = await relayBatch(
          { outbox, encoder, publisher, metrics, logger, confirmOwnership, afterPublish: deps.afterPublish },
          partition,
          limit,
          unfinished.get(partition) ?? null,
        );
        if (outcome.unfinished) unfinished.set(partition, outcome.unfinished);
        else unfinished.delete(partition);
        return outcome.handled;
      },
      finish: async (partition) => {
        const last = unfinished.get(partition);
        unfinished.delete(partition);
        if (!last) return;
        // a failure here only means the next owner publishes these rows again
        await outbox.complete(last).catch((e: unknown) => logger.warn({ event: 'relay.finish_failed', partition, err: e }, 'could not delete the last batch sent'));
      },
      metrics,
      logger,
    },
    {
      partitions: OUTBOX_PARTITIONS,
      batchSize: deps.batchSize,
      pollIntervalMs: deps.pollIntervalMs,
      settleMs: deps.settleMs,
      lockIntervalMs: deps.lockIntervalMs,
    },
  );
  await relay.start();
  const stopSampler = startDepthSampler(pool, metrics, deps.depthSampleMs, logger);
  return {
    relay,
    stop: async () => {
      stopSampler();
      await relay.stop();
    },
  };
}
