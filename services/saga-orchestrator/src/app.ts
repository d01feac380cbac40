import type { FastifyInstance } from 'fastify';
import { createHttpServer, opsRoutes, type HealthCheck, type Logger, type MetricsRegistry, type Pool } from '@orderflow/platform';
import { sagaAdminRoutes } from './admin/saga-admin.http.js';

export type AppDeps = {
  logger: Logger;
  metrics: MetricsRegistry;
  checks: readonly HealthCheck[];
  pool: Pool;
  isShuttingDown?: () => boolean;
};

/** Returns an unstarted server: tests call `inject()` or `listen()` themselves. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = createHttpServer({ logger: deps.logger });
  await app.register(opsRoutes, { checks: deps.checks, registry: deps.metrics, isShuttingDown: deps.isShuttingDown });
  await app.register(sagaAdminRoutes, { pool: deps.pool });
  return app;
}
