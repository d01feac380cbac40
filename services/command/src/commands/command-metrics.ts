import { prom, type MetricsRegistry } from '@orderflow/platform';

/**
 * Stable metric names (dashboards depend on them):
 * - command_handled_total{command, outcome}: outcome is accepted | unchanged | replayed,
 *   or the error kind (validation, not_found, conflict, precondition, unprocessable,
 *   unavailable, ...), or `error` for a bug.
 * - command_duration_seconds{command, outcome}: from the use case's start to its answer.
 * - command_concurrency_retries_total{command}: attempts repeated after a version conflict.
 */
export type CommandMetrics = ReturnType<typeof createCommandMetrics>;

export function createCommandMetrics(registry: MetricsRegistry) {
  return {
    handled: new prom.Counter({
      name: 'command_handled_total',
      help: 'Commands handled, by command and outcome',
      labelNames: ['command', 'outcome'] as const,
      registers: [registry],
    }),
    duration: new prom.Histogram({
      name: 'command_duration_seconds',
      help: 'Time to handle a command, by command and outcome',
      labelNames: ['command', 'outcome'] as const,
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    conflictRetries: new prom.Counter({
      name: 'command_concurrency_retries_total',
      help: 'Command attempts repeated after an optimistic-concurrency conflict',
      labelNames: ['command'] as const,
      registers: [registry],
    }),
  };
}
