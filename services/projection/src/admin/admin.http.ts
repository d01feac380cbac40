import type { FastifyInstance } from 'fastify';
import type { ProjectionAdmin } from '../use-cases.js';

/**
 * Admin routes are mounted under this prefix; the saga orchestrator's admin API will
 * share it with `/sagas`, so this plugin takes only its own sub-paths.
 */
export const ADMIN_PREFIX = '/api/v1/admin';

const streamParams = {
  type: 'object',
  required: ['streamId'],
  properties: { streamId: { type: 'string', minLength: 1, maxLength: 300 } },
} as const;

const limitQuery = (max: number, fallback: number) => ({
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: max, default: fallback } },
});

type StreamParams = { Params: { streamId: string } };

export async function adminRoutes(app: FastifyInstance, opts: { admin: ProjectionAdmin }): Promise<void> {
  const { admin } = opts;

  app.get('/projections', async () => ({ data: await admin.status() }));

  app.post<{ Querystring: { wait: boolean } }>(
    '/projections/rebuild',
    {
      schema: {
        querystring: { type: 'object', additionalProperties: false, properties: { wait: { type: 'boolean', default: false } } },
      },
    },
    async (req, reply) => {
      const job = admin.rebuild();
      if (req.query.wait) return { data: { status: 'succeeded', report: await job } };
      // the outcome is reported by GET /projections/rebuild; nobody awaits it here
      job.catch(() => {});
      return reply.code(202).header('location', `${ADMIN_PREFIX}/projections/rebuild`).send({ data: admin.rebuildState() });
    },
  );

  app.get('/projections/rebuild', async () => ({ data: admin.rebuildState() }));

  app.post('/projections/replay', async (_req, reply) => reply.code(202).send({ data: { status: 'replaying', ...(await admin.replay()) } }));

  app.get<StreamParams & { Querystring: { fromVersion: number; limit: number } }>(
    '/streams/:streamId/events',
    {
      schema: {
        params: streamParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            fromVersion: { type: 'integer', minimum: 1, default: 1 },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
      },
    },
    async (req) => ({ data: await admin.streamEvents(req.params.streamId, req.query) }),
  );

  app.get<{ Querystring: { limit: number } }>('/parked', { schema: { querystring: limitQuery(1000, 100) } }, async (req) => ({
    data: await admin.listParked(req.query.limit),
  }));

  app.post<StreamParams>('/parked/:streamId/retry', { schema: { params: streamParams } }, async (req) => ({
    data: await admin.retryParked(req.params.streamId),
  }));
}
