import { currentSchemaVersion, eventSchemas } from '@orderflow/contracts';
import { OUTBOX_PARTITIONS, type Upcasters } from '@orderflow/event-store';
import { createEventCodec, type Logger, type MetricsRegistry, type Pool, type SchemaRegistry } from '@orderflow/platform';
import type { Producer } from 'kafkajs';
import { kafkaPublisher } from './adapters/kafka/kafka-publisher.js';
import { openLockSession } from './adapters/postgres/lock-session.js';
import { completeOutboxBatch, selectOutboxBatches } from './adapters/postgres/outbox-statements.js';
import { createCoalescer } from './relay/coalescer.js';
import { startDepthSampler } from './relay/depth-sampler.js';
import { createEventEncoder } from './relay/event-encoder.js';
import type { Outbox, OutboxEvent, OutgoingMessage, ParkedEvent, Publisher } from './relay/outbox-event.js';
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
  const readBatches = createCoalescer(async (calls: readonly { partition: number; limit: number }[]) => {
    const batches = await selectOutboxBatches(pool, calls.map((c) => c.partition), Math.max(...calls.map((c) => c.limit)));
    return calls.map((c): OutboxEvent[] => (batches.get(c.partition) ?? []).slice(0, c.limit));
  });
  const completeBatches = createCoalescer(async (calls: readonly { publishedIds: readonly string[]; parked: readonly ParkedEvent[] }[]) => {
    await completeOutboxBatch(pool, calls.flatMap((c) => c.publishedIds), calls.flatMap((c) => c.parked));
    return calls.map(() => undefined);
  });
  const outbox: Outbox = {
    readBatch: (partition, limit) => readBatches({ partition, limit }),
    complete: (publishedIds, parked) => completeBatches({ publishedIds, parked }),
  };
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
      runBatch: (partition, limit, confirmOwnership) =>
        relayBatch({ outbox, encoder, publisher, metrics, logger, confirmOwnership, afterPublish: deps.afterPublish }, partition, limit),
      metrics,
      logger,
    },
    {
      partitions: OUTBOX_PARTITIONS,
      batchSize: deps.batchSize,
      pollIntervalMs: deps.pollIntervalMs,
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
