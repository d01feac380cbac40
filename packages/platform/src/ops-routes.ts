import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { runHealthChecks, type HealthCheck } from './health.js';

export type OpsOptions = {
  checks: readonly HealthCheck[];
  registry: Registry;
  /** Set while draining on SIGTERM, so load balancers stop sending work first. */
  isShuttingDown?: () => boolean;
};

/**
 * /health/live says the process is responsive; /health/ready says its dependencies
 * answer (503 otherwise, and during shutdown); /metrics is the Prometheus text format.
 */
export async function opsRoutes(app: FastifyInstance, opts: OpsOptions): Promise<void> {
  // kept out of the public OpenAPI document
  const hidden = { schema: { hide: true } as Record<string, unknown> };
  app.get('/health/live', hidden, async () => ({ status: 'ok' }));
  app.get('/health/ready', hidden, async (_req, reply) => {
    if (opts.isShuttingDown?.()) {
      return reply.code(503).send({ status: 'shutting_down', checks: {} });
    }
    const report = await runHealthChecks(opts.checks);
    return reply.code(report.status === 'ok' ? 200 : 503).send(report);
  });
  app.get('/metrics', hidden, async (_req, reply) => {
    reply.header('content-type', opts.registry.contentType);
    return opts.registry.metrics();
  });
}
