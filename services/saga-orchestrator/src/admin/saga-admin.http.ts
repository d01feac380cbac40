import type { FastifyInstance } from 'fastify';
import type { Pool } from '@orderflow/platform';
import { notFound } from '@orderflow/platform/errors';
import { getSaga, listSagas } from '../adapters/postgres/saga-queries.js';
import { sagaStatuses, type SagaStatus } from '../order-saga/order-saga.types.js';

export type SagaAdminOptions = Readonly<{ pool: Pool }>;

type ListQuery = { status?: SagaStatus; orderId?: string; stuckForSeconds?: number; limit: number };

/**
 * Operators' view of sagas: what runs, what is stuck and why (step, deadline, last error,
 * attempts), and each saga's history and compensation log.
 */
export async function sagaAdminRoutes(app: FastifyInstance, opts: SagaAdminOptions): Promise<void> {
  app.get<{ Querystring: ListQuery }>(
    '/api/v1/admin/sagas',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: [...sagaStatuses] },
            orderId: { type: 'string', minLength: 1, maxLength: 128 },
            stuckForSeconds: { type: 'integer', minimum: 0, maximum: 31_536_000 },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
          },
        },
      },
    },
    async (req) => {
      const items = await listSagas(opts.pool, req.query);
      return { items, count: items.length };
    },
  );

  app.get<{ Params: { sagaId: string } }>(
    '/api/v1/admin/sagas/:sagaId',
    {
      schema: {
        params: {
          type: 'object',
          required: ['sagaId'],
          properties: { sagaId: { type: 'string', format: 'uuid' } },
        },
      },
    },
    async (req) => {
      const saga = await getSaga(opts.pool, req.params.sagaId);
      if (!saga) throw notFound('SAGA_NOT_FOUND', `saga ${req.params.sagaId} does not exist`, { sagaId: req.params.sagaId });
      return saga;
    },
  );
}
