import { prom, type MetricsRegistry } from '@orderflow/platform';

/**
 * Metric names are stable: dashboards and alerts use them.
 * - projection_events_applied_total{projection,event_type}
 * - projection_events_skipped_total{reason}              reason: duplicate | parked
 * - projection_consumer_lag{topic,partition}             events behind the high watermark, after each batch
 * - projection_lag_seconds{projection}                   now minus the event's recorded-at, when applied
 * - projection_dlq_messages_total{topic}
 * - projection_parked_streams                            aggregates waiting for an operator
 * - projection_batch_duration_seconds                    one Kafka batch, decode to offset commit
 * - projection_cache_failures_total                      Redis writes that failed after a commit
 */
export type ProjectionMetrics = ReturnType<typeof createProjectionMetrics>;

export function createProjectionMetrics(registry: MetricsRegistry, countParked: () => Promise<number>) {
  const registers = [registry];
  return {
    applied: new prom.Counter({
      name: 'projection_events_applied_total',
      help: 'Events applied to read models',
      labelNames: ['projection', 'event_type'] as const,
      registers,
    }),
    skipped: new prom.Counter({
      name: 'projection_events_skipped_total',
      help: 'Events not applied: redeliveries (duplicate) or events of a parked aggregate (parked)',
      labelNames: ['reason'] as const,
      registers,
    }),
    consumerLag: new prom.Gauge({
      name: 'projection_consumer_lag',
      help: 'Messages between the last processed offset and the high watermark',
      labelNames: ['topic', 'partition'] as const,
      registers,
    }),
    lagSeconds: new prom.Histogram({
      name: 'projection_lag_seconds',
      help: 'Time from an event being recorded to its projection',
      labelNames: ['projection'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    }),
    deadLettered: new prom.Counter({
      name: 'projection_dlq_messages_total',
      help: 'Messages sent to a dead-letter topic',
      labelNames: ['topic'] as const,
      registers,
    }),
    parkedStreams: new prom.Gauge({
      name: 'projection_parked_streams',
      help: 'Aggregates whose events wait for an operator',
      registers,
      async collect() {
        this.set(await countParked().catch(() => Number.NaN));
      },
    }),
    batchDuration: new prom.Histogram({
      name: 'projection_batch_duration_seconds',
      help: 'Processing time of one Kafka batch',
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    cacheFailures: new prom.Counter({
      name: 'projection_cache_failures_total',
      help: 'Redis updates that failed after the read model committed',
      registers,
    }),
  };
}
