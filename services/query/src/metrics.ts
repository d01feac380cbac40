import { prom, type MetricsRegistry } from '@orderflow/platform';
import type { CacheOutcome } from './orders/ports.js';

/**
 * The query service's metrics. Names are stable: dashboards and alerts use them.
 * - query_requests_total{route,outcome}: outcome is ok | stale | not_found | invalid | error
 * - query_request_duration_seconds{route}
 * - query_cache_requests_total{cache,result}: cache is detail | list; result is hit | miss | error
 * - query_min_version_wait_seconds{outcome}: time spent waiting for the read model; outcome is reached | timeout
 * - query_min_version_timeouts_total
 * - query_version_listener_connected (1 while the LISTEN connection is up), query_version_listener_reconnects_total
 */
export type QueryMetrics = ReturnType<typeof createQueryMetrics>;

export function createQueryMetrics(registry: MetricsRegistry) {
  const registers = [registry];
  const cache = new prom.Counter({
    name: 'query_cache_requests_total',
    help: 'Redis cache lookups by cache and result (error: Redis failed or timed out and PostgreSQL answered)',
    labelNames: ['cache', 'result'] as const,
    registers,
  });
  return {
    requests: new prom.Counter({
      name: 'query_requests_total',
      help: 'Query API requests by route template and outcome',
      labelNames: ['route', 'outcome'] as const,
      registers,
    }),
    requestDuration: new prom.Histogram({
      name: 'query_request_duration_seconds',
      help: 'Query API request duration by route template',
      labelNames: ['route'] as const,
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    cache,
    /** The detail lookups' children, bound once: every detail read counts one. */
    detailCache: {
      hit: cache.labels('detail', 'hit'),
      miss: cache.labels('detail', 'miss'),
      error: cache.labels('detail', 'error'),
    } satisfies Record<CacheOutcome, prom.Counter.Internal>,
    minVersionWait: new prom.Histogram({
      name: 'query_min_version_wait_seconds',
      help: 'Time a minVersion read waited for the read model, by outcome',
      labelNames: ['outcome'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers,
    }),
    minVersionTimeouts: new prom.Counter({
      name: 'query_min_version_timeouts_total',
      help: 'minVersion reads answered stale because the read model did not catch up in time',
      registers,
    }),
    listenerConnected: new prom.Gauge({
      name: 'query_version_listener_connected',
      help: '1 while the LISTEN connection for order_view_updated is established',
      registers,
    }),
    listenerReconnects: new prom.Counter({
      name: 'query_version_listener_reconnects_total',
      help: 'Times the LISTEN connection for order_view_updated was re-established after a loss',
      registers,
    }),
  };
}

export type RequestOutcome = 'ok' | 'stale' | 'not_found' | 'invalid' | 'error';

type RouteChildren = { duration: prom.Histogram.Internal<string>; outcomes: Map<RequestOutcome, prom.Counter.Internal> };

/**
 * Records one request in `query_requests_total` and `query_request_duration_seconds`
 * through label children bound once per route template and outcome (both few and fixed),
 * so a request builds and validates no label object of its own.
 */
export function requestRecorder(metrics: Pick<QueryMetrics, 'requests' | 'requestDuration'>) {
  const byRoute = new Map<string, RouteChildren>();
  return (route: string, outcome: RequestOutcome, seconds: number): void => {
    let children = byRoute.get(route);
    if (children === undefined) {
      children = { duration: metrics.requestDuration.labels(route), outcomes: new Map() };
      byRoute.set(route, children);
    }
    let counter = children.outcomes.get(outcome);
    if (counter === undefined) {
      counter = metrics.requests.labels(route, outcome);
      children.outcomes.set(outcome, counter);
    }
    counter.inc();
    children.duration.observe(seconds);
  };
}
