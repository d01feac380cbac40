import type { FastifyInstance, FastifyReply, FastifyRequest, LogLevel, onResponseHookHandler } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { createHttpServer, opsRoutes, type HealthCheck, type Logger, type MetricsRegistry } from '@orderflow/platform';
import type { SalesStore } from './analytics/sales.js';
import { wasStale } from './http/envelope.js';
import { inventoryRoutes } from './http/inventory.http.js';
import { ordersRoutes } from './http/orders.http.js';
import { salesRoutes } from './http/sales.http.js';
import type { InventoryReader } from './inventory/inventory-view.js';
import { createQueryMetrics, requestRecorder, type QueryMetrics, type RequestOutcome } from './metrics.js';
import type { OrderViewCache, OrderViewReader } from './orders/ports.js';
import type { VersionWaiter } from './orders/version-waiters.js';

export type AppDeps = {
  logger: Logger;
  metrics: MetricsRegistry;
  checks: readonly HealthCheck[];
  isShuttingDown?: () => boolean;
  orders: OrderViewReader;
  sales: SalesStore;
  inventory: InventoryReader;
  cache: OrderViewCache;
  versions: { register(orderId: string, minVersion: number): VersionWaiter };
  /** MIN_VERSION_WAIT_MS */
  minVersionWaitMs: number;
  /** Built by main when adapters need it too (the listener's gauge); otherwise here. */
  queryMetrics?: QueryMetrics;
};

export const API_PREFIX = '/api/v1';

function outcomeOf(request: FastifyRequest, reply: FastifyReply): RequestOutcome {
  if (wasStale(request)) return 'stale';
  const status = reply.statusCode;
  if (status < 400) return 'ok';
  if (status === 404) return 'not_found';
  return status < 500 ? 'invalid' : 'error';
}

/**
 * Reads are many and each is counted in the metrics, so at LOG_LEVEL=info a read that
 * answered as asked writes no log line: its request logger runs at warn, which mutes the
 * platform's per-request line (at debug and below every request keeps it). A read that
 * failed or answered stale still writes that line at info, here, with the same fields.
 */
export const readLogLevel = (serviceLevel: string): LogLevel => (serviceLevel === 'info' ? 'warn' : (serviceLevel as LogLevel));

function observeRequests(app: FastifyInstance, metrics: QueryMetrics, logger: Logger): void {
  const record = requestRecorder(metrics);
  const muted = readLogLevel(logger.level) !== logger.level;
  // One hook per route, bound to its template when the route is added: a request then
  // neither looks its route up nor builds Fastify's routeOptions object.
  app.addHook('onRoute', (route) => {
    const recordRoute = record(route.url);
    // a callback hook, not an async one: no promise per request for work that never waits
    const onResponse: onResponseHookHandler = (request, reply, done) => {
      const outcome = outcomeOf(request, reply);
      const ms = reply.elapsedTime;
      recordRoute(outcome, ms / 1000);
      if (outcome !== 'ok' && muted) {
        logger.info(
          { reqId: request.id, event: 'http.request', method: request.method, url: request.url, status: reply.statusCode, outcome, ms: Math.round(ms) },
          'request completed',
        );
      }
      done();
    };
    const own = route.onResponse;
    route.onResponse = own === undefined ? [onResponse] : [...(Array.isArray(own) ? own : [own]), onResponse];
  });
}

/**
 * The query service's use cases, all reads under /api/v1: orders (detail with
 * read-your-writes, items, lists, search), customers' orders, sales analytics, inventory.
 * Returns an unstarted server: tests call `inject()` or `listen()` themselves.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = createHttpServer({ logger: deps.logger });
  const metrics = deps.queryMetrics ?? createQueryMetrics(deps.metrics);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'orderflow query API',
        version: '1.0.0',
        description:
          'Reads from the read models. Every answer is `{ data, pagination?, meta }`; `meta` says how fresh it is ' +
          '(`lastUpdated`, `version`, `cached`, `stale`). Errors are RFC 9457 problem+json with a stable `code`.',
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(opsRoutes, { checks: deps.checks, registry: deps.metrics, isShuttingDown: deps.isShuttingDown });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(
    async (api) => {
      observeRequests(api, metrics, deps.logger);
      await api.register(ordersRoutes, {
        detail: { store: deps.orders, cache: deps.cache, versions: deps.versions, metrics, maxWaitMs: deps.minVersionWaitMs },
        lists: { store: deps.orders, cache: deps.cache, metrics },
      });
      await api.register(salesRoutes, { store: deps.sales });
      await api.register(inventoryRoutes, { store: deps.inventory });
    },
    { prefix: API_PREFIX, logLevel: readLogLevel(deps.logger.level) },
  );
  return app;
}
