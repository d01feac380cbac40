import { loadConfig, port, postgresUrl } from '@orderflow/platform/config';
import Fastify from 'fastify';
import pg from 'pg';
import { z } from 'zod';
import { BARE_PATH, BARE_TABLE } from './bare-insert-table.js';

/**
 * The baseline for the command service: Fastify with one route doing one parameterised
 * INSERT of an order-sized JSON row, no validation, no logging, no domain code. Whatever
 * the command service adds on top of this is what the `command` suite measures.
 */
const config = loadConfig(
  'bench-bare-insert',
  z.object({ HTTP_PORT: port(0), DATABASE_URL: postgresUrl(), POOL_SIZE: z.coerce.number().int().min(1).default(20) }),
);

type Body = { customerId?: unknown };

async function main() {
  const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: config.POOL_SIZE });
  const app = Fastify({ bodyLimit: 256 * 1024 });
  app.get('/health', async () => ({ status: 'ok' }));
  app.post<{ Body: Body }>(BARE_PATH, async (req, reply) => {
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO ${BARE_TABLE} (id, idempotency_key, customer_id, data) VALUES (gen_random_uuid(), $1, $2, $3) RETURNING id`,
      [req.headers['idempotency-key'] ?? null, String(req.body.customerId ?? ''), JSON.stringify(req.body)],
    );
    return reply.code(202).send({ orderId: rows[0]?.id });
  });
  const close = () => void app.close().then(() => pool.end());
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
  await app.listen({ host: '127.0.0.1', port: config.HTTP_PORT });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
