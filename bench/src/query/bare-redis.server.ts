import { loadConfig, port, redisUrl } from '@orderflow/platform/config';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { detailKey } from './order-view-seed.js';

/**
 * The baseline for the query service's cached detail read: Fastify with one route doing
 * one Redis GET and sending the stored JSON as it is, no validation, no envelope.
 */
const config = loadConfig('bench-bare-redis', z.object({ HTTP_PORT: port(0), REDIS_URL: redisUrl() }));

async function main() {
  const redis = new Redis(config.REDIS_URL);
  const app = Fastify();
  app.get('/health', async () => ({ status: 'ok' }));
  app.get<{ Params: { id: string } }>('/orders/:id', async (req, reply) => {
    const json = await redis.get(detailKey(req.params.id));
    if (json === null) return reply.code(404).send({ error: 'not found' });
    return reply.type('application/json').send(json);
  });
  const close = () => void app.close().then(() => redis.quit());
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
  await app.listen({ host: '127.0.0.1', port: config.HTTP_PORT });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
