import { prom, type MetricsRegistry } from '@orderflow/platform';

/** Metric names are stable: dashboards and alerts (see the service README) use them. */
export type RelayMetrics = ReturnType<typeof createRelayMetrics>;

export function createRelayMetrics(registry: MetricsRegistry) {
  const registers = [registry];
  return {
    published: new prom.Counter({
      name: 'outbox_relay_events_published_total',
      help: 'Events acknowledged by Kafka, by topic and event type',
      labelNames: ['topic', 'event_type'] as const,
      registers,
    }),
    batchSeconds: new prom.Histogram({
      name: 'outbox_relay_publish_batch_seconds',
      help: 'Read, encode, send with acks=all and delete of one outbox batch',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    batchFailures: new prom.Counter({
      name: 'outbox_relay_batch_failures_total',
      help: 'Batches that failed and will be retried (broker, registry or database unavailable)',
      registers,
    }),
    publishLag: new prom.Gauge({
      name: 'outbox_relay_publish_lag_seconds',
      help: 'Time from recorded_at to broker ack of the last event published',
      registers,
    }),
    outboxDepth: new prom.Gauge({
      name: 'outbox_relay_outbox_depth',
      help: 'Rows waiting in the outbox (all partitions), sampled periodically',
      registers,
    }),
    parkedDepth: new prom.Gauge({
      name: 'outbox_relay_parked_depth',
      help: 'Rows in outbox_parked, sampled periodically; anything above zero is a bug to fix',
      registers,
    }),
    parked: new prom.Counter({
      name: 'outbox_relay_events_parked_total',
      help: 'Events moved to outbox_parked because they can never be published as stored',
      labelNames: ['reason'] as const,
      registers,
    }),
    partitionsHeld: new prom.Gauge({
      name: 'outbox_relay_partitions_held',
      help: 'Outbox partitions whose advisory lock this process holds',
      registers,
    }),
  };
}
