import type { FastifyInstance } from 'fastify';
import { createHttpServer, opsRoutes, type HealthCheck, type Logger, type MetricsRegistry } from '@orderflow/platform';
import { ADMIN_PREFIX, adminRoutes } from './admin/admin.http.js';
import type { ProjectionAdmin } from './use-cases.js';

export type AppDeps = {
  logger: Logger;
  metrics: MetricsRegistry;
  checks: readonly HealthCheck[];
  isShuttingDown?: () => boolean;
  /** The operator API; omitted, the server has only the ops routes. */
  admin?: ProjectionAdmin;
};

/** Returns an unstarted server: tests call `inject()` or `listen()` themselves. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = createHttpServer({ logger: deps.logger });
  await app.register(opsRoutes, { checks: deps.checks, registry: deps.metrics, isShuttingDown: deps.isShuttingDown });
  if (deps.admin) await app.register(adminRoutes, { prefix: ADMIN_PREFIX, admin: deps.admin });
  return app;
}
