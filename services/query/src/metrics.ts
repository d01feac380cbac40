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

/** A counter's series that one code path increments on every request. */
export type Tally = { inc(): void };

/**
 * Series of a counter counted in plain numbers and added to the counter whenever it is
 * collected (each scrape, each read of the registry), so what is exposed is exact. An
 * increment on a hot path is then an addition, not prom-client's label check, label hash
 * and map lookup; a series shows once it has counted something, as with `inc`.
 */
export class Tallies<T extends string> {
  readonly #series: { labels: prom.LabelValues<T>; count: number }[] = [];

  of(labels: prom.LabelValues<T>): Tally {
    const series = { labels, count: 0 };
    this.#series.push(series);
    return {
      inc: () => {
        series.count++;
      },
    };
  }

  /** For the counter's `collect`. */
  addTo(counter: prom.Counter<T>): void {
    for (const series of this.#series) {
      if (series.count === 0) continue;
      counter.inc(series.labels, series.count);
      series.count = 0;
    }
  }
}

export function createQueryMetrics(registry: MetricsRegistry) {
  const registers = [registry];
  const cacheTallies = new Tallies<'cache' | 'result'>();
  const cache = new prom.Counter({
    name: 'query_cache_requests_total',
    help: 'Redis cache lookups by cache and result (error: Redis failed or timed out and PostgreSQL answered)',
    labelNames: ['cache', 'result'] as const,
    registers,
    collect() {
      cacheTallies.addTo(this);
    },
  });
  const requestTallies = new Tallies<'route' | 'outcome'>();
  return {
    requests: new prom.Counter({
      name: 'query_requests_total',
      help: 'Query API requests by route template and outcome',
      labelNames: ['route', 'outcome'] as const,
      registers,
      collect() {
        requestTallies.addTo(this);
      },
    }),
    requestTallies,
    requestDuration: new prom.Histogram({
      name: 'query_request_duration_seconds',
      help: 'Query API request duration by route template',
      labelNames: ['route'] as const,
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    cache,
    /** The detail lookups' series: every detail read counts one. */
    detailCache: {
      hit: cacheTallies.of({ cache: 'detail', result: 'hit' }),
      miss: cacheTallies.of({ cache: 'detail', result: 'miss' }),
      error: cacheTallies.of({ cache: 'detail', result: 'error' }),
    } satisfies Record<CacheOutcome, Tally>,
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

const outcomes: readonly RequestOutcome[] = ['ok', 'stale', 'not_found', 'invalid', 'error'];

/**
 * Records requests in `query_requests_total` and `query_request_duration_seconds`: given a
 * route template, returns its recorder, which counts through tallies made once per
 * outcome (few and fixed) and observes through the route's histogram child, so a request
 * builds no label object of its own.
 */
export function requestRecorder(metrics: Pick<QueryMetrics, 'requestTallies' | 'requestDuration'>) {
  return (route: string) => {
    const counts = Object.fromEntries(outcomes.map((outcome) => [outcome, metrics.requestTallies.of({ route, outcome })])) as Record<RequestOutcome, Tally>;
    // bound on the route's first request, so a route never asked for shows no series
    let duration: prom.Histogram.Internal<string> | undefined;
    return (outcome: RequestOutcome, seconds: number): void => {
      counts[outcome].inc();
      duration ??= metrics.requestDuration.labels(route);
      duration.observe(seconds);
    };
  };
}
