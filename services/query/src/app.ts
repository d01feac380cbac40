import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { createHttpServer, opsRoutes, type HealthCheck, type Logger, type MetricsRegistry } from '@orderflow/platform';
import type { SalesStore } from './analytics/sales.js';
import { wasStale } from './http/envelope.js';
import { inventoryRoutes } from './http/inventory.http.js';
import { ordersRoutes } from './http/orders.http.js';
import { salesRoutes } from './http/sales.http.js';
import type { InventoryReader } from './inventory/inventory-view.js';
import { createQueryMetrics, type QueryMetrics } from './metrics.js';
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

function outcomeOf(request: FastifyRequest, reply: FastifyReply): string {
  if (wasStale(request)) return 'stale';
  const status = reply.statusCode;
  if (status < 400) return 'ok';
  if (status === 404) return 'not_found';
  return status < 500 ? 'invalid' : 'error';
}

function countRequests(app: FastifyInstance, metrics: QueryMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ route, outcome: outcomeOf(request, reply) });
    metrics.requestDuration.observe({ route }, reply.elapsedTime / 1000);
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
      countRequests(api, metrics);
      await api.register(ordersRoutes, {
        detail: { store: deps.orders, cache: deps.cache, versions: deps.versions, metrics, maxWaitMs: deps.minVersionWaitMs },
        lists: { store: deps.orders, cache: deps.cache, metrics },
      });
      await api.register(salesRoutes, { store: deps.sales });
      await api.register(inventoryRoutes, { store: deps.inventory });
    },
    { prefix: API_PREFIX },
  );
  return app;
}
