import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/**
 * The OpenAPI document is generated from the route schemas, so it cannot drift from
 * what the routes validate. Served at `/openapi.json`, browsable at `/docs`.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'orderflow command API',
        version: '1.0.0',
        description:
          'Write side of orderflow. Every command answers 202 with the command id, the aggregate id and its stream version. ' +
          'Send an Idempotency-Key to make a retry safe. Errors are application/problem+json with a stable `code`.',
      },
      tags: [
        { name: 'orders', description: 'Order lifecycle' },
        { name: 'payments', description: 'Payments recorded on orders' },
        { name: 'inventory', description: 'Stock per product' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
