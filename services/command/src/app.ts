import type { FastifyInstance } from 'fastify';
import { createHttpServer, opsRoutes, type HealthCheck, type Logger, type MetricsRegistry } from '@orderflow/platform';
import type { Clock } from './commands/command-context.js';
import type { CommandRouteOptions } from './http/command-routes.js';
import { registerOpenApi } from './http/openapi.js';
import { useStrictValidation } from './http/strict-validation.js';
import { inventoryRoutes } from './http/routes/inventory.http.js';
import { orderRoutes } from './http/routes/order.http.js';
import { paymentRoutes } from './http/routes/payment.http.js';
import type { CommandUseCases } from './use-cases.js';

export type AppDeps = {
  logger: Logger;
  metrics: MetricsRegistry;
  checks: readonly HealthCheck[];
  commands: CommandUseCases;
  clock: Clock;
  isShuttingDown?: () => boolean;
};

/** Largest command body; a 100-line order is a few KiB. */
export const BODY_LIMIT = 256 * 1024;

/** The command API, JSON only: no other content type has a parser, so it gets 415. */
async function commandApi(app: FastifyInstance, options: CommandRouteOptions): Promise<void> {
  useStrictValidation(app);
  app.removeContentTypeParser('text/plain');
  await app.register(orderRoutes, options);
  await app.register(paymentRoutes, options);
  await app.register(inventoryRoutes, options);
}

/** Returns an unstarted server: tests call `inject()` or `listen()` themselves. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = createHttpServer({ logger: deps.logger, bodyLimit: BODY_LIMIT });
  await registerOpenApi(app);
  await app.register(opsRoutes, { checks: deps.checks, registry: deps.metrics, isShuttingDown: deps.isShuttingDown });
  await app.register(commandApi, { commands: deps.commands, clock: deps.clock });
  return app;
}
